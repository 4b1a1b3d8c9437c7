"""The searchable picker (crm.forms.pickers) of the forms' clients, opportunities and projects,
and its results endpoint (crm:picker): the rendered <select> holds only the chosen option
whatever the volume, validation still runs against the user's whole scope, and the results
are the user's, searched through the indexes, at most 20."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.selectors.pickers import PICKER_ROWS
from tests.factories import ClientFactory, OpportunityFactory, ProjectFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("crm:opportunity_create")


def picker_url(kind: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("crm:picker", args=[kind]) + (f"?{query}" if query else "")


def own_only() -> None:
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.opportunity_visibility = Visibility.OWN
    settings.save()


def select_html(page: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert match, f"no <select name={name}>"
    return match.group(0)


def options(page: str, name: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', select_html(page, name))


def queries(http, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


# The widget ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "fields"),
    [
        ("crm:opportunity_create", ["client"]),
        ("crm:activity_create", ["client"]),
        ("crm:complaint_create", ["client", "opportunity", "project"]),
        ("documents:upload", ["client", "opportunity", "project"]),
    ],
)
def test_a_form_renders_only_the_chosen_option_however_many_records(
    client_as, executive, url_name, fields
):
    http = client_as(executive)
    chosen = ClientFactory(owner=executive, name="Empresa Elegida, C.A.")
    url = f"{reverse(url_name)}?client={chosen.pk}"
    http.get(url)  # settings row, content types: created on the first request
    before = http.get(url).content.decode()
    size_before, count_before = len(before), queries(http, url)
    for n in range(60):
        client = ClientFactory(owner=executive, name=f"Empresa Otra {n:03d}, C.A.")
        OpportunityFactory(client=client, owner=executive)
        ProjectFactory(client=client)
    after = http.get(url).content.decode()
    assert queries(http, url) == count_before
    assert len(after) == size_before  # the page does not grow with the records
    for name in fields:
        assert len(options(after, name)) <= 2, name  # the empty choice and the chosen one
    assert options(after, "client") == ["", str(chosen.pk)]
    assert "selected" in select_html(after, "client")
    assert "Empresa Otra" not in after
    # The search box, labelled, a combobox of a listbox.
    assert 'role="combobox"' in after and 'role="listbox"' in after
    assert f'hx-get="{reverse("crm:picker", args=["client"])}"' in after


def test_the_edit_form_shows_its_saved_client_only(client_as, executive):
    http = client_as(executive)
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive), owner=executive)
    for _n in range(30):
        ClientFactory(owner=executive)
    page = http.get(reverse("crm:opportunity_edit", args=[opportunity.pk])).content.decode()
    assert options(page, "client") == ["", str(opportunity.client_id)] or options(
        page, "client"
    ) == [str(opportunity.client_id)]
    assert f'value="{opportunity.client.name}"' in page  # the search box shows the choice


def test_a_client_outside_the_scope_is_refused_and_what_was_typed_stays(
    client_as, executive, other_executive
):
    own_only()
    http = client_as(executive)
    hidden = ClientFactory(owner=other_executive, name="Cliente Ajeno, C.A.")
    response = http.post(
        CREATE_URL,
        {
            "name": "Mantenimiento 2027",
            "client": hidden.pk,
            "client_search": "Cliente Aje",
            "estimated_value": "1000.00",
            "expected_close_date": "2099-01-01",
            "stage": "prospecting",
            "owner": executive.pk,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Elija uno de los clientes que puede ver." in page
    assert 'value="Mantenimiento 2027"' in page  # the other fields keep what was typed
    assert 'value="Cliente Aje"' in page  # and so does the search box
    assert "Cliente Ajeno" not in page  # the hidden client's name is never shown
    assert options(page, "client") == [""]


def test_a_complaint_refuses_an_opportunity_outside_what_the_user_may_change(
    client_as, executive, other_executive
):
    http = client_as(executive)
    client = ClientFactory(owner=executive)
    foreign = OpportunityFactory(client=client, owner=other_executive)
    response = http.post(
        reverse("crm:complaint_create"),
        {"client": client.pk, "opportunity": foreign.pk, "subject": "Demora"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Seleccione una opción válida" in page or "Escoja una opción válida" in page
    assert options(page, "opportunity") == [""]


# The endpoint ---------------------------------------------------------------------------


def test_the_picker_finds_clients_by_a_fragment_without_accents(client_as, executive):
    http = client_as(executive)
    ClientFactory(owner=executive, name="Petróleos del Lago, C.A.")
    ClientFactory(owner=executive, name="Alimentos Sur, C.A.")
    page = http.get(picker_url("client", q="petroleos", field="id_client")).content.decode()
    assert "Petróleos del Lago" in page and "Alimentos Sur" not in page
    assert 'role="option"' in page and 'id="id_client_option_1"' in page


def test_the_picker_lists_at_most_20_and_says_there_are_more(client_as, executive):
    http = client_as(executive)
    for n in range(PICKER_ROWS + 5):
        ClientFactory(owner=executive, name=f"Empresa Lote {n:02d}, C.A.")
    page = http.get(picker_url("client", q="lote")).content.decode()
    assert page.count('role="option"') == PICKER_ROWS
    assert "Hay más" in page


def test_the_picker_query_count_does_not_grow_with_the_rows(
    client_as, manager, django_assert_num_queries
):
    http = client_as(manager)
    client = ClientFactory(name="Empresa Base, C.A.")
    OpportunityFactory(client=client)
    urls = [
        picker_url("client", q="empresa"),
        picker_url("opportunity", q="a"),
        picker_url("editable-opportunity", client=client.pk),
        picker_url("contact", q="a"),
        picker_url("project", q="p"),
        picker_url("client-project", client=client.pk),
    ]
    for url in urls:
        http.get(url)
    counts = [queries(http, url) for url in urls]
    for n in range(30):
        other = ClientFactory(name=f"Empresa Más {n}, C.A.")
        OpportunityFactory(client=other)
        OpportunityFactory(client=client)
        ProjectFactory(client=client)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            http.get(url)


def test_the_picker_keeps_to_the_users_scope(client_as, executive, other_executive):
    own_only()
    http = client_as(executive)
    mine = ClientFactory(owner=executive, name="Empresa Mía, C.A.")
    theirs = ClientFactory(owner=other_executive, name="Empresa Ajena, C.A.")
    OpportunityFactory(client=mine, owner=executive, name="Oportunidad Mía")
    OpportunityFactory(client=theirs, owner=other_executive, name="Oportunidad Ajena")
    page = http.get(picker_url("client", q="empresa")).content.decode()
    assert "Empresa Mía" in page and "Empresa Ajena" not in page
    page = http.get(picker_url("opportunity", q="oportunidad")).content.decode()
    assert "Oportunidad Mía" in page and "Oportunidad Ajena" not in page
    # Narrowed to a client outside the scope: nothing, even without a search.
    page = http.get(picker_url("opportunity", client=theirs.pk)).content.decode()
    assert 'role="option"' not in page
    page = http.get(picker_url("opportunity", client="abc", q="oportunidad")).content.decode()
    assert 'role="option"' not in page


def test_the_picker_narrows_to_the_chosen_client(client_as, executive):
    http = client_as(executive)
    one, two = ClientFactory(owner=executive), ClientFactory(owner=executive)
    OpportunityFactory(client=one, owner=executive, name="Obra Norte")
    OpportunityFactory(client=two, owner=executive, name="Obra Sur")
    page = http.get(picker_url("opportunity", client=one.pk)).content.decode()
    assert "Obra Norte" in page and "Obra Sur" not in page
    page = http.get(picker_url("opportunity", client=two.pk, q="obra")).content.decode()
    assert "Obra Sur" in page and "Obra Norte" not in page
    # Without a search nor a client, nothing is listed.
    assert 'role="option"' not in http.get(picker_url("opportunity")).content.decode()


def test_an_unknown_kind_is_not_found(client_as, executive):
    assert client_as(executive).get(picker_url("user", q="a")).status_code == 404


def test_the_field_id_is_echoed_only_when_it_is_an_id(client_as, executive):
    http = client_as(executive)
    ClientFactory(owner=executive, name="Empresa Eco, C.A.")
    page = http.get(picker_url("client", q="eco", field='x"><script>')).content.decode()
    assert "<script>" not in page and 'id="picker_option_1"' in page
