"""CRM → Documentos: upload, list, document page, download, versions, Anulado, deletion."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from documents.models import Document, DocumentDeletion, DocumentDownload
from tests.documents.files import PDF, make_document, make_quote, upload
from tests.factories import ClientFactory, OpportunityFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_mode(db):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.opportunity_visibility = Visibility.OWN
    settings.save()


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(client=ClientFactory(owner=executive), owner=executive)


def post_upload(http, query="", **data):
    fields = {"kind": "contract", "title": "Contrato marco", "file": upload("contrato.pdf", PDF)}
    fields.update(data)
    return http.post(reverse("documents:upload") + query, fields)


def test_subir_documento_from_the_menu_stores_it_privately_under_a_generated_name(
    client_as, executive, opportunity, private_storage
):
    response = post_upload(client_as(executive), opportunity=opportunity.pk)
    document = Document.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    version = document.current_version
    assert (version.number, version.original_name, version.size) == (1, "contrato.pdf", len(PDF))
    assert document.client == opportunity.client
    stored = Path(private_storage) / version.file.name
    assert stored.read_bytes() == PDF and "contrato" not in version.file.name


def test_the_opportunity_tab_prefills_the_opportunity_and_a_quote_goes_on_to_sending(
    client_as, executive, opportunity
):
    http = client_as(executive)
    query = f"?opportunity={opportunity.pk}"
    form = http.get(reverse("documents:upload") + query).context["form"]
    assert form.initial["opportunity"] == opportunity.pk and form.initial["kind"] == "quote"
    response = post_upload(
        http,
        query,
        kind="quote",
        title="Cotización mantenimiento",
        opportunity=opportunity.pk,
        number="COT-7",
        valid_until="2099-01-31",
        total_amount="1500.50",
    )
    document = Document.objects.get()
    assert response.url == reverse("documents:quote_send", args=[document.pk])
    assert document.quote.number == "COT-7" and document.quote.status == "draft"


def test_a_refused_file_is_explained_in_spanish_and_the_form_keeps_the_input(
    client_as, executive, opportunity
):
    response = post_upload(
        client_as(executive),
        opportunity=opportunity.pk,
        title="Mi título",
        file=upload("programa.exe", b"MZ"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "No se aceptan archivos de tipo .exe" in html and 'value="Mi título"' in html
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_stopped_while_streaming_with_a_clear_message(
    client_as, executive, opportunity, settings, private_storage
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    big = upload("grande.pdf", PDF + b"0" * 4096)
    response = post_upload(client_as(executive), opportunity=opportunity.pk, file=big)
    assert "El archivo supera 1,0\xa0KB, el máximo aceptado." in response.content.decode()
    assert not Document.objects.exists()
    assert not Path(private_storage).exists() or not any(Path(private_storage).rglob("*.pdf"))


def test_a_duplicate_quote_number_is_refused_clearly(
    client_as, executive, opportunity, private_storage
):
    make_quote(executive, opportunity=opportunity, number="COT-1")
    response = post_upload(
        client_as(executive),
        kind="quote",
        opportunity=opportunity.pk,
        number="COT-1",
        valid_until="2099-01-31",
        total_amount="10",
    )
    assert "Ya existe una cotización con este número." in response.content.decode()
    assert Document.objects.count() == 1
    assert len([f for f in Path(private_storage).rglob("*") if f.is_file()]) == 1  # no stray file


def test_the_list_searches_title_quote_number_and_original_name(client_as, executive, opportunity):
    make_document(executive, title="Contrato anual", opportunity=opportunity)
    make_quote(executive, opportunity=opportunity, number="COT-99", name="precios-2026.pdf")
    http = client_as(executive)
    url = reverse("documents:list")
    for term, expected in (("anual", 1), ("COT-99", 1), ("precios-2026", 1), ("nada", 0)):
        assert http.get(url, {"q": term}).context["page_obj"].paginator.count == expected
    assert http.get(url, {"kind": "quote"}).context["page_obj"].paginator.count == 1


def test_other_executives_documents_are_hidden_and_answer_404_in_own_mode(
    client_as, executive, other_executive, opportunity, own_mode
):
    document = make_document(executive, opportunity=opportunity)
    http = client_as(other_executive)
    assert http.get(reverse("documents:list")).context["page_obj"].paginator.count == 0
    for name in ("documents:detail", "documents:download"):
        assert http.get(reverse(name, args=[document.pk])).status_code == 404
    version_url = reverse("documents:download_version", args=[document.pk, 1])
    assert http.get(version_url).status_code == 404


def test_project_documents_follow_project_visibility(
    client_as, executive, other_executive, own_mode
):
    project = ProjectFactory(client=ClientFactory(owner=executive))
    make_document(executive, project=project, title="Plano")
    response = client_as(other_executive).get(reverse("documents:project_tab", args=[project.pk]))
    assert "Plano" in response.content.decode()


def test_the_download_is_an_attachment_with_a_safe_name_type_and_headers(
    client_as, executive, opportunity
):
    document = make_document(executive, opportunity=opportunity, name="Cotización año 2026.pdf")
    response = client_as(executive).get(reverse("documents:download", args=[document.pk]))
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Cotizaci%C3%B3n%20a%C3%B1o%202026.pdf" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert DocumentDownload.objects.get().user == executive


def test_the_document_page_shows_every_version_and_who_downloaded_it(
    client_as, executive, manager, opportunity
):
    document = make_document(executive, opportunity=opportunity)
    http = client_as(executive)
    response = http.post(
        reverse("documents:new_version", args=[document.pk]),
        {"file": upload("contrato-v2.pdf", PDF + b"% v2\n"), "reason": "Cambió el precio"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version.number == 2
    old = client_as(manager).get(reverse("documents:download_version", args=[document.pk, 1]))
    assert b"".join(old.streaming_content) == PDF
    html = client_as(executive).get(document.get_absolute_url()).content.decode()
    assert "contrato-v2.pdf" in html and "Cambió el precio" in html and str(manager) in html
    assert html.count('class="version-row"') == 2


def test_a_new_version_needs_a_reason(client_as, executive, opportunity):
    document = make_document(executive, opportunity=opportunity)
    response = client_as(executive).post(
        reverse("documents:new_version", args=[document.pk]),
        {"file": upload("v2.pdf", PDF), "reason": ""},
    )
    assert response.status_code == 200 and document.versions.count() == 1


def test_anulado_keeps_the_document_greyed_out_and_downloadable(client_as, executive, opportunity):
    document = make_document(executive, opportunity=opportunity)
    http = client_as(executive)
    response = http.post(reverse("documents:void", args=[document.pk]), {"reason": "Precio errado"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_void and document.voided_by == executive
    page = http.get(reverse("documents:list")).content.decode()
    assert "table-secondary" in page and "Anulado" in page
    assert http.get(reverse("documents:download", args=[document.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_delete_by_ui_post_or_admin(
    client_as, personas, persona, opportunity
):
    document = make_document(personas["executive"], opportunity=opportunity)
    http = client_as(personas[persona])
    html = http.get(document.get_absolute_url()).content.decode()
    assert reverse("documents:delete", args=[document.pk]) not in html
    assert http.post(reverse("documents:delete", args=[document.pk])).status_code == 403
    admin_url = reverse("admin:documents_document_delete", args=[document.pk])
    assert http.post(admin_url, {"post": "yes"}).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


def test_an_administrators_deletion_in_admin_is_recorded_with_the_files_hash(
    client_as,
    administrator,
    executive,
    opportunity,
    private_storage,
    django_capture_on_commit_callbacks,
):
    document = make_document(executive, opportunity=opportunity)
    version = document.current_version
    stored = Path(private_storage) / version.file.name
    http = client_as(administrator)
    admin_url = reverse("admin:documents_document_delete", args=[document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(admin_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.exists() and not stored.exists()
    record = DocumentDeletion.objects.get()
    assert record.deleted_by == administrator and record.title == "Contrato marco"
    assert record.files[0]["sha256"] == version.sha256
    assert record.files[0]["name"] == "contrato.pdf"


def test_an_administrator_may_delete_by_post_too_and_it_is_recorded(
    client_as, administrator, executive, opportunity
):
    document = make_document(executive, opportunity=opportunity)
    response = client_as(administrator).post(reverse("documents:delete", args=[document.pk]))
    assert response.status_code == 302
    assert DocumentDeletion.objects.get().document_id == document.pk


def _queries(http, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url, headers=headers).status_code == 200
    return len(queries)


def _add_documents(executive, opportunity, how_many, start=0):
    for i in range(how_many):
        if i % 2:
            make_quote(executive, opportunity=opportunity, number=f"COT-{start + i}")
        else:
            make_document(executive, opportunity=opportunity, title=f"Doc {start + i}")


@pytest.mark.parametrize("page", ["list", "opportunity_tab", "client_tab", "project_tab"])
def test_the_list_and_the_tabs_cost_the_same_queries_for_1_and_50_documents(
    client_as, executive, opportunity, page, own_mode
):
    project = ProjectFactory(client=opportunity.client)
    urls = {
        "list": reverse("documents:list"),
        "opportunity_tab": reverse("documents:opportunity_tab", args=[opportunity.pk]),
        "client_tab": reverse("crm:client_tab", args=[opportunity.client_id, "documentos"]),
        "project_tab": reverse("documents:project_tab", args=[project.pk]),
    }
    link = {"project": project} if page == "project_tab" else {"opportunity": opportunity}
    make_document(executive, **link)
    http = client_as(executive)
    url = urls[page]
    _queries(http, url)
    one = _queries(http, url)
    for i in range(49):
        if page == "project_tab":
            make_document(executive, project=project, title=f"Plano {i}")
        elif i % 2:
            make_quote(executive, opportunity=opportunity, number=f"COT-{i}")
        else:
            make_document(executive, opportunity=opportunity, title=f"Doc {i}")
    assert _queries(http, url) == one
    if page == "list":
        assert _queries(http, url, **{"HX-Request": "true"}) <= one


def test_a_name_with_a_path_keeps_only_the_file_name(client_as, executive, opportunity):
    post_upload(
        client_as(executive),
        opportunity=opportunity.pk,
        file=upload("../../etc/cotización.pdf", PDF),
    )
    version = Document.objects.get().current_version
    assert version.original_name == "cotización.pdf"
    assert ".." not in version.file.name and version.file.name.startswith("documents/")


def test_hand_off_areas_get_no_documents_at_all(client_as, opportunity, executive):
    from accounts.roles import Role
    from tests.factories import UserFactory

    document = make_document(executive, opportunity=opportunity)
    finance = UserFactory(username="finanzas", roles=[Role.FINANCE])
    http = client_as(finance)
    assert http.get(reverse("documents:list")).status_code == 403
    assert http.get(reverse("documents:download", args=[document.pk])).status_code == 403
    menu = client_as(executive).get(reverse("documents:list")).context["nav_items"]
    assert "Documentos" in [str(item["label"]) for item in menu]
    finance_menu = client_as(finance).get(reverse("accounts:notifications")).context["nav_items"]
    assert "Documentos" not in [str(item["label"]) for item in finance_menu]


def test_a_colleague_who_may_only_view_reads_the_documents_but_attaches_none(
    client_as, executive, other_executive, opportunity
):
    """ "Ver todas, editar propias" (the default): another executive sees the opportunity's
    documents, but uploading to it is editing it."""
    document = make_document(executive, opportunity=opportunity)
    http = client_as(other_executive)

    tab = http.get(reverse("documents:opportunity_tab", args=[opportunity.pk]))
    page = tab.content.decode()
    assert tab.status_code == 200
    assert document.title in page
    assert reverse("documents:upload") + f"?opportunity={opportunity.pk}" not in page

    response = post_upload(http, opportunity=opportunity.pk)

    assert response.status_code == 403
    assert Document.objects.count() == 1
