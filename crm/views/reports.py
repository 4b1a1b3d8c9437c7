"""CRM → Reportes: the index, the Reporte de Pipeline with its Excel and PDF exports, and the
action plans made from a report. Reports follow the "dashboard" module of the roles matrix
(managers see the team through the "team" module)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.roles import VIEW
from accounts.selectors import assignable_executives
from audit.models import EventKind
from audit.services import record_security_event
from crm.forms.action_plans import ActionPlanForm, ScheduleActionForm
from crm.models import OPEN_STAGES
from crm.reports import charts
from crm.reports.filters import (
    ReportFilterForm,
    ReportFilters,
    month_end,
    report_filters,
    sees_every_executive,
)
from crm.reports.goals import report_goal_board
from crm.reports.pipeline import (
    CONVERSION_DEFINITION,
    PERCENTILE_DEFINITION,
    pipeline_detail,
    pipeline_report,
)
from crm.reports.registry import TABLE_REPORTS, ReportKind
from crm.reports.xlsx import pipeline_workbook, table_workbook, xlsx_file_response
from crm.selectors.action_plans import (
    action_plans_visible_to,
    get_action_for_user_or_404,
    get_action_plan_for_user_or_404,
)
from crm.selectors.clients import clients_visible_to
from crm.services.action_plans import (
    ActionInput,
    action_plan_create,
    action_plan_item_schedule,
)

EARLIER_PLANS = 10


@require_GET
@module_required("dashboard", VIEW)
def report_index_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    plans = list(action_plans_visible_to(user=request.user)[:EARLIER_PLANS])
    return render(request, "crm/reports/index.html", {"plans": plans})


def _opportunity_list_url(filters: ReportFilters, **params: Any) -> str:
    query = filters.list_params() | params
    return reverse("crm:opportunity_list") + "?" + urlencode(query, doseq=True)


def _pipeline_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    form, filters = report_filters(user=request.user, params=request.GET)
    report = pipeline_report(filters=filters)
    period = {"close_from": filters.start.isoformat(), "close_to": filters.end.isoformat()}
    for row in report.stages:
        row.href = _opportunity_list_url(filters, stage=row.stage, **period)
    funnel = charts.funnel_chart(
        chart_id="funnel-chart", stages=report.stages, href=lambda row: row.href
    )
    months = report.months
    open_stages = list(OPEN_STAGES)
    month_links = [
        _opportunity_list_url(
            filters,
            stage=open_stages,
            close_from=row.month.isoformat(),
            close_to=min(month_end(row.month), filters.end).isoformat(),
        )
        for row in months
    ]
    projection = charts.grouped_bar_chart(
        chart_id="projection-chart",
        title=_("Sales projection by month"),
        description=_(
            "Weighted, best case, commit and won per month of expected close (won: close date)."
        ),
        categories=[charts.month_label(row.month) for row in months],
        series=[
            (_("Weighted"), [row.weighted for row in months]),
            (_("Best case"), [row.best_case for row in months]),
            (_("Commit"), [row.commit for row in months]),
            (_("Won"), [row.won for row in months]),
        ],
        hrefs=[month_links, month_links, month_links, [""] * len(months)],
    )
    return {
        "form": form,
        "filters": filters,
        "report": report,
        "funnel": funnel,
        "projection": projection,
        "goals": report_goal_board(user=request.user, filters=filters),
        "conversion_definition": CONVERSION_DEFINITION,
        "percentile_definition": PERCENTILE_DEFINITION,
        "query": filters.query_string(),
        "generated_at": timezone.now(),
        "generated_by": request.user.get_full_name() or request.user.get_username(),
    }


@require_GET
@module_required("dashboard", VIEW)
def report_pipeline_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _pipeline_context(request)
    context["plans"] = list(action_plans_visible_to(user=request.user)[:EARLIER_PLANS])
    return render(request, "crm/reports/pipeline.html", context)


def _record_export(request: AuthenticatedHttpRequest, what: str) -> None:
    """A report file goes to the security log with its filters (its figures are aggregates:
    the row count is that of the client list's export)."""
    record_security_event(
        kind=EventKind.EXPORT,
        user=request.user,
        request=request,
        target=what,
        detail=request.GET.urlencode(),
    )


@require_GET
@module_required("dashboard", VIEW)
def report_pipeline_export_view(
    request: AuthenticatedHttpRequest, file_format: str
) -> HttpResponseBase:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format in ("excel", "pdf"):
        _record_export(request, f"reporte-pipeline.{file_format}")
    if file_format == "excel":
        _form, filters = report_filters(user=request.user, params=request.GET)
        chunks = pipeline_workbook(
            report=pipeline_report(filters=filters),
            detail=pipeline_detail(filters),
            user=request.user,
            generated_at=timezone.now(),
            goals=report_goal_board(user=request.user, filters=filters),
        )
        return xlsx_file_response(chunks, filename=f"reporte-pipeline-{stamp}.xlsx")
    if file_format == "pdf":
        from crm.reports.pdf import pdf_response

        return pdf_response(
            template="crm/reports/pipeline_pdf.html",
            context=_pipeline_context(request),
            filename=f"reporte-pipeline-{stamp}.pdf",
            request=request,
        )
    raise Http404


def _plan_owners(user: User) -> QuerySet[User]:
    if sees_every_executive(user):
        return assignable_executives()
    return assignable_executives().filter(pk=user.pk)


@require_http_methods(["GET", "POST"])
@module_required("dashboard", VIEW)
def report_action_plan_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Crear plan de acción": the report's filters come in the query string (and go back
    out to the plan), the objective and actions in the form."""
    _form, filters = report_filters(user=request.user, params=request.GET)
    owners = _plan_owners(request.user)
    form = ActionPlanForm(
        request.POST or None, owners=owners, default_owner=filters.executive or request.user
    )
    if request.method == "POST" and form.is_valid():
        actions = [
            ActionInput(text, owner, due) for text, owner, due in form.cleaned_data["actions"]
        ]
        try:
            plan = action_plan_create(
                user=request.user,
                filters=filters,
                report="pipeline",
                objective=form.cleaned_data["objective"],
                actions=actions,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Action plan saved."))
            return redirect(plan)
    context = {"form": form, "filters": filters, "query": filters.query_string()}
    return render(request, "crm/reports/action_plan_form.html", context)


@require_GET
@module_required("dashboard", VIEW)
def report_action_plan_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_action_plan_for_user_or_404(user=request.user, pk=pk)
    return render(request, "crm/reports/action_plan_detail.html", {"plan": plan})


@require_http_methods(["GET", "POST"])
@module_required("crm", VIEW)
def report_action_schedule_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An action of a plan becomes a planned activity for a client."""
    item = get_action_for_user_or_404(user=request.user, pk=pk)
    # The action owner's clients: a select of every client would be huge and rarely right.
    clients = clients_visible_to(user=request.user).filter(owner=item.owner)
    form = ScheduleActionForm(request.POST or None, clients=clients, due_date=item.due_date)
    if item.activity_id is None and request.method == "POST" and form.is_valid():
        try:
            action_plan_item_schedule(
                user=request.user,
                item_id=item.pk,
                client=form.cleaned_data["client"],
                type=form.cleaned_data["type"],
                scheduled_at=form.cleaned_data["scheduled_at"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Activity scheduled."))
            return redirect(item.plan)
    return render(request, "crm/reports/action_schedule.html", {"item": item, "form": form})


# The reports made of tables: Ventas, Pérdidas, Actividades, Conversión y ciclo de venta ------


def _table_report(
    request: AuthenticatedHttpRequest, slug: str
) -> tuple[ReportKind, ReportFilterForm, ReportFilters, Any]:
    kind = TABLE_REPORTS[slug]
    form, filters = report_filters(user=request.user, params=request.GET)
    return kind, form, filters, kind.build(filters=filters)


@require_GET
@module_required("dashboard", VIEW)
def table_report_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    kind, form, filters, report = _table_report(request, slug)
    context = {
        "form": form,
        "filters": filters,
        "report": report,
        "query": filters.query_string(),
        "action": reverse(kind.url_name),
    }
    return render(request, "crm/reports/table_report.html", context)


@require_GET
@module_required("dashboard", VIEW)
def table_report_export_view(
    request: AuthenticatedHttpRequest, slug: str, file_format: str
) -> HttpResponseBase:
    if slug not in TABLE_REPORTS or file_format not in ("excel", "pdf"):
        raise Http404
    kind, _form, filters, report = _table_report(request, slug)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    _record_export(request, f"reporte-{slug}.{file_format}")
    if file_format == "excel":
        chunks = table_workbook(
            report=report,
            detail=kind.detail(filters),
            detail_kind=kind.detail_kind,
            user=request.user,
            generated_at=timezone.now(),
        )
        return xlsx_file_response(chunks, filename=f"reporte-{slug}-{stamp}.xlsx")
    from crm.reports.pdf import pdf_response

    context = {
        "filters": filters,
        "report": report,
        "generated_at": timezone.now(),
        "generated_by": request.user.get_full_name() or request.user.get_username(),
    }
    return pdf_response(
        template="crm/reports/table_report_pdf.html",
        context=context,
        filename=f"reporte-{slug}-{stamp}.pdf",
        request=request,
    )
