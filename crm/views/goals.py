""" "Metas": targets per executive for a month or a quarter and the progress against them.
A manager sets the team's; an executive sees their own."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Currency
from accounts.roles import VIEW, is_manager
from crm.forms.goals import GoalFormSet, GoalPeriodForm
from crm.models import GoalPeriod
from crm.models.goals import period_months
from crm.money import display_currency, original_amount, original_currency
from crm.reports.filters import add_months
from crm.reports.goals import GoalRow, goal_board, goal_people
from crm.services.goals import goals_save


def _url(period: str, start: date) -> str:
    query = urlencode({"periodo": period, "inicio": start.strftime("%Y-%m")})
    return f"{reverse('crm:goal_list')}?{query}"


def _executive_pk(row: GoalRow) -> int:
    """Whose row of the board it is: only the team's total (board.team) has no executive."""
    assert row.executive is not None
    return row.executive.pk


@require_http_methods(["GET", "POST"])
@module_required("crm", VIEW)
def goal_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    period, start = GoalPeriodForm(request.GET).period()
    manager = is_manager(request.user)
    executives = goal_people(user=request.user)
    currency = display_currency(request.user)
    board = goal_board(period=period, start=start, executives=executives, currency=currency)
    formset = None
    if manager:
        initial = [
            {
                "executive": _executive_pk(row),
                # The target as the manager typed it, in its own currency.
                "won_value": original_amount(row.goal, "won_value") if row.goal else None,
                "won_value_currency": original_currency(row.goal, "won_value")
                if row.goal
                else Currency.USD,
                "new_opportunities": row.new_opportunities_target,
                "activities": row.activities_target,
            }
            for row in board.rows
        ]
        formset = GoalFormSet(request.POST or None, initial=initial, prefix="metas")
        if request.method == "POST" and formset.is_valid():
            try:
                goals_save(
                    user=request.user,
                    period=period,
                    starts_on=start,
                    goals=[form.goal_input() for form in formset],
                )
            except ValidationError as error:
                # A valid formset has no errors of its own yet: these become them.
                formset.non_form_errors().extend(error.messages)
            else:
                messages.success(request, _("Goals saved."))
                return redirect(_url(period, start))
    elif request.method == "POST":
        raise PermissionDenied
    # Each executive's inputs by their id (a tampered POST cannot shift rows onto others).
    forms = {str(form["executive"].value()): form for form in formset} if formset else {}
    step = period_months(period)
    context = {
        "board": board,
        "currency": currency,
        "rows": [(row, forms.get(str(_executive_pk(row)))) for row in board.rows],
        "formset": formset,
        "period": period,
        "periods": GoalPeriod.choices,
        "start": start,
        "previous_url": _url(period, add_months(start, -step)),
        "next_url": _url(period, add_months(start, step)),
        "other_period_url": _url(
            GoalPeriod.QUARTER if period == GoalPeriod.MONTH else GoalPeriod.MONTH, start
        ),
    }
    return render(request, "crm/goal_list.html", context)
