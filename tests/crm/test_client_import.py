import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
import tablib
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from crm.imports import storage
from crm.models import ChangeRecord, Client, Industry
from crm.resources import ClientResource
from tests.factories import ClientFactory, valid_rif

URL = reverse("crm:client_import")
HEADERS = [
    "Nombre o razón social",
    "RIF/NIT",
    "Tipo",
    "Industria",
    "Segmento",
    "Dirección",
    "Teléfono",
    "Email",
    "Sitio web",
    "Fuente de lead",
    "Ejecutivo asignado",
    "Potencial de negocio",
    "Notas",
]
RIF_A = valid_rif(30111222)
RIF_B = valid_rif(30333444)


def compact(rif: str) -> str:
    """How people type a RIF in a spreadsheet: no dashes."""
    return rif.replace("-", "")


def client_row(**overrides) -> list:
    values = {
        "Nombre o razón social": "Alimentos La Sabana, C.A.",
        "RIF/NIT": compact(RIF_A),
        "Tipo": "Empresa",
        "Industria": "Alimentos y bebidas",
        "Segmento": "A",
        "Dirección": "Av. Principal de Los Ruices, Caracas",
        "Teléfono": "0212-555-0101",
        "Email": "compras@lasabana.com.ve",
        "Sitio web": "www.lasabana.com.ve",
        "Fuente de lead": "Referido",
        "Ejecutivo asignado": "",
        "Potencial de negocio": "15.000,50",
        "Notas": "Cliente desde la feria",
    }
    values.update(overrides)
    return [values[header] for header in HEADERS]


def xlsx_upload(rows, headers=HEADERS, name="clientes.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_upload(rows, headers=HEADERS, name="clientes.csv", delimiter=";", encoding="utf-8"):
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, output.getvalue().encode(encoding))


def confirm_url(response) -> str:
    return reverse("crm:client_import_confirm", args=[response.context["upload"].token])


def report_rows(response) -> list:
    return response.context["report"].rows


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def dataset_of(headers, rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=headers)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "privado"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def own_mode(db):
    company = CompanySettings.load()
    company.client_visibility = Visibility.OWN
    company.save()


@pytest.fixture
def signed_in(client_as, executive):
    return client_as(executive)


# Access -------------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_forbids_users_without_a_commercial_role(client_as, no_role_user):
    assert client_as(no_role_user).get(URL).status_code == 403
    assert (
        client_as(no_role_user).post(URL, {"file": xlsx_upload([client_row()])}).status_code == 403
    )
    assert Client.objects.count() == 0


@pytest.mark.parametrize("persona", ["executive", "manager", "admin"])
def test_it_opens_to_executives_managers_and_admins(client_as, personas, persona):
    assert client_as(personas[persona]).get(URL).status_code == 200


def test_the_confirmation_only_answers_post(signed_in):
    url = reverse("crm:client_import_confirm", args=["x" * 43])

    assert signed_in.get(url).status_code == 405


# Step 1: the columns and the template ------------------------------------------------------


def test_the_first_step_lists_the_columns_with_their_spanish_headers(signed_in):
    html = signed_in.get(URL).content.decode()

    for header in ("Nombre o razón social", "RIF/NIT", "Segmento", "Ejecutivo asignado"):
        assert header in html
    assert 'enctype="multipart/form-data"' in html


def test_the_excel_template_has_the_spanish_headers(signed_in):
    response = signed_in.get(URL, {"plantilla": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert response["Content-Disposition"] == 'attachment; filename="plantilla_clientes.xlsx"'
    assert [cell.value for cell in sheet[1]] == HEADERS


def test_the_csv_template_opens_in_spanish_excel(signed_in):
    response = signed_in.get(URL, {"plantilla": "csv"})

    assert response.content.decode("utf-8-sig").strip() == ";".join(HEADERS)


def test_an_unknown_template_format_is_not_found(signed_in):
    assert signed_in.get(URL, {"plantilla": "pdf"}).status_code == 404


# Step 2: preview ---------------------------------------------------------------------------


def test_the_preview_shows_each_row_and_writes_nothing(signed_in, private_media):
    file = xlsx_upload(
        [client_row(), client_row(**{"RIF/NIT": RIF_B, "Nombre o razón social": "Bariven"})]
    )

    response = signed_in.post(URL, {"file": file})

    assert response.status_code == 200
    assert [(row.line, row.status) for row in report_rows(response)] == [(2, "new"), (3, "new")]
    assert response.context["can_confirm"] is True
    assert Client.objects.count() == 0
    assert ChangeRecord.objects.count() == 0
    html = response.content.decode()
    assert "Alimentos La Sabana, C.A." in html
    assert "Confirmar importación" in html
    stored = list((private_media / "imports").iterdir())
    assert len(stored) == 1 and stored[0].name == response.context["upload"].token


def test_a_preview_never_confirmed_leaves_the_database_as_it_was(signed_in):
    existing = ClientFactory(tax_id=RIF_A, segment="C")
    before = (Client.objects.count(), ChangeRecord.objects.count(), existing.version)

    signed_in.post(URL, {"file": xlsx_upload([client_row(), client_row(**{"RIF/NIT": RIF_B})])})

    existing.refresh_from_db()
    assert (Client.objects.count(), ChangeRecord.objects.count(), existing.version) == before
    assert existing.segment == "C"


def test_the_preview_says_which_columns_an_update_changes(signed_in, executive):
    ClientFactory(tax_id=RIF_A, name="Alimentos La Sabana, C.A.", segment="C", owner=executive)

    response = signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    [row] = report_rows(response)
    assert row.status == "update"
    assert "Segmento" in row.changes
    assert "Nombre o razón social" not in row.changes


# Step 3: confirm ---------------------------------------------------------------------------


def test_confirming_an_xlsx_creates_the_clients_with_their_history(signed_in, executive):
    file = xlsx_upload(
        [client_row(), client_row(**{"RIF/NIT": RIF_B, "Nombre o razón social": "Bariven"})]
    )
    preview = signed_in.post(URL, {"file": file})

    response = signed_in.post(confirm_url(preview), follow=True)

    assert response.redirect_chain[0] == (reverse("crm:client_list"), 302)
    assert "2 clientes creados, 0 actualizados" in [str(m) for m in response.context["messages"]]
    client = Client.objects.get(tax_id=RIF_A)
    assert client.name == "Alimentos La Sabana, C.A."
    assert client.kind == "company"
    assert client.industry == Industry.objects.get(name="Alimentos y bebidas")
    assert client.phone == "+58 212-5550101"
    assert client.website == "https://www.lasabana.com.ve"
    assert client.lead_source == "referral"
    assert client.potential == Decimal("15000.50")
    assert client.owner == executive and client.created_by == executive
    assert client.change_records.filter(action=ChangeRecord.Action.CREATED).count() == 1


def test_confirming_a_csv_creates_the_clients(signed_in):
    file = csv_upload([client_row(), client_row(**{"RIF/NIT": RIF_B})], delimiter=",")
    preview = signed_in.post(URL, {"file": file})

    signed_in.post(confirm_url(preview))

    assert set(Client.objects.values_list("tax_id", flat=True)) == {RIF_A, RIF_B}


def test_it_reads_a_csv_saved_by_excel_in_spanish(signed_in):
    file = csv_upload([client_row(**{"Dirección": "Av. Bolívar, Mérida"})], encoding="cp1252")
    preview = signed_in.post(URL, {"file": file})

    signed_in.post(confirm_url(preview))

    assert Client.objects.get().address == "Av. Bolívar, Mérida"


def test_confirming_updates_a_client_with_the_same_rif_instead_of_duplicating_it(
    signed_in, executive
):
    existing = ClientFactory(tax_id=RIF_A, name="La Sabana", segment="C", owner=executive)
    preview = signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    response = signed_in.post(confirm_url(preview), follow=True)

    existing.refresh_from_db()
    assert Client.objects.count() == 1
    assert (existing.name, existing.segment, existing.version) == (
        "Alimentos La Sabana, C.A.",
        "A",
        2,
    )
    segment_change = existing.change_records.get(field="segment")
    assert (segment_change.old_value, segment_change.new_value) == ("C", "A")
    assert segment_change.changed_by == executive
    assert "0 clientes creados, 1 actualizado" in [str(m) for m in response.context["messages"]]


def test_importing_the_same_file_again_creates_nothing(signed_in):
    rows = [client_row(), client_row(**{"RIF/NIT": RIF_B, "Nombre o razón social": "Bariven"})]
    signed_in.post(confirm_url(signed_in.post(URL, {"file": xlsx_upload(rows)})))
    history = ChangeRecord.objects.count()

    preview = signed_in.post(URL, {"file": xlsx_upload(rows)})
    response = signed_in.post(confirm_url(preview), follow=True)

    assert [row.status for row in report_rows(preview)] == ["unchanged", "unchanged"]
    assert Client.objects.count() == 2
    assert ChangeRecord.objects.count() == history
    assert "0 clientes creados, 0 actualizados, 2 sin cambios" in [
        str(m) for m in response.context["messages"]
    ]


def test_a_blank_cell_keeps_what_the_client_has(signed_in, executive):
    existing = ClientFactory(
        tax_id=RIF_A, name="Alimentos La Sabana, C.A.", phone="+58 212-5550199", owner=executive
    )
    file = xlsx_upload([client_row(**{"Teléfono": "", "Industria": ""})])

    signed_in.post(confirm_url(signed_in.post(URL, {"file": file})))

    existing.refresh_from_db()
    assert existing.phone == "+58 212-5550199"
    assert existing.segment == "A"


def test_a_file_with_only_some_columns_updates_only_those(signed_in, executive):
    existing = ClientFactory(tax_id=RIF_A, segment="C", email="viejo@lasabana.com", owner=executive)
    file = xlsx_upload([[compact(RIF_A), "b"]], headers=["rif", "segmento"])

    signed_in.post(confirm_url(signed_in.post(URL, {"file": file})))

    existing.refresh_from_db()
    assert (existing.segment, existing.email) == ("B", "viejo@lasabana.com")


def test_a_manager_can_assign_new_clients_to_an_executive(client_as, manager, executive):
    file = xlsx_upload([client_row(**{"Ejecutivo asignado": "ejecutivo"})])
    session = client_as(manager)

    session.post(confirm_url(session.post(URL, {"file": file})))

    assert Client.objects.get().owner == executive


def test_the_stored_file_is_deleted_once_imported(signed_in, private_media):
    preview = signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    signed_in.post(confirm_url(preview))

    assert list((private_media / "imports").iterdir()) == []


# Row errors --------------------------------------------------------------------------------


def preview_errors(session, row, *, line=2) -> str:
    """Upload one good row and the given one; return the second row's errors as one text."""
    other = client_row(**{"RIF/NIT": valid_rif(30999888), "Nombre o razón social": "Otro"})
    response = session.post(URL, {"file": xlsx_upload([other, row])})
    rows = report_rows(response)
    assert [r.status for r in rows] == ["new", "error"]
    assert rows[1].line == line + 1
    assert response.context["can_confirm"] is False
    html = response.content.decode()
    assert "Nada se importó" in html or "No se importó nada" in html
    text = " ".join(rows[1].errors)
    assert all(error in html for error in rows[1].errors)
    return text


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"RIF/NIT": "J-12345678-0"}, "RIF/NIT: El dígito verificador de este RIF no es correcto"),
        ({"RIF/NIT": "X123"}, "RIF/NIT: "),
        ({"Industria": "Minería espacial"}, "Industria: No existe la industria «Minería espacial»"),
        ({"Segmento": "D"}, "Segmento: «D» no es una opción válida"),
        ({"Tipo": "Cooperativa"}, "Tipo: «Cooperativa» no es una opción válida"),
        ({"Email": "compras-en-lasabana"}, "Email: «compras-en-lasabana» no es un email válido"),
        ({"Teléfono": "12"}, "Teléfono: "),
        ({"Sitio web": "no es una web"}, "Sitio web: "),
        ({"Fuente de lead": "Periódico"}, "Fuente de lead: «Periódico» no es una opción válida"),
        ({"Potencial de negocio": "mucho"}, "Potencial de negocio: «mucho» no es un monto"),
        ({"Potencial de negocio": "-5"}, "Potencial de negocio: "),
        ({"Ejecutivo asignado": "fantasma"}, "Ejecutivo asignado: No existe el usuario «fantasma»"),
        ({"Nombre o razón social": ""}, "Nombre o razón social: "),
        ({"Segmento": ""}, "Segmento: "),
    ],
)
def test_each_bad_cell_is_a_row_error_in_spanish(signed_in, overrides, expected):
    assert expected in preview_errors(signed_in, client_row(**overrides))
    assert Client.objects.count() == 0


def test_an_executive_without_a_commercial_role_is_a_row_error(signed_in, no_role_user):
    text = preview_errors(signed_in, client_row(**{"Ejecutivo asignado": no_role_user.username}))

    assert "Ejecutivo asignado: El usuario «sin_rol» no tiene un rol comercial" in text


def test_a_rif_repeated_in_the_file_is_an_error_that_names_the_first_row(signed_in):
    file = xlsx_upload([client_row(), client_row(**{"RIF/NIT": RIF_A})])

    response = signed_in.post(URL, {"file": file})

    first, second = report_rows(response)
    assert (first.status, second.status) == ("new", "error")
    assert second.errors == [
        "RIF/NIT: Este RIF/NIT está repetido en el archivo: también está en la fila 2."
    ]


def test_the_row_number_counts_the_header_and_blank_lines(signed_in):
    file = xlsx_upload([client_row(), [None] * len(HEADERS), client_row(**{"Segmento": "Z"})])

    response = signed_in.post(URL, {"file": file})

    assert [(row.line, row.status) for row in report_rows(response)] == [(2, "new"), (4, "error")]
    assert ">4</td>" in response.content.decode()


def test_in_own_mode_a_rif_of_another_executives_client_is_an_error_not_an_overwrite(
    own_mode, signed_in, other_executive
):
    theirs = ClientFactory(tax_id=RIF_A, owner=other_executive, segment="C")

    response = signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    [row] = report_rows(response)
    assert row.status == "error"
    assert row.errors[0].startswith("RIF/NIT: RIF/NIT registrado por otro ejecutivo")
    theirs.refresh_from_db()
    assert theirs.segment == "C" and theirs.version == 1


def test_in_view_all_mode_a_client_the_user_may_only_view_is_not_overwritten(
    signed_in, other_executive
):
    theirs = ClientFactory(tax_id=RIF_A, owner=other_executive, segment="C")

    response = signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    [row] = report_rows(response)
    assert row.status == "error"
    theirs.refresh_from_db()
    assert theirs.segment == "C" and theirs.version == 1


def test_in_own_mode_a_manager_updates_any_client(own_mode, client_as, manager, other_executive):
    theirs = ClientFactory(tax_id=RIF_A, owner=other_executive, segment="C")
    session = client_as(manager)

    session.post(confirm_url(session.post(URL, {"file": xlsx_upload([client_row()])})))

    theirs.refresh_from_db()
    assert theirs.segment == "A"


def test_an_executive_cannot_reassign_an_existing_client(signed_in, executive, other_executive):
    mine = ClientFactory(tax_id=RIF_A, owner=executive)

    response = signed_in.post(
        URL, {"file": xlsx_upload([client_row(**{"Ejecutivo asignado": "ejecutivo2"})])}
    )

    [row] = report_rows(response)
    assert "Ejecutivo asignado: Solo un gerente puede asignar" in row.errors[0]
    mine.refresh_from_db()
    assert mine.owner == executive


def test_an_admin_without_a_commercial_role_must_name_the_executive(client_as, administrator):
    session = client_as(administrator)

    response = session.post(URL, {"file": xlsx_upload([client_row()])})

    [row] = report_rows(response)
    assert row.errors[0].startswith("Ejecutivo asignado: ")


def test_a_preview_with_errors_cannot_be_confirmed(signed_in):
    preview = signed_in.post(
        URL, {"file": xlsx_upload([client_row(), client_row(**{"Segmento": "Z"})])}
    )

    response = signed_in.post(confirm_url(preview), follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert Client.objects.count() == 0
    assert "Ese archivo tenía errores" in response.content.decode()


def test_if_the_data_changed_after_the_preview_nothing_is_imported(signed_in):
    preview = signed_in.post(
        URL, {"file": xlsx_upload([client_row(), client_row(**{"RIF/NIT": RIF_B})])}
    )
    ClientFactory(tax_id=RIF_B, owner__username="otro", name="Ya existe")
    company = CompanySettings.load()
    company.client_visibility = Visibility.OWN
    company.save()

    response = signed_in.post(confirm_url(preview))

    assert response.status_code == 409
    assert not Client.objects.filter(tax_id=RIF_A).exists()
    assert "RIF/NIT registrado por otro ejecutivo" in response.content.decode()


# The file ----------------------------------------------------------------------------------


def form_errors(response) -> str:
    return " ".join(response.context["form"].errors["file"])


def test_a_file_over_5_mb_is_refused(signed_in):
    big = SimpleUploadedFile("clientes.csv", b"a;b\n" + b"x" * (5 * 1024 * 1024))

    response = signed_in.post(URL, {"file": big})

    assert response.status_code == 200
    assert "El archivo pesa más de 5 MB" in form_errors(response)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("clientes.pdf", b"%PDF-1.4", "Suba un archivo de Excel (.xlsx) o CSV (.csv)."),
        ("clientes.xls", b"\xd0\xcf\x11\xe0", "Excel 97-2003"),
        ("clientes.xlsx", b"Nombre;RIF\nA;B\n", "no es un archivo de Excel (.xlsx) real"),
        ("clientes.xlsx", b"PK\x03\x04garbage", "no es un archivo de Excel (.xlsx) real"),
        ("clientes.csv", b"PK\x03\x04\x00\x00binary", "no es un archivo CSV real"),
        ("clientes.csv", b"", "vacío"),
    ],
)
def test_a_file_that_is_not_really_xlsx_or_csv_is_refused(signed_in, name, content, expected):
    response = signed_in.post(URL, {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert expected in response.content.decode() or expected in form_errors(response)
    assert "upload" not in response.context


def test_a_post_without_a_file_asks_for_one(signed_in):
    response = signed_in.post(URL, {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_file_without_the_rif_column_says_which_column_is_missing(signed_in):
    file = xlsx_upload([["Bariven", "A"]], headers=["Nombre o razón social", "Segmento"])

    response = signed_in.post(URL, {"file": file})

    assert "El archivo no tiene la columna “RIF/NIT”" in form_errors(response)


def test_a_file_with_headers_but_no_rows_is_refused(signed_in):
    response = signed_in.post(URL, {"file": xlsx_upload([])})

    assert "no tiene filas" in form_errors(response)


def test_unknown_columns_are_listed_as_ignored(signed_in):
    file = xlsx_upload(
        [[compact(RIF_A), "Bariven", "A", "x"]],
        headers=["RIF", "Nombre", "Segmento", "Color favorito"],
    )

    response = signed_in.post(URL, {"file": file})

    assert response.context["report"].ignored_headers == ["Color favorito"]
    assert "Color favorito" in response.content.decode()


# The token ---------------------------------------------------------------------------------


def test_another_users_token_is_not_found(signed_in, client_as, other_executive):
    preview = signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    response = client_as(other_executive).post(confirm_url(preview))

    assert response.status_code == 404
    assert Client.objects.count() == 0


def test_a_contacts_token_does_not_confirm_a_clients_import(signed_in):
    preview = signed_in.post(URL, {"file": xlsx_upload([client_row()])})
    token = preview.context["upload"].token

    response = signed_in.post(reverse("crm:contact_import_confirm", args=[token]))

    assert response.status_code == 404


@pytest.mark.parametrize("token", ["no-such-token", "..", "a" * 43])
def test_an_unknown_or_malformed_token_is_not_found(signed_in, token):
    assert signed_in.post(reverse("crm:client_import_confirm", args=[token])).status_code == 404


def test_an_expired_token_imports_nothing_and_asks_to_upload_again(
    signed_in, executive, private_media
):
    preview = signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    with time_machine.travel(timezone.now() + storage.TOKEN_TTL + timedelta(minutes=1)):
        signed_in.force_login(executive)  # the session itself has timed out meanwhile
        response = signed_in.post(confirm_url(preview), follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert "La vista previa expiró" in response.content.decode()
    assert Client.objects.count() == 0
    assert list((private_media / "imports").iterdir()) == []


def test_a_token_is_used_once(signed_in):
    preview = signed_in.post(URL, {"file": xlsx_upload([client_row()])})
    signed_in.post(confirm_url(preview))

    assert signed_in.post(confirm_url(preview)).status_code == 404


def test_a_new_upload_sweeps_away_expired_ones(signed_in, private_media):
    signed_in.post(URL, {"file": xlsx_upload([client_row()])})

    with time_machine.travel(timezone.now() + storage.TOKEN_TTL + timedelta(minutes=1)):
        assert storage.discard_expired() == 1

    assert list((private_media / "imports").iterdir()) == []


def test_a_second_confirmation_of_the_same_token_imports_nothing_twice(signed_in):
    preview = signed_in.post(URL, {"file": xlsx_upload([client_row()])})
    upload = preview.context["upload"]
    storage.claim(upload)  # as if a first click were still being processed

    response = signed_in.post(confirm_url(preview), follow=True)

    assert response.redirect_chain[0] == (reverse("crm:client_list"), 302)
    assert "Esta importación ya se está procesando." in messages_of(response)
    assert Client.objects.count() == 0


# The admin's resource shares the RIF/NIT reading --------------------------------------------


def test_the_admin_import_finds_a_client_by_a_rif_typed_without_dashes(executive):
    existing = ClientFactory(tax_id=RIF_A, segment="C", owner=executive)
    dataset = dataset_of(
        ["name", "tax_id", "segment", "owner"],
        [["Alimentos La Sabana, C.A.", compact(RIF_A), "A", executive.username]],
    )

    result = ClientResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    existing.refresh_from_db()
    assert (Client.objects.count(), existing.segment) == (1, "A")
