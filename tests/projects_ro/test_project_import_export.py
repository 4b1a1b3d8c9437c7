"""Projects in and out through django-import-export's admin views, as an administrator does."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects_ro.admin import ProjectAdmin
from projects_ro.models import Project, ProjectStatus
from projects_ro.resources import ProjectResource
from tests.factories import ClientFactory, ContractorFactory, ProjectFactory

HEADER = (
    "code,name,client_tax_id,status,start_date,end_date,manager,location,description,"
    "contractor_tax_ids"
)


def format_index(title: str = "csv") -> str:
    model_admin = admin.site.get_model_admin(Project)
    assert isinstance(model_admin, ProjectAdmin)
    formats = model_admin.get_import_formats()
    return str([f().get_title() for f in formats].index(title))


def csv_format_index() -> str:
    return format_index("csv")


def import_csv(user_client, content: str):
    """Upload the file, then confirm the dry run; answers (dry-run page, confirm response)."""
    upload = SimpleUploadedFile("proyectos.csv", content.encode(), content_type="text/csv")
    return import_upload(user_client, upload, csv_format_index())


def import_upload(user_client, upload: SimpleUploadedFile, file_format: str):
    dry_run = user_client.post(
        reverse("admin:projects_ro_project_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )
    assert dry_run.status_code == 200
    confirm_form = dry_run.context.get("confirm_form")
    if confirm_form is None:
        return dry_run, None
    confirmed = user_client.post(
        reverse("admin:projects_ro_project_process_import"), confirm_form.initial
    )
    return dry_run, confirmed


def export_csv(user_client) -> list[dict]:
    fields = ProjectResource().get_export_order()
    data = {"format": csv_format_index(), "resource": "0"}
    data |= {f"projectresource_{name}": "on" for name in fields}
    response = user_client.post(reverse("admin:projects_ro_project_export"), data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def client_and_contractors(db):
    return (
        ClientFactory(name="Cementos Caribe"),
        ContractorFactory(name="Eléctricas del Centro"),
        ContractorFactory(name="Andamios Oriente"),
    )


@pytest.fixture
def as_admin(client_as, administrator):
    return client_as(administrator)


def test_it_imports_projects_with_their_client_and_contractors(as_admin, client_and_contractors):
    client, first, second = client_and_contractors
    content = (
        f"{HEADER}\n"
        f"PRY-10001,Subestación Guarenas,{client.tax_id},in_progress,2025-03-05,2025-09-30,"
        f"Pedro Márquez,Guarenas,Obra eléctrica,{first.tax_id}|{second.tax_id}\n"
        f"PRY-10002,Bombeo Tuy,{client.tax_id},planned,,,,,,\n"
    )

    _, confirmed = import_csv(as_admin, content)

    assert confirmed.status_code == 302
    assert confirmed.url == reverse("admin:projects_ro_project_changelist")
    project = Project.objects.get(code="PRY-10001")
    assert project.name == "Subestación Guarenas"
    assert project.client == client
    assert project.status == ProjectStatus.IN_PROGRESS
    assert project.start_date == datetime.date(2025, 3, 5)
    assert project.end_date == datetime.date(2025, 9, 30)
    assert set(project.contractors.all()) == {first, second}
    undated = Project.objects.get(code="PRY-10002")
    assert (undated.start_date, undated.contractors.count()) == (None, 0)
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 2


def test_the_dry_run_writes_nothing(as_admin, client_and_contractors):
    client, _, _ = client_and_contractors
    upload = SimpleUploadedFile(
        "proyectos.csv", f"{HEADER}\nPRY-1,Uno,{client.tax_id},planned,,,,,,\n".encode()
    )

    response = as_admin.post(
        reverse("admin:projects_ro_project_import"),
        {"import_file": upload, "format": csv_format_index(), "resource": "0"},
    )

    assert response.context["confirm_form"].initial["original_file_name"] == "proyectos.csv"
    assert not Project.objects.exists()


def test_it_reads_venezuelan_day_first_dates(as_admin, client_and_contractors):
    client, _, _ = client_and_contractors
    content = f"{HEADER}\nPRY-10003,Tanques,{client.tax_id},planned,05/03/2025,25/12/2025,,,,\n"

    import_csv(as_admin, content)

    project = Project.objects.get(code="PRY-10003")
    assert (project.start_date, project.end_date) == (
        datetime.date(2025, 3, 5),
        datetime.date(2025, 12, 25),
    )


def test_it_imports_an_excel_workbook_with_real_date_cells(as_admin, client_and_contractors):
    client, first, _ = client_and_contractors
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "PRY-10004",
            "Desde Excel",
            client.tax_id,
            "on_hold",
            datetime.datetime(2025, 3, 5),
            datetime.date(2025, 12, 25),
            "",
            "",
            "",
            first.tax_id,
        ]
    )
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile("proyectos.xlsx", content.getvalue())

    _, confirmed = import_upload(as_admin, upload, format_index("xlsx"))

    assert confirmed.status_code == 302
    project = Project.objects.get(code="PRY-10004")
    assert (project.start_date, project.end_date) == (
        datetime.date(2025, 3, 5),
        datetime.date(2025, 12, 25),
    )
    assert list(project.contractors.all()) == [first]


def test_reimporting_a_code_updates_the_project_instead_of_duplicating_it(
    as_admin, client_and_contractors
):
    client, first, second = client_and_contractors
    ProjectFactory(code="PRY-10001", name="Antiguo", contractors=[first])
    content = (
        f"{HEADER}\nPRY-10001,Nuevo nombre,{client.tax_id},completed,2025-01-01,2025-02-01,"
        f",,,{second.tax_id}\n"
    )

    import_csv(as_admin, content)

    project = Project.objects.get(code="PRY-10001")
    assert Project.objects.count() == 1
    assert (project.name, project.client, project.status) == (
        "Nuevo nombre",
        client,
        ProjectStatus.COMPLETED,
    )
    assert list(project.contractors.all()) == [second]
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 1


def test_it_rejects_a_file_naming_an_unknown_client_and_imports_nothing(
    as_admin, client_and_contractors
):
    client, _, _ = client_and_contractors
    content = (
        f"{HEADER}\n"
        f"PRY-10001,Bueno,{client.tax_id},planned,,,,,,\n"
        "PRY-10002,Malo,J-99999999-9,planned,,,,,,\n"
    )

    dry_run, confirmed = import_csv(as_admin, content)

    result = dry_run.context["result"]
    assert confirmed is None
    assert [row.number for row in result.invalid_rows] == [2]
    assert "J-99999999-9" in dry_run.content.decode()
    assert not Project.objects.exists()


def test_it_rejects_an_unknown_contractor_rif_instead_of_dropping_it(
    as_admin, client_and_contractors
):
    client, first, _ = client_and_contractors
    content = (
        f"{HEADER}\nPRY-10001,Con errata,{client.tax_id},planned,,,,,,{first.tax_id}|J-99999999-9\n"
    )

    dry_run, confirmed = import_csv(as_admin, content)

    assert confirmed is None
    assert dry_run.context["result"].has_errors()
    assert "J-99999999-9" in dry_run.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("status", "start", "end"),
    [
        ("planned", "2025-05-01", "2025-04-01"),  # ends before it starts
        ("en curso", "", ""),  # not one of the statuses
    ],
)
def test_it_reports_rows_that_break_the_models_rules_as_validation_errors(
    as_admin, client_and_contractors, status, start, end
):
    client, _, _ = client_and_contractors
    content = f"{HEADER}\nPRY-10001,Inválido,{client.tax_id},{status},{start},{end},,,,\n"

    dry_run, confirmed = import_csv(as_admin, content)

    result = dry_run.context["result"]
    assert confirmed is None
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [1]
    assert not Project.objects.exists()


def test_it_exports_projects_with_client_rif_and_contractor_rifs(as_admin, client_and_contractors):
    client, first, second = client_and_contractors
    ProjectFactory(
        code="PRY-20001",
        name="Exportado",
        client=client,
        start_date=datetime.date(2025, 3, 5),
        contractors=[first, second],
    )

    rows = export_csv(as_admin)

    assert len(rows) == 1
    row = rows[0]
    assert (row["code"], row["name"], row["client_tax_id"]) == (
        "PRY-20001",
        "Exportado",
        client.tax_id,
    )
    assert row["start_date"] == "2025-03-05"
    assert set(row["contractor_tax_ids"].split("|")) == {first.tax_id, second.tax_id}


def test_an_exported_file_imports_back_unchanged(as_admin, client_and_contractors):
    client, first, second = client_and_contractors
    ProjectFactory(code="PRY-20001", client=client, contractors=[first, second])
    ProjectFactory(code="PRY-20002", client=client, start_date=datetime.date(2025, 3, 5))
    rows = export_csv(as_admin)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    dry_run, confirmed = import_csv(as_admin, out.getvalue())

    assert confirmed.status_code == 302
    assert Project.objects.count() == 2
    assert dry_run.context["result"].totals["skip"] == 2


@pytest.mark.parametrize("rows", [1, 50])
def test_the_export_runs_a_fixed_number_of_queries(as_admin, django_assert_num_queries, rows):
    contractors = ContractorFactory.create_batch(3)
    for _ in range(rows):
        ProjectFactory(contractors=contractors)
    export_csv(as_admin)  # the first request of a session stamps it

    with django_assert_num_queries(8):
        exported = export_csv(as_admin)

    assert len(exported) == rows
