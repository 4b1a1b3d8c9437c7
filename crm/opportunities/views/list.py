"""CRM → Oportunidades → Exportar: the filtered opportunity list as Excel or CSV.

Same scope as the list: the rows come from the list's own selector (the user's visible
opportunities, the list's filters and order), so an export never holds a row the list would
not show; every row, not one page. Streamed whatever the count (crm.exports)."""

from django.http import Http404
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import VIEW
from crm.exports.columns import opportunity_columns, opportunity_rows
from crm.exports.csv import csv_response
from crm.exports.xlsx import StreamedSheet, xlsx_response
from crm.money import display_currency
from crm.selectors.pipeline import opportunity_export
from crm.views.client_list import FILE_FORMATS


@require_GET
@module_required("crm", VIEW)
def opportunity_export_view(
    request: AuthenticatedHttpRequest, file_format: str
) -> HttpResponseBase:
    if file_format not in FILE_FORMATS:
        raise Http404
    opportunities = opportunity_export(user=request.user, params=request.GET, request=request)
    columns = opportunity_columns(display_currency(request.user))
    rows = opportunity_rows(opportunities, columns)
    filename = f"oportunidades-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        return csv_response(columns=columns, rows=rows, filename=filename)
    sheet = StreamedSheet(_("Opportunities"), columns, rows)
    return xlsx_response(sheets=[sheet], filename=filename)
