import csv
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.models import ChangeRecord, Contact
from crm.services import client_delete
from tests.factories import ClientFactory, ContactFactory, valid_rif

URL = reverse("crm:contact_import")
HEADERS = [
    "RIF/NIT del cliente",
    "Nombre del contacto",
    "Cargo",
    "Email",
    "Teléfono",
    "Es contacto principal",
]
RIF = valid_rif(30555666)


def contact_row(**overrides) -> list:
    values = {
        "RIF/NIT del cliente": RIF.replace("-", ""),
        "Nombre del contacto": "Ana Pérez",
        "Cargo": "Gerente de compras",
        "Email": "ana.perez@lasabana.com.ve",
        "Teléfono": "0414-123-4567",
        "Es contacto principal": "No",
    }
    values.update(overrides)
    return [values[header] for header in HEADERS]


def xlsx_upload(rows, headers=HEADERS) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile("contactos.xlsx", output.getvalue())


def csv_upload(rows) -> SimpleUploadedFile:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile("contactos.csv", output.getvalue().encode("utf-8-sig"))


def confirm_url(response) -> str:
    return reverse("crm:contact_import_confirm", args=[response.context["upload"].token])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "privado"


@pytest.fixture
def signed_in(client_as, executive):
    return client_as(executive)


@pytest.fixture
def sabana(executive):
    return ClientFactory(tax_id=RIF, name="Alimentos La Sabana, C.A.", owner=executive)


def import_file(session, file):
    """Upload, preview and confirm; returns (preview, confirmation followed)."""
    preview = session.post(URL, {"file": file})
    return preview, session.post(confirm_url(preview), follow=True)


# Access and the first step -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["executive", "manager", "admin"])
def test_it_opens_to_executives_managers_and_admins(client_as, personas, persona):
    assert client_as(personas[persona]).get(URL).status_code == 200


def test_the_first_step_and_the_template_use_the_seeds_headers(signed_in):
    html = signed_in.get(URL).content.decode()
    template = signed_in.get(URL, {"plantilla": "xlsx"})

    assert all(header in html for header in HEADERS)
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [cell.value for cell in sheet[1]] == HEADERS


# Preview and confirmation ------------------------------------------------------------------


def test_the_preview_writes_nothing(signed_in, sabana):
    response = signed_in.post(URL, {"file": xlsx_upload([contact_row()])})

    assert [(row.line, row.status) for row in response.context["report"].rows] == [(2, "new")]
    assert Contact.objects.count() == 0
    assert ChangeRecord.objects.filter(client=sabana).count() == 0


def test_confirming_adds_the_contacts_with_their_history(signed_in, sabana, executive):
    file = xlsx_upload(
        [
            contact_row(**{"Es contacto principal": "Sí"}),
            contact_row(**{"Nombre del contacto": "Luis Díaz", "Email": "luis@lasabana.com.ve"}),
        ]
    )

    _preview, response = import_file(signed_in, file)

    assert "2 contactos creados, 0 actualizados" in messages_of(response)
    ana, luis = sabana.contacts.order_by("name")
    assert (ana.name, ana.position, ana.phone, ana.is_primary) == (
        "Ana Pérez",
        "Gerente de compras",
        "+58 414-1234567",
        True,
    )
    assert luis.is_primary is False
    contact_type = ContentType.objects.get_for_model(Contact)
    created = ChangeRecord.objects.filter(
        client=sabana, content_type=contact_type, action=ChangeRecord.Action.CREATED
    )
    assert set(created.values_list("object_id", flat=True)) == {ana.pk, luis.pk}
    assert {record.changed_by for record in created} == {executive}


def test_confirming_a_csv_adds_the_contacts(signed_in, sabana):
    import_file(signed_in, csv_upload([contact_row()]))

    assert sabana.contacts.get().email == "ana.perez@lasabana.com.ve"


def test_a_contact_with_the_same_email_is_updated_not_duplicated(signed_in, sabana):
    ana = ContactFactory(client=sabana, name="Ana", email="ANA.PEREZ@lasabana.com.ve", position="")

    preview, response = import_file(signed_in, xlsx_upload([contact_row()]))

    [row] = preview.context["report"].rows
    assert row.status == "update"
    assert set(row.changes) >= {"Nombre del contacto", "Cargo"}
    ana.refresh_from_db()
    assert sabana.contacts.count() == 1
    assert (ana.name, ana.position, ana.version) == ("Ana Pérez", "Gerente de compras", 2)
    assert "0 contactos creados, 1 actualizado" in messages_of(response)


def test_without_email_a_contact_with_the_same_name_is_updated(signed_in, sabana):
    luis = ContactFactory(client=sabana, name="Luis Díaz", email="", position="")
    row = contact_row(**{"Nombre del contacto": "luis díaz", "Email": ""})

    import_file(signed_in, xlsx_upload([row]))

    luis.refresh_from_db()
    assert sabana.contacts.count() == 1
    assert luis.position == "Gerente de compras"


def test_importing_the_same_file_again_creates_nothing(signed_in, sabana):
    rows = [contact_row(), contact_row(**{"Nombre del contacto": "Luis", "Email": "l@x.com"})]
    import_file(signed_in, xlsx_upload(rows))

    preview, response = import_file(signed_in, xlsx_upload(rows))

    assert [row.status for row in preview.context["report"].rows] == ["unchanged", "unchanged"]
    assert sabana.contacts.count() == 2
    assert "0 contactos creados, 0 actualizados, 2 sin cambios" in messages_of(response)


# Primary contact ---------------------------------------------------------------------------


def test_a_new_primary_contact_replaces_the_previous_one(signed_in, sabana, executive):
    old = ContactFactory(client=sabana, name="Carlos Ruiz", is_primary=True)

    import_file(signed_in, xlsx_upload([contact_row(**{"Es contacto principal": "Sí"})]))

    old.refresh_from_db()
    assert old.is_primary is False
    assert sabana.contacts.get(is_primary=True).name == "Ana Pérez"
    demotion = ChangeRecord.objects.get(object_id=old.pk, field="is_primary")
    assert (demotion.old_value, demotion.new_value) == ("Sí", "No")


def test_an_existing_contact_can_become_the_primary_one(signed_in, sabana):
    old = ContactFactory(client=sabana, name="Carlos Ruiz", is_primary=True)
    ana = ContactFactory(client=sabana, name="Ana Pérez", email="ana.perez@lasabana.com.ve")

    import_file(signed_in, xlsx_upload([contact_row(**{"Es contacto principal": "si"})]))

    old.refresh_from_db()
    ana.refresh_from_db()
    assert (old.is_primary, ana.is_primary) == (False, True)


def test_primary_switches_inside_one_file_follow_the_rows(signed_in, sabana):
    ContactFactory(client=sabana, name="Carlos Ruiz", email="carlos@lasabana.com.ve")
    rows = [
        contact_row(**{"Es contacto principal": "No"}),
        contact_row(
            **{
                "Nombre del contacto": "Carlos Ruiz",
                "Email": "carlos@lasabana.com.ve",
                "Es contacto principal": "Sí",
            }
        ),
    ]

    import_file(signed_in, xlsx_upload(rows))

    assert list(sabana.contacts.filter(is_primary=True).values_list("name", flat=True)) == [
        "Carlos Ruiz"
    ]


def test_two_primary_contacts_for_one_client_is_an_error(signed_in, sabana):
    rows = [
        contact_row(**{"Es contacto principal": "Sí"}),
        contact_row(
            **{"Nombre del contacto": "Luis", "Email": "l@x.com", "Es contacto principal": "Sí"}
        ),
    ]

    response = signed_in.post(URL, {"file": xlsx_upload(rows)})

    first, second = response.context["report"].rows
    assert (first.status, second.status) == ("new", "error")
    assert second.errors == [
        "Es contacto principal: La fila 2 ya marca a otro contacto de este cliente como "
        "contacto principal."
    ]


# Row errors --------------------------------------------------------------------------------


def second_row_errors(session, row) -> str:
    response = session.post(URL, {"file": xlsx_upload([contact_row(), row])})
    first, second = response.context["report"].rows
    assert (first.status, second.status, second.line) == ("new", "error", 3)
    assert response.context["can_confirm"] is False
    return " ".join(second.errors)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"RIF/NIT del cliente": valid_rif(30777888)},
            f"RIF/NIT del cliente: Ninguno de sus clientes tiene el RIF/NIT {valid_rif(30777888)}",
        ),
        ({"RIF/NIT del cliente": "J-12345678-0"}, "RIF/NIT del cliente: El dígito verificador"),
        ({"Email": "luis-en-la-sabana"}, "Email: «luis-en-la-sabana» no es un email válido."),
        ({"Email": "l@x.com", "Teléfono": "99"}, "Teléfono: "),
        (
            {"Email": "l@x.com", "Es contacto principal": "Quizás"},
            "Es contacto principal: Escriba Sí o No",
        ),
        ({"Email": "l@x.com", "Nombre del contacto": ""}, "Nombre del contacto: "),
        ({}, "Este contacto está repetido en el archivo: también está en la fila 2."),
    ],
)
def test_each_bad_cell_is_a_row_error_in_spanish(signed_in, sabana, overrides, expected):
    assert expected in second_row_errors(signed_in, contact_row(**overrides))
    assert Contact.objects.count() == 0


def test_a_client_outside_the_users_scope_is_like_one_that_does_not_exist(
    signed_in, sabana, other_executive
):
    company = CompanySettings.load()
    company.client_visibility = Visibility.OWN
    company.save()
    theirs = ClientFactory(owner=other_executive)

    text = second_row_errors(signed_in, contact_row(**{"RIF/NIT del cliente": theirs.tax_id}))

    assert f"Ninguno de sus clientes tiene el RIF/NIT {theirs.tax_id}" in text
    assert theirs.contacts.count() == 0


def test_a_client_the_user_may_only_view_takes_no_contacts(signed_in, sabana, other_executive):
    theirs = ClientFactory(owner=other_executive)  # "Ver todas, editar propias"

    text = second_row_errors(signed_in, contact_row(**{"RIF/NIT del cliente": theirs.tax_id}))

    assert f"Ninguno de sus clientes tiene el RIF/NIT {theirs.tax_id}" in text
    assert theirs.contacts.count() == 0


def test_a_deleted_client_takes_no_contacts(signed_in, sabana, executive):
    other = ClientFactory(owner=executive)
    client_delete(user=executive, client_id=other.pk)

    text = second_row_errors(signed_in, contact_row(**{"RIF/NIT del cliente": other.tax_id}))

    assert "Ninguno de sus clientes tiene el RIF/NIT" in text


def test_another_users_token_is_not_found(signed_in, sabana, client_as, other_executive):
    preview = signed_in.post(URL, {"file": xlsx_upload([contact_row()])})

    assert client_as(other_executive).post(confirm_url(preview)).status_code == 404
    assert Contact.objects.count() == 0
