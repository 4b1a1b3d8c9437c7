"""CRM → Clientes, bulk action "Cambiar segmento": several clients' segment at once."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from accounts.models import CompanySettings, Visibility
from crm.models import ChangeRecord, Client
from crm.services import client_delete
from tests.factories import ClientFactory

URL = reverse("crm:client_bulk_segment")
LIST_URL = reverse("crm:client_list")


def gettext_es(message: str) -> str:
    with translation.override("es"):
        return translation.gettext(message)


# What an id outside the user's list gets, whether the client exists or not.
NOT_IN_THE_LIST = (
    "error",
    "Algunos de los clientes seleccionados ya no están en su lista. Recárguela e inténtelo "
    "de nuevo.",
)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def segments(*clients) -> list[str]:
    return [Client.all_objects.get(pk=client.pk).segment for client in clients]


@pytest.fixture(autouse=True)
def _everyone_edits(edit_all):
    """These tests are about the action; the visibility levels have their own below."""


@pytest.fixture
def own_mode(db):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.save()


# Access -------------------------------------------------------------------------------------


def test_it_redirects_anonymous_users_to_the_login(client, db):
    response = client.post(URL, {"ids": ["1"], "segment": "A"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_forbids_users_without_a_role(client_as, no_role_user):
    target = ClientFactory(segment="B")

    response = client_as(no_role_user).post(URL, {"ids": [target.pk], "segment": "A"})

    assert response.status_code == 403
    assert segments(target) == ["B"]


def test_it_forbids_users_without_the_change_right(client_as, executive, monkeypatch):
    target = ClientFactory(segment="B")
    monkeypatch.setattr("accounts.decorators.module_rights", lambda user, module: {"view"})

    response = client_as(executive).post(URL, {"ids": [target.pk], "segment": "A"})

    assert response.status_code == 403
    assert segments(target) == ["B"]


# Happy path ---------------------------------------------------------------------------------


def test_it_sets_the_segment_of_the_selected_clients(client_as, executive):
    first, second = ClientFactory(segment="B"), ClientFactory(segment="C")
    untouched = ClientFactory(segment="B")

    response = client_as(executive).post(URL, {"ids": [first.pk, second.pk], "segment": "A"})

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert segments(first, second, untouched) == ["A", "A", "B"]
    assert messages_of(response) == [("success", "2 clientes actualizados")]


def test_it_says_one_client_in_the_singular(client_as, executive):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(URL, {"ids": [target.pk], "segment": "C"})

    assert messages_of(response) == [("success", "1 cliente actualizado")]


def test_it_counts_only_clients_whose_segment_changed(client_as, executive):
    already = ClientFactory(segment="A")
    moved = ClientFactory(segment="B")

    response = client_as(executive).post(URL, {"ids": [already.pk, moved.pk], "segment": "A"})

    assert messages_of(response) == [("success", "1 cliente actualizado")]
    assert not ChangeRecord.objects.filter(client=already).exists()


def test_it_writes_the_change_in_each_clients_history(client_as, executive):
    first, second = ClientFactory(segment="B"), ClientFactory(segment="C")

    client_as(executive).post(URL, {"ids": [first.pk, second.pk], "segment": "A"})

    records = ChangeRecord.objects.filter(field="segment").order_by("client_id")
    assert [(r.client_id, r.old_value, r.new_value, r.changed_by) for r in records] == [
        (first.pk, "B", "A", executive),
        (second.pk, "C", "A", executive),
    ]
    assert all(r.action == ChangeRecord.Action.CHANGED for r in records)


def test_it_increments_the_version_so_open_edit_forms_notice(client_as, executive):
    target = ClientFactory(segment="B")
    version = target.version

    client_as(executive).post(URL, {"ids": [target.pk], "segment": "A"})

    target.refresh_from_db()
    assert target.version == version + 1


def test_it_goes_back_to_the_list_with_its_filters_and_order(client_as, executive):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(
        URL,
        {"ids": [target.pk], "segment": "A", "return_query": "?q=demo&segment=B&order=-name"},
    )

    assert response.url == f"{LIST_URL}?q=demo&segment=B&order=-name"


def test_it_drops_the_page_number_and_blank_values_when_going_back(client_as, executive):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(
        URL, {"ids": [target.pk], "segment": "A", "return_query": "q=&segment=B&page=3"}
    )

    assert response.url == f"{LIST_URL}?segment=B"


def test_it_never_redirects_outside_the_list(client_as, executive):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(
        URL, {"ids": [target.pk], "segment": "A", "return_query": "//evil.example/x"}
    )

    assert response.url == LIST_URL


def test_its_form_on_the_list_posts_ids_segment_and_query(client_as, executive):
    target = ClientFactory(segment="B")

    html = client_as(executive).get(LIST_URL, {"segment": "B"}).content.decode()

    assert f'action="{URL}"' in html
    assert f'name="ids" value="{target.pk}" form="bulk-segment"' in html
    assert 'name="segment" id="bulk-segment-select"' in html
    assert 'name="return_query" value="?segment=B"' in html
    assert "csrfmiddlewaretoken" in html


# Scope --------------------------------------------------------------------------------------


def test_in_own_mode_another_executives_client_refuses_the_request_as_an_unknown_id_would(
    client_as, executive, other_executive, own_mode
):
    mine = ClientFactory(owner=executive, segment="B")
    theirs = ClientFactory(owner=other_executive, segment="B")

    response = client_as(executive).post(URL, {"ids": [mine.pk, theirs.pk], "segment": "A"})
    unknown = client_as(executive).post(URL, {"ids": [mine.pk, 999999], "segment": "A"})

    assert segments(mine, theirs) == ["B", "B"]
    assert messages_of(response) == messages_of(unknown) == [NOT_IN_THE_LIST]
    assert not ChangeRecord.objects.exists()


def test_in_own_mode_it_changes_the_users_own_clients(client_as, executive, own_mode):
    mine = ClientFactory(owner=executive, segment="B")

    response = client_as(executive).post(URL, {"ids": [mine.pk], "segment": "A"})

    assert segments(mine) == ["A"]
    assert messages_of(response) == [("success", "1 cliente actualizado")]


@pytest.fixture
def view_all_mode(db):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.VIEW_ALL
    settings.save()


def test_in_view_all_mode_it_leaves_clients_the_user_may_only_view_and_says_so(
    client_as, executive, other_executive, view_all_mode
):
    mine = ClientFactory(owner=executive, segment="B")
    theirs = ClientFactory(owner=other_executive, segment="B")

    response = client_as(executive).post(URL, {"ids": [mine.pk, theirs.pk], "segment": "A"})

    assert segments(mine, theirs) == ["A", "B"]
    assert messages_of(response) == [
        (
            "warning",
            gettext_es("%(count)s client was left as it is: you may only view it.") % {"count": 1},
        ),
        ("success", "1 cliente actualizado"),
    ]


def test_in_view_all_mode_the_list_has_no_checkbox_for_others_clients(
    client_as, executive, other_executive, view_all_mode
):
    mine = ClientFactory(owner=executive)
    theirs = ClientFactory(owner=other_executive)

    html = client_as(executive).get(LIST_URL).content.decode()

    assert f'name="ids" value="{mine.pk}"' in html
    assert f'name="ids" value="{theirs.pk}"' not in html
    assert theirs.name in html  # still listed: seeing is not editing


def test_in_own_mode_a_manager_updates_anyones_clients(
    client_as, manager, executive, other_executive, own_mode
):
    first = ClientFactory(owner=executive, segment="B")
    second = ClientFactory(owner=other_executive, segment="B")

    client_as(manager).post(URL, {"ids": [first.pk, second.pk], "segment": "C"})

    assert segments(first, second) == ["C", "C"]


def test_a_deleted_client_refuses_the_request(client_as, executive):
    deleted = ClientFactory(segment="B", owner=executive)
    client_delete(user=executive, client_id=deleted.pk)

    response = client_as(executive).post(URL, {"ids": [deleted.pk], "segment": "A"})

    assert segments(deleted) == ["B"]
    assert messages_of(response) == [NOT_IN_THE_LIST]


@pytest.mark.parametrize("other", [999999, "abc", "1; DROP TABLE"])
def test_an_unknown_or_malformed_id_refuses_the_request(client_as, executive, other):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(URL, {"ids": [target.pk, other], "segment": "A"})

    assert segments(target) == ["B"]
    assert messages_of(response) == [NOT_IN_THE_LIST]


# Bad input ----------------------------------------------------------------------------------


def test_it_asks_to_select_clients_when_none_is_ticked(client_as, executive):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(URL, {"segment": "A", "return_query": "?segment=B"})

    assert response.status_code == 302
    assert response.url == f"{LIST_URL}?segment=B"
    assert messages_of(response) == [
        ("error", gettext_es("Select at least one client to change its segment."))
    ]
    assert segments(target) == ["B"]


def test_only_garbage_ids_are_refused_as_clients_not_in_the_list(client_as, executive):
    response = client_as(executive).post(URL, {"ids": ["abc"], "segment": "A"})

    assert messages_of(response) == [NOT_IN_THE_LIST]


@pytest.mark.parametrize("segment", ["", "D", "a", "AB"])
def test_it_refuses_a_segment_other_than_a_b_or_c(client_as, executive, segment):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(URL, {"ids": [target.pk], "segment": segment})

    assert messages_of(response) == [("error", "Elija el segmento A, B o C.")]
    assert segments(target) == ["B"]
    assert not ChangeRecord.objects.exists()


def test_it_refuses_more_clients_than_it_handles_at_once(client_as, executive):
    clients = Client.objects.bulk_create(
        Client(name=f"Cliente {n}", tax_id=f"J-{n:08d}", segment="B", owner=executive)
        for n in range(501)
    )

    response = client_as(executive).post(
        URL, {"ids": [client.pk for client in clients], "segment": "A"}
    )

    assert messages_of(response) == [("error", "Seleccione como máximo 500 clientes a la vez.")]
    assert not Client.objects.filter(segment="A").exists()


def test_the_list_shows_the_message_after_the_redirect(client_as, executive):
    target = ClientFactory(segment="B")

    response = client_as(executive).post(URL, {"ids": [target.pk], "segment": "A"}, follow=True)

    assert "1 cliente actualizado" in response.content.decode()
