"""Property-based fuzzing of every GET parameter the views read (lists' searches, filters,
orders and pages, dates and weeks, report filters, prefills): whatever is in the query string,
the page never answers a server error. See tests/fuzz_support.py."""

from urllib.parse import urlencode

import django_filters
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from contractors_ro.filters import ContractorFilter
from crm.filters.activities import ActivityFilter
from crm.filters.clients import ClientFilter
from crm.filters.complaints import ComplaintFilter
from crm.opportunities.filters import BoardFilter, OpportunityFilter
from crm.reports.filters import ReportFilterForm
from documents.filters import DocumentFilter
from projects_ro.filters import ProjectFilter
from tests.fuzz_support import (
    assert_no_server_error,
    count_example,
    in_rollback,
    query_strings,
    run_target,
)
from tests.fuzz_world import build_world

pytestmark = pytest.mark.django_db

# The kind of each parameter a view reads beside its filters (fuzz_support.OF_KIND).
KINDS = {
    "page": "number",
    "timeline": "number",
    "version": "number",
    "client": "number",
    "opportunity": "number",
    "contact": "number",
    "ejecutivo": "number",
    "industria": "number",
    "executive": "number",
    "project": "number",
    "date": "date",
    "desde": "date",
    "hasta": "date",
    "week": "week",
}
LIST = ["page", "order", "q"]
REPORT = [*ReportFilterForm.base_fields, "ver", "tab", "page", "order"]


def kind_of_filter(item) -> str:
    if isinstance(item, django_filters.DateFilter):
        return "date"
    if isinstance(item, django_filters.NumberFilter | django_filters.ModelChoiceFilter):
        return "number"
    return "text"


def names(filterset, *extra) -> dict[str, str]:
    kinds = {name: kind_of_filter(item) for name, item in filterset.base_filters.items()}
    return {**kinds, **{name: KINDS.get(name, "text") for name in (*LIST, *extra)}}


def plain(*params) -> dict[str, str]:
    return {name: KINDS.get(name, "text") for name in params}


# (url name, its arguments from the world, the parameters it reads)
TARGETS = [
    ("dashboard:home", None, plain("ejecutivo")),
    ("crm:client_list", None, names(ClientFilter)),
    ("crm:client_export", lambda w: ["csv"], names(ClientFilter)),
    ("crm:client_detail", lambda w: [w.client.pk], plain("timeline", "page")),
    ("crm:client_tab", lambda w: [w.client.pk, "actividades"], plain("page", "section")),
    ("crm:client_tab", lambda w: [w.client.pk, "oportunidades"], plain("page")),
    ("crm:client_import", None, plain("plantilla")),
    ("crm:opportunity_list", None, names(OpportunityFilter)),
    ("crm:opportunity_board", None, names(BoardFilter, "column")),
    ("crm:opportunity_board_column", lambda w: ["prospecting"], names(BoardFilter, "column")),
    ("crm:opportunity_detail", lambda w: [w.opportunity.pk], plain("timeline")),
    ("crm:opportunity_create", None, plain("client")),
    ("crm:opportunity_client_contacts", None, plain("client", "contact")),
    ("crm:opportunity_move", lambda w: [w.opportunity.pk], plain("to_stage", "version", "next")),
    ("crm:opportunity_follow_up", lambda w: [w.proposal.pk], plain("refresh", "to_stage")),
    ("crm:activity_list", None, names(ActivityFilter, "section", "row")),
    ("crm:activity_week", None, plain("week", "date", "executive")),
    ("crm:activity_create", None, plain("client", "opportunity", "type", "contact")),
    ("crm:activity_detail", lambda w: [w.activity.pk], plain("row")),
    ("crm:complaint_list", None, names(ComplaintFilter)),
    ("crm:complaint_create", None, plain("client")),
    ("crm:report_index", None, plain(*REPORT)),
    ("crm:report_pipeline", None, plain(*REPORT)),
    ("crm:report_sales", None, plain(*REPORT)),
    ("crm:report_losses", None, plain(*REPORT)),
    ("crm:report_activities", None, plain(*REPORT)),
    ("crm:report_conversion", None, plain(*REPORT)),
    ("crm:report_export", lambda w: ["ventas", "excel"], plain(*REPORT)),
    ("crm:report_action_plan_create", None, plain(*REPORT)),
    ("crm:recycle_bin", None, plain("tipo", "page")),
    ("accounts:notifications", None, plain("page")),
    ("documents:list", None, names(DocumentFilter)),
    ("documents:upload", None, plain("client", "opportunity", "project", "kind")),
    ("projects:list", None, names(ProjectFilter)),
    ("contractors:list", None, names(ContractorFilter)),
]


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_no_query_string_breaks_a_page(client, manager, executive):
    """Each target gets its own examples; the world is built once and every example rolls
    back to it. All the failing targets are reported together."""
    world = build_world(manager=manager, executive=executive)
    client.force_login(manager)
    failures = []
    for name, args, params in TARGETS:
        path = reverse(name, args=args(world) if args else None)
        assert client.get(path).status_code == 200, path
        run_target(_fuzzer(client, path, params), name, failures)
    assert not failures, "\n\n".join(failures)


def _fuzzer(client, path: str, params):
    @given(query=query_strings(params), htmx=st.booleans())
    def check(query, htmx):
        count_example()
        url = f"{path}?{urlencode(query, doseq=True)}"
        headers = HTMX if htmx else {}
        in_rollback(lambda: assert_no_server_error(client.get(url, **headers), url))

    return check
