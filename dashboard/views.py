from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.models import CompanySettings, User
from accounts.roles import VIEW, is_manager, module_rights
from accounts.selectors import assignable_executives
from crm.models import OPEN_STAGES, Stage
from crm.money import display_currency
from crm.reports import charts
from crm.reports.goals import current_goal_board, goal_people
from crm.selectors.quotes import quotes_expiring_for
from dashboard.selectors import (
    dashboard_aggregates,
    home_figures,
    sales_figures,
    team_table,
    trend_figures,
)


def _links(owner: User | None) -> dict[str, str]:
    """The list (or report) behind each figure, for one executive (the user or the chosen
    one), or the whole team's when `owner` is None."""
    owner_param = {"owner": owner.pk} if owner else {}
    report_param = {"ejecutivo": owner.pk if owner else ""}
    activity_param = {"executive": owner.pk} if owner else {"executive": "all"}

    def url(name: str, params: Mapping[str, Any]) -> str:
        return reverse(name) + "?" + urlencode(params, doseq=True)

    return {
        "open": url("crm:opportunity_list", {"stage": list(OPEN_STAGES), **owner_param}),
        "follow_up": url("crm:opportunity_list", {"follow_up": "on", **owner_param}),
        "won_month": url("crm:report_sales", {"periodo": "mes", **report_param}),
        "won_quarter": url("crm:report_sales", {"periodo": "trimestre", **report_param}),
        "conversion": url("crm:report_conversion", {"periodo": "trimestre", **report_param}),
        "week": url("crm:activity_week", activity_param),
        "overdue": url("crm:activity_list", activity_param),
    }


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # People outside sales (Operaciones, Finanzas, Legal) land on their notifications.
    if VIEW not in module_rights(request.user, "dashboard"):
        return redirect("accounts:notifications")
    team_view = is_manager(request.user)
    executives = list(assignable_executives()) if team_view else []
    chosen = next((u for u in executives if str(u.pk) == request.GET.get("ejecutivo")), None)
    settings = CompanySettings.load()
    owner = chosen if team_view else request.user
    # One set of aggregates for the figures, the charts and the team table.
    currency = display_currency(request.user, settings)
    aggregates = dashboard_aggregates(user=request.user, executive=chosen, currency=currency)
    team = team_table(user=request.user, aggregates=aggregates) if team_view and not chosen else []
    trends = trend_figures(user=request.user, executive=chosen, aggregates=aggregates)
    # Metas: the team's (or one executive's, or the user's own) for this month or quarter.
    goals = current_goal_board(
        executives=goal_people(user=request.user, executive=owner, team=executives),
        today=timezone.localdate(),
        currency=currency,
    )
    # The board's rows are the executives' (only its `team` row has none).
    goal_rows = (
        {row.executive.pk: row for row in goals.rows if row.executive is not None} if goals else {}
    )
    for row in team:
        row["goal"] = goal_rows.get(row["executive"].pk)
    labels = dict(Stage.choices)
    stage_rows = [
        SimpleNamespace(stage=stage, label=str(labels[stage]), count=count, total=total)
        for stage, count, total in trends["stages"]
    ]
    links = _links(owner)
    funnel = charts.funnel_chart(
        chart_id="dashboard-funnel",
        stages=stage_rows,
        href=lambda row: (
            reverse("crm:opportunity_list")
            + "?"
            + urlencode({"stage": row.stage, **({"owner": owner.pk} if owner else {})})
        ),
    )
    won_chart = charts.grouped_bar_chart(
        chart_id="dashboard-won",
        title=_("Won per month"),
        description=_("Value won in each of the last six months."),
        categories=[charts.month_label(month) for month, _value in trends["won_by_month"]],
        series=[(_("Value won"), [value for _month, value in trends["won_by_month"]])],
    )
    context = {
        "figures": home_figures(user=request.user),
        "sales": sales_figures(user=request.user, executive=chosen, aggregates=aggregates),
        "trends": trends,
        "links": links,
        "funnel": funnel,
        "won_chart": won_chart,
        "team": team,
        "team_view": team_view,
        "goals": goals,
        "goal": (goals.team if owner is None else goals.rows[0]) if goals else None,
        "executives": executives,
        "chosen_executive": chosen,
        "currency": currency,
        "expiring_quotes": list(
            quotes_expiring_for(user=request.user, days=settings.quote_expiry_notice_days)
        ),
    }
    return render(request, "dashboard/home.html", context)
