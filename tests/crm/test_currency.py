"""Dual currency VES/USD: rates by date, amounts frozen at the rate of their date, and every
list, board, dashboard, report and export in the currency the user chooses."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Currency
from crm.admin import ExchangeRateAdmin
from crm.models import ExchangeRate, Opportunity, Quote, RateSource, Stage
from crm.money import amount_column, display_currency
from crm.opportunities.services import (
    WonDetails,
    opportunity_create,
    opportunity_move_stage,
    opportunity_update,
)
from crm.selectors.exchange_rates import rate_on_or_before
from crm.services.currency import freeze_pending_amounts, pending_amount_count
from tests.crm.test_opportunity_form import form_data
from tests.factories import ClientFactory

TODAY = timezone.localdate


def rate(days_ago: int, value: str, source=RateSource.BCV) -> ExchangeRate:
    return ExchangeRate.objects.create(
        date=TODAY() - timedelta(days=days_ago), ves_per_usd=Decimal(value), source=source
    )


def create(user, client, amount: str, currency: str, **extra) -> Opportunity:
    return opportunity_create(
        user=user,
        data={
            "name": "Planta nueva",
            "client": client,
            "estimated_value": Decimal(amount),
            "estimated_value_currency": currency,
            "expected_close_date": TODAY() + timedelta(days=30),
            "owner": client.owner,
            **extra,
        },
    )


# --- Freezing -------------------------------------------------------------------------------


def test_the_column_of_a_currency_is_one_rule():
    assert amount_column("estimated_value", Currency.USD) == "estimated_value"
    assert amount_column("estimated_value", Currency.VES) == "estimated_value_ves"


def test_the_rate_of_a_day_without_one_is_the_latest_before_it(db):
    rate(10, "40")
    friday = rate(3, "45")
    assert rate_on_or_before(TODAY()) == friday
    assert rate_on_or_before(TODAY() - timedelta(days=5)).ves_per_usd == Decimal("40")
    assert rate_on_or_before(TODAY() - timedelta(days=11)) is None


def test_a_ves_opportunity_of_last_month_keeps_its_usd_value_after_a_new_rate(db, executive):
    rate(35, "40.00")
    client = ClientFactory(owner=executive)
    opportunity = create(executive, client, "1000000.00", Currency.VES)
    # Created last month: the rate of that day is frozen with it.
    Opportunity.objects.filter(pk=opportunity.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    assert opportunity.estimated_value == Decimal("25000.00")
    assert opportunity.estimated_value_ves == Decimal("1000000.00")
    assert opportunity.estimated_value_rate == Decimal("40")

    rate(0, "50.00")  # the bolívar fell today
    freeze_pending_amounts()
    opportunity.refresh_from_db()
    assert (opportunity.estimated_value, opportunity.estimated_value_ves) == (
        Decimal("25000.00"),
        Decimal("1000000.00"),
    )
    # An edit of another field does not move it to today's rate either.
    opportunity = opportunity_update(
        user=executive,
        opportunity_id=opportunity.pk,
        expected_version=opportunity.version,
        data={
            "name": "Planta nueva (fase 1)",
            "estimated_value": Decimal("1000000.00"),
            "estimated_value_currency": Currency.VES,
        },
    )
    assert opportunity.estimated_value == Decimal("25000.00")
    assert opportunity.estimated_value_rate == Decimal("40")
    # A new amount is frozen at today's rate.
    opportunity = opportunity_update(
        user=executive,
        opportunity_id=opportunity.pk,
        expected_version=opportunity.version,
        data={"estimated_value": Decimal("1500000.00"), "estimated_value_currency": "VES"},
    )
    assert (opportunity.estimated_value, opportunity.estimated_value_rate) == (
        Decimal("30000.00"),
        Decimal("50"),
    )


def test_a_usd_amount_gets_its_ves_value_at_the_same_rate(db, executive):
    rate(0, "36.4895")
    opportunity = create(executive, ClientFactory(owner=executive), "1000.00", Currency.USD)
    assert opportunity.estimated_value == Decimal("1000.00")
    assert opportunity.estimated_value_ves == Decimal("36489.50")


def test_a_ves_amount_without_a_rate_is_refused_naming_the_date(db, executive):
    rate(-5, "40")  # only a future rate: nothing on or before today
    client = ClientFactory(owner=executive)
    with pytest.raises(ValidationError) as refused:
        create(executive, client, "1000000.00", Currency.VES)
    message = refused.value.message_dict["estimated_value"][0]
    assert TODAY().strftime("%d/%m/%Y") in message
    assert "Tasas de cambio" in message
    assert not Opportunity.objects.exists()

    # The form says it on the amount and keeps what was typed.
    response = client_form_post(executive, client, estimated_value="1.000.000,00")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No hay tasa de cambio del " + TODAY().strftime("%d/%m/%Y") in page
    assert 'value="1.000.000,00"' in page


def client_form_post(user, client, **overrides):
    from django.test import Client as Browser

    browser = Browser()
    browser.force_login(user)
    data = form_data(client, estimated_value_currency="VES", **overrides)
    return browser.post(reverse("crm:opportunity_create"), data)


def test_a_usd_amount_before_any_rate_waits_for_one_and_the_admin_is_told(db, executive):
    opportunity = create(executive, ClientFactory(owner=executive), "1000.00", Currency.USD)
    assert opportunity.estimated_value_ves is None  # never a zero
    assert pending_amount_count() == 1
    rate(3, "40")
    assert freeze_pending_amounts() == 1
    opportunity.refresh_from_db()
    assert opportunity.estimated_value_ves == Decimal("40000.00")
    assert pending_amount_count() == 0


def test_cerrar_venta_freezes_the_rate_of_the_close_date(db, executive):
    rate(20, "40")
    rate(0, "50")
    opportunity = create(
        executive,
        ClientFactory(owner=executive),
        "1000.00",
        Currency.USD,
        bant_budget=True,
        bant_authority=True,
        bant_need=True,
        bant_timeline=True,
    )
    opportunity = opportunity_move_stage(
        user=executive,
        opportunity_id=opportunity.pk,
        expected_version=opportunity.version,
        to_stage=Stage.WON,
        won=WonDetails(
            actual_value=Decimal("800000.00"),
            actual_value_currency=Currency.VES,
            closed_on=TODAY() - timedelta(days=10),
            agreed_terms="Pago a 30 días",
        ),
    )
    assert opportunity.actual_value == Decimal("20000.00")  # at the close date's 40
    assert opportunity.actual_value_rate == Decimal("40")


def test_a_quote_freezes_the_rate_of_its_upload(db, executive, private_storage):
    from tests.documents.files import make_quote

    rate(0, "40")
    opportunity = create(executive, ClientFactory(owner=executive), "1000.00", Currency.USD)
    make_quote(executive, opportunity=opportunity, total="400000.00", currency=Currency.VES)
    quote = Quote.objects.get()
    assert (quote.currency, quote.total_amount, quote.total_amount_ves) == (
        "VES",
        Decimal("10000.00"),
        Decimal("400000.00"),
    )


# --- Importing rates ------------------------------------------------------------------------


def import_rates(browser, upload, file_format: str):
    model_admin = admin.site.get_model_admin(ExchangeRate)
    assert isinstance(model_admin, ExchangeRateAdmin)
    formats = model_admin.get_import_formats()
    index = str([f().get_title() for f in formats].index(file_format))
    dry_run = browser.post(
        reverse("admin:crm_exchangerate_import"),
        {"import_file": upload, "format": index, "resource": "0"},
    )
    assert dry_run.status_code == 200
    confirm = dry_run.context.get("confirm_form")
    if confirm is None:
        return dry_run, None
    return dry_run, browser.post(reverse("admin:crm_exchangerate_process_import"), confirm.initial)


def test_rates_import_from_csv_and_update_a_date_already_loaded(client_as, administrator):
    rate(2, "39")
    day = TODAY() - timedelta(days=2)
    content = (
        "date,ves_per_usd,source\n"
        f'{day:%d/%m/%Y},"40,12345678",BCV\n'
        f"{TODAY():%Y-%m-%d},41.5,manual\n"
    )
    upload = SimpleUploadedFile("tasas.csv", content.encode(), content_type="text/csv")
    _dry_run, confirmed = import_rates(client_as(administrator), upload, "csv")
    assert confirmed is not None and confirmed.status_code == 302
    assert dict(ExchangeRate.objects.values_list("date", "ves_per_usd")) == {
        day: Decimal("40.12345678"),
        TODAY(): Decimal("41.5"),
    }
    assert ExchangeRate.objects.get(date=TODAY()).source == RateSource.MANUAL


def test_rates_import_from_xlsx_and_freeze_the_waiting_amounts(client_as, administrator, executive):
    opportunity = create(executive, ClientFactory(owner=executive), "100.00", Currency.USD)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "ves_per_usd", "source"])
    sheet.append([TODAY() - timedelta(days=1), 42.25, "BCV"])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("tasas.xlsx", data.getvalue())
    _dry_run, confirmed = import_rates(client_as(administrator), upload, "xlsx")
    assert confirmed is not None and confirmed.status_code == 302
    assert ExchangeRate.objects.get().ves_per_usd == Decimal("42.25")
    opportunity.refresh_from_db()
    assert opportunity.estimated_value_ves == Decimal("4225.00")


def test_bad_rate_rows_are_refused_with_spanish_messages(client_as, administrator):
    content = (
        "date,ves_per_usd,source\n"
        "31/02/2026,40,BCV\n"
        f"{TODAY():%Y-%m-%d},cuarenta,BCV\n"
        f"{TODAY():%Y-%m-%d},-3,BCV\n"
        f"{TODAY():%Y-%m-%d},40,Banco\n"
    )
    upload = SimpleUploadedFile("tasas.csv", content.encode(), content_type="text/csv")
    dry_run, confirmed = import_rates(client_as(administrator), upload, "csv")
    assert confirmed is None
    page = dry_run.content.decode()
    assert "no es una fecha" in page
    assert "no es una tasa" in page
    assert "La tasa debe ser mayor que cero" in page
    assert "La fuente es BCV o Manual" in page
    assert not ExchangeRate.objects.exists()


def test_the_admin_warns_about_a_missing_rate_and_waiting_amounts(
    client_as, administrator, executive
):
    create(executive, ClientFactory(owner=executive), "100.00", Currency.USD)
    response = client_as(administrator).get(reverse("admin:crm_exchangerate_changelist"))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Aún no hay tasas de cambio" in t for t in texts)
    assert any("1 monto en USD no tiene valor en VES" in t for t in texts)


# --- Display currency -----------------------------------------------------------------------


@pytest.fixture
def two_deals(db, executive):
    """One deal typed in VES at 40, one in USD at 50: USD 25.000 + 1.000, VES 1 MM + 50.000."""
    client = ClientFactory(owner=executive, name="Empresa Andina")
    rate(10, "40")
    ves = create(executive, client, "1000000.00", Currency.VES)
    rate(0, "50")
    usd = create(executive, client, "1000.00", Currency.USD)
    return ves, usd


def choose(browser, currency: str, next_url: str):
    response = browser.post(
        reverse("accounts:display_currency"), {"currency": currency, "next": next_url}
    )
    assert response.status_code == 302 and response.url == next_url


def test_the_company_default_is_usd_and_each_user_chooses(db, executive, manager):
    assert display_currency(executive) == Currency.USD
    settings = CompanySettings.load()
    settings.currency = Currency.VES
    settings.save()
    assert display_currency(manager) == Currency.VES
    executive.display_currency = Currency.USD
    assert display_currency(executive) == Currency.USD


def test_the_switch_refuses_another_currency(client_as, executive):
    response = client_as(executive).post(reverse("accounts:display_currency"), {"currency": "EUR"})
    assert response.status_code == 400
    executive.refresh_from_db()
    assert executive.display_currency == ""


def test_the_list_shows_its_totals_and_rows_in_the_chosen_currency(client_as, executive, two_deals):
    browser = client_as(executive)
    url = reverse("crm:opportunity_list")
    usd = browser.get(url)
    assert usd.context["totals"].total == Decimal("26000.00")
    choose(browser, "VES", url)
    ves = browser.get(url)
    assert ves.context["totals"].total == Decimal("1050000.00")
    page = ves.content.decode()
    assert "VES 1,0 MM" in page
    # The original amount and its rate on hover.
    assert "Original: VES 1.000.000,00 · 40,0000 VES/USD" in page
    assert "Original: USD 1.000,00 · 50,0000 VES/USD" in page
    assert 'aria-pressed="true" title="Mostrar los montos en bolívares' in page


def test_the_board_totals_follow_the_chosen_currency(client_as, executive, two_deals):
    browser = client_as(executive)
    url = reverse("crm:opportunity_board")
    columns = {c.stage: c for c in browser.get(url).context["columns"]}
    assert columns[Stage.PROSPECTING].totals.total == Decimal("26000.00")
    choose(browser, "VES", url)
    response = browser.get(url)
    columns = {c.stage: c for c in response.context["columns"]}
    assert columns[Stage.PROSPECTING].totals.total == Decimal("1050000.00")
    assert "Original: VES 1.000.000,00" in response.content.decode()


def test_the_dashboard_follows_the_chosen_currency(client_as, executive, two_deals):
    browser = client_as(executive)
    url = reverse("dashboard:home")
    assert browser.get(url).context["sales"]["open_value"] == Decimal("26000.00")
    choose(browser, "VES", url)
    response = browser.get(url)
    assert response.context["sales"]["open_value"] == Decimal("1050000.00")
    assert response.context["currency"] == "VES"


def test_the_pipeline_report_follows_the_chosen_currency(client_as, executive, two_deals):
    for deal in two_deals:
        Opportunity.objects.filter(pk=deal.pk).update(expected_close_date=TODAY())
    browser = client_as(executive)
    url = reverse("crm:report_pipeline") + "?periodo=mes"
    assert browser.get(url).context["report"].totals.total == Decimal("26000.00")
    choose(browser, "VES", url)
    response = browser.get(url)
    assert response.context["report"].totals.total == Decimal("1050000.00")
    assert ("Montos en", "VES") in response.context["filters"].labels()


def test_the_export_has_the_chosen_currency_and_the_original_columns(
    client_as, executive, two_deals
):
    browser = client_as(executive)
    choose(browser, "VES", reverse("crm:opportunity_list"))
    response = browser.get(reverse("crm:opportunity_export", args=["csv"]))
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    by_original = {row["Moneda original"]: row for row in rows}
    assert by_original["VES"]["Valor (VES)"] == "1000000,00"
    assert by_original["VES"]["Monto original"] == "1000000,00"
    assert by_original["VES"]["Tasa (VES/USD)"] == "40"
    assert by_original["USD"]["Valor (VES)"] == "50000,00"
    assert by_original["USD"]["Monto original"] == "1000,00"

    choose(browser, "USD", reverse("crm:opportunity_list"))
    response = browser.get(reverse("crm:opportunity_export", args=["xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *values = list(book.active.values)
    rows = [dict(zip(header, values, strict=True)) for values in values]
    row = next(row for row in rows if row["Moneda original"] == "VES")
    assert row["Valor (USD)"] == 25000
    assert row["Monto original"] == 1000000
    assert row["Tasa (VES/USD)"] == 40


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_in_ves_runs_a_fixed_number_of_queries(
    client_as, executive, django_assert_num_queries, rows
):
    rate(0, "40")
    client = ClientFactory(owner=executive, name="Empresa Andina")
    for _n in range(rows):
        create(executive, client, "400000.00", Currency.VES)
    browser = client_as(executive)
    choose(browser, "VES", reverse("crm:opportunity_list"))
    browser.get(reverse("crm:opportunity_list"))
    # As in USD (tests/crm/test_opportunity_list.py): the user's own choice needs no more.
    with django_assert_num_queries(10):
        browser.get(reverse("crm:opportunity_list"), {"client": "Empresa", "order": "-value"})
