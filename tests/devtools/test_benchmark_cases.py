"""The benchmark measures every page a user can open: a new page must be added to
devtools.cases (or listed here with the reason it is not a page)."""

from typing import Any

from django.urls import resolve

from devtools.cases import export_cases, page_cases
from tests.test_authorization_matrix import all_url_names

# URL names that are not pages a user waits for, and why.
NOT_PAGES = {
    # Sign-in and account pages: no data behind them.
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:password_reset",
    "accounts:password_reset_complete",
    "accounts:password_reset_confirm",
    "accounts:password_reset_done",
    # Two-factor steps: the code step of a sign-in, the codes shown once, turning it off (POST).
    "accounts:otp_verify",
    "accounts:otp_recovery_codes",
    "accounts:otp_disable",
    # POST-only actions (their pages are measured through the page that posts them).
    "accounts:calendar_token",
    "accounts:list_columns",
    "accounts:display_currency",
    "accounts:notification_read",
    "accounts:notifications_read_all",
    "crm:client_bulk_segment",
    "crm:client_import_confirm",
    "crm:contact_import_confirm",
    "crm:recycle_bin_restore",
    "crm:report_action_schedule",
    "crm:activity_complaint",
    "crm:activity_upsell",
    "documents:delete",
    "documents:void",
    "documents:new_version",
    "documents:quote_send",
    "documents:quote_answer",
    # Fragments and file downloads (downloads are in export_cases or the 25 MB test).
    "crm:opportunity_client_contacts",
    "documents:download",
    "documents:download_version",
    "crm:report_action_plan_detail",
}
OBJECTS: dict[str, Any] = {  # pks, and the calendar token (a str)
    "client": 1,
    "opportunity": 1,
    "activity": 1,
    "complaint": 1,
    "document": 1,
    "project": 1,
    "contractor": 1,
    "calendar_token": "t" * 43,
}


def measured_names() -> set[str]:
    urls = [case.url for case in page_cases(OBJECTS)] + [e.url for e in export_cases()]
    return {resolve(url.split("?")[0].replace("{exec}", "1")).view_name for url in urls}


def test_every_page_of_the_app_is_in_the_benchmark(db):
    pages = {name for name in all_url_names() if name and not name.startswith("admin:")}
    missing = pages - measured_names() - NOT_PAGES
    assert missing == set()


def test_the_exclusions_are_real_url_names(db):
    assert {name for name in all_url_names() if name} >= NOT_PAGES
