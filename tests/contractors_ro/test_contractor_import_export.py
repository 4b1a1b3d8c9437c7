"""Contractors in and out through django-import-export's admin views, as an administrator does."""

import csv
import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contractors_ro.admin import ContractorAdmin
from contractors_ro.models import Contractor, ContractorStatus
from contractors_ro.resources import ContractorResource
from tests.factories import ContractorFactory

HEADER = "name,tax_id,specialty,contact_name,phone,email,status"


def format_index(title: str) -> str:
    model_admin = admin.site.get_model_admin(Contractor)
    assert isinstance(model_admin, ContractorAdmin)
    formats = model_admin.get_import_formats()
    return str([f().get_title() for f in formats].index(title))


def csv_format_index() -> str:
    return format_index("csv")


def import_csv(user_client, content: str):
    """Upload the file, then confirm the dry run; answers (dry-run page, confirm response)."""
    upload = SimpleUploadedFile("contratistas.csv", content.encode(), content_type="text/csv")
    return import_upload(user_client, upload, csv_format_index())


def import_upload(user_client, upload: SimpleUploadedFile, file_format: str):
    dry_run = user_client.post(
        reverse("admin:contractors_ro_contractor_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )
    assert dry_run.status_code == 200
    confirm_form = dry_run.context.get("confirm_form")
    if confirm_form is None:
        return dry_run, None
    confirmed = user_client.post(
        reverse("admin:contractors_ro_contractor_process_import"), confirm_form.initial
    )
    return dry_run, confirmed


def export_csv(user_client) -> list[dict]:
    fields = ContractorResource().get_export_order()
    data = {"format": csv_format_index(), "resource": "0"}
    data |= {f"contractorresource_{name}": "on" for name in fields}
    response = user_client.post(reverse("admin:contractors_ro_contractor_export"), data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def as_admin(client_as, administrator):
    return client_as(administrator)


def test_it_imports_contractors_from_a_csv(as_admin):
    content = (
        f"{HEADER}\n"
        "Eléctricas del Centro,J-40000001-1,Electricidad,Luisa Cáceres,+58 241 555 0199,"
        "obras@electricas.example,active\n"
        "Andamios Oriente,J-40000002-2,Andamiaje,,,,suspended\n"
    )

    _, confirmed = import_csv(as_admin, content)

    assert confirmed.status_code == 302
    assert confirmed.url == reverse("admin:contractors_ro_contractor_changelist")
    electric = Contractor.objects.get(tax_id="J-40000001-1")
    assert (electric.name, electric.specialty, electric.contact_name) == (
        "Eléctricas del Centro",
        "Electricidad",
        "Luisa Cáceres",
    )
    assert (electric.phone, electric.email, electric.status) == (
        "+58 241 555 0199",
        "obras@electricas.example",
        ContractorStatus.ACTIVE,
    )
    scaffolds = Contractor.objects.get(tax_id="J-40000002-2")
    assert (scaffolds.status, scaffolds.email) == (ContractorStatus.SUSPENDED, "")
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 2


def test_it_imports_an_excel_workbook_with_empty_and_numeric_cells(as_admin):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["Solo lo básico", "J-40000001-1", "Civil", None, 2125550101, None, "active"])
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile("contratistas.xlsx", content.getvalue())

    _, confirmed = import_upload(as_admin, upload, format_index("xlsx"))

    assert confirmed.status_code == 302
    contractor = Contractor.objects.get(tax_id="J-40000001-1")
    assert (contractor.contact_name, contractor.phone, contractor.email) == ("", "2125550101", "")


def test_the_dry_run_writes_nothing(as_admin):
    upload = SimpleUploadedFile(
        "contratistas.csv", f"{HEADER}\nUno,J-40000001-1,Civil,,,,active\n".encode()
    )

    response = as_admin.post(
        reverse("admin:contractors_ro_contractor_import"),
        {"import_file": upload, "format": csv_format_index(), "resource": "0"},
    )

    assert response.context["result"].totals["new"] == 1
    assert not Contractor.objects.exists()


def test_reimporting_a_rif_updates_the_contractor_instead_of_duplicating_it(as_admin):
    ContractorFactory(name="Nombre viejo", tax_id="J-40000001-1", status="active")
    content = f"{HEADER}\nNombre nuevo,J-40000001-1,Civil,Otro contacto,,,inactive\n"

    dry_run, confirmed = import_csv(as_admin, content)

    assert dry_run.context["result"].totals["update"] == 1
    assert confirmed.status_code == 302
    contractor = Contractor.objects.get()
    assert (contractor.name, contractor.specialty, contractor.status) == (
        "Nombre nuevo",
        "Civil",
        ContractorStatus.INACTIVE,
    )


def test_reimporting_identical_rows_skips_them(as_admin):
    content = f"{HEADER}\nIgual,J-40000001-1,Civil,,,,active\n"
    import_csv(as_admin, content)

    dry_run, _ = import_csv(as_admin, content)

    assert dry_run.context["result"].totals["skip"] == 1
    assert Contractor.objects.count() == 1


@pytest.mark.parametrize(
    "row",
    [
        "Sin estado válido,J-40000001-1,Civil,,,,en pausa",
        "Correo malo,J-40000001-1,Civil,,,no-es-un-correo,active",
        "Sin especialidad,J-40000001-1,,,,,active",
    ],
)
def test_it_reports_rows_that_break_the_models_rules_as_validation_errors(as_admin, row):
    dry_run, confirmed = import_csv(as_admin, f"{HEADER}\n{row}\n")

    result = dry_run.context["result"]
    assert confirmed is None
    assert [invalid.number for invalid in result.invalid_rows] == [1]
    assert not Contractor.objects.exists()


def test_it_exports_contractors_to_csv(as_admin):
    ContractorFactory(name="Eléctricas del Centro", tax_id="J-40000001-1", specialty="Electricidad")
    ContractorFactory(name="Andamios Oriente", tax_id="J-40000002-2", status="suspended")

    rows = export_csv(as_admin)

    assert {(r["name"], r["tax_id"], r["status"]) for r in rows} == {
        ("Eléctricas del Centro", "J-40000001-1", "active"),
        ("Andamios Oriente", "J-40000002-2", "suspended"),
    }
    assert list(rows[0]) == HEADER.split(",")


def test_an_exported_file_imports_back_unchanged(as_admin):
    ContractorFactory.create_batch(3)
    rows = export_csv(as_admin)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    dry_run, _ = import_csv(as_admin, out.getvalue())

    assert dry_run.context["result"].totals["skip"] == 3
    assert Contractor.objects.count() == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_the_export_runs_a_fixed_number_of_queries(as_admin, django_assert_num_queries, rows):
    ContractorFactory.create_batch(rows)
    export_csv(as_admin)  # the first request of a session stamps it

    with django_assert_num_queries(6):
        exported = export_csv(as_admin)

    assert len(exported) == rows
