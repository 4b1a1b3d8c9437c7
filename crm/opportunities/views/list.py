"""CRM → Oportunidades → Lista: the opportunity list (filters, order, totals, pages) and its
export (Exportar) as Excel or CSV.

The export has the same scope as the list: its rows come from the list's own selector (the
user's visible opportunities, the list's filters and order), so an export never holds a row
the list would not show; every row, not one page. Streamed whatever the count (crm.exports).
"""

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import ADD, CHANGE, VIEW, module_rights
from config.filtering import active_filter_count
from config.pagination import paginate
from crm.exports.columns import opportunity_columns, opportunity_rows
from crm.exports.csv import csv_response
from crm.exports.xlsx import StreamedSheet, xlsx_response
from crm.list_columns import OPPORTUNITY_COLUMNS
from crm.money import display_currency
from crm.opportunities.filters import OpportunityFilter, board_filter_query
from crm.opportunities.selectors.list import (
    opportunity_export,
    opportunity_list,
    opportunity_list_totals,
)
from crm.views.client_list import FILE_FORMATS


@require_GET
@module_required("crm", VIEW)
def opportunity_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = OpportunityFilter(request.GET, request=request)
    opportunities = opportunity_list(user=request.user, filters=filterset)
    totals = opportunity_list_totals(
        user=request.user, filters=filterset, currency=display_currency(request.user)
    )
    filter_query = board_filter_query(request.GET)
    context = {
        "filter": filterset,
        "columns": OPPORTUNITY_COLUMNS.for_user(request.user),
        # The count is known from the totals query: no second COUNT.
        "page_obj": paginate(request, opportunities, count=totals.count),
        "totals": totals,
        "currency": display_currency(request.user),
        "can_add": ADD in module_rights(request.user, "crm"),
        "can_move": CHANGE in module_rights(request.user, "crm"),
        "board_url": reverse("crm:opportunity_board")
        + (f"?{filter_query}" if filter_query else ""),
        "filtered": active_filter_count(filterset) > 0,
    }
    template = "crm/opportunity_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_GET
@module_required("crm", VIEW)
def opportunity_export_view(
    request: AuthenticatedHttpRequest, file_format: str
) -> HttpResponseBase:
    if file_format not in FILE_FORMATS:
        raise Http404
    filterset = OpportunityFilter(request.GET, request=request)
    opportunities = opportunity_export(user=request.user, filters=filterset)
    columns = opportunity_columns(display_currency(request.user))
    rows = opportunity_rows(opportunities, columns)
    filename = f"oportunidades-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        return csv_response(columns=columns, rows=rows, filename=filename)
    sheet = StreamedSheet(_("Opportunities"), columns, rows)
    return xlsx_response(sheets=[sheet], filename=filename)
