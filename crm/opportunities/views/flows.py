"""The three flows of an opportunity, each a page with its form: "Dar Seguimiento a
Oportunidad", "Cerrar Venta" and "Gestionar Oportunidad Perdida".

The forms carry the opportunity's version: when someone else saved it meanwhile, the page
comes back with what the user typed, the other person's changes and the new version, and
nothing is overwritten.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import CHANGE, Role
from crm.concurrency import StaleVersionError
from crm.history import changes_since
from crm.models import Opportunity, Stage
from crm.money import display_currency
from crm.opportunities.forms.flows import FlowForm, FollowUpForm, LoseForm, WinForm
from crm.opportunities.selectors.flows import (
    competitor_names,
    follow_up_days_by_stage,
    handoff_audience,
)
from crm.opportunities.selectors.visibility import (
    get_editable_opportunity_or_403,
    get_opportunity_for_user_or_404,
)
from crm.opportunities.services import opportunity_log_follow_up, opportunity_move_stage
from crm.stage_rules import RULE_TO_LEAVE, needs_bant

FOLLOW_UP_TEMPLATE = "crm/opportunity_follow_up.html"
WIN_TEMPLATE = "crm/opportunity_win.html"
LOSE_TEMPLATE = "crm/opportunity_lose.html"


@dataclass
class Submission:
    """What happened to a posted flow form: saved, or the form to show again (with the
    changes others made when the version was stale)."""

    saved: bool
    form: FlowForm
    opportunity: Opportunity
    conflict: list | None = None


def _submit(
    request: AuthenticatedHttpRequest, *, opportunity: Opportunity, form: FlowForm, save: Callable
) -> Submission:
    if not form.is_valid():
        return Submission(saved=False, form=form, opportunity=opportunity)
    try:
        save(form)
    except StaleVersionError:
        version = form.cleaned_data["version"]
        changes = list(changes_since(instance=opportunity, version=version))
        current = get_opportunity_for_user_or_404(user=request.user, pk=opportunity.pk)
        rebased = form.rebased(data=request.POST, current=current)
        return Submission(saved=False, form=rebased, opportunity=current, conflict=changes)
    except ValidationError as error:
        form.add_service_error(error)
        return Submission(saved=False, form=form, opportunity=opportunity)
    return Submission(saved=True, form=form, opportunity=opportunity)


def _page(
    request: AuthenticatedHttpRequest, template: str, submission: Submission, **extra: Any
) -> HttpResponse:
    context = {
        "opportunity": submission.opportunity,
        "form": submission.form,
        "conflict": submission.conflict,
        "currency": display_currency(request.user),
        **extra,
    }
    return render(request, template, context)


def _already_closed(request: AuthenticatedHttpRequest, opportunity: Opportunity) -> HttpResponse:
    messages.info(
        request,
        _("%(name)s is already closed (%(stage)s).")
        % {"name": opportunity.name, "stage": opportunity.get_stage_display()},
    )
    return redirect(opportunity)


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def follow_up_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Dar Seguimiento": the activity done, the probability, the stage and the next
    activity in one step. An htmx GET with `refresh` redraws the suggestion when the stage
    select changes, and the date only while it still is the suggested one."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    if not opportunity.is_open:
        return _already_closed(request, opportunity)
    days = follow_up_days_by_stage()
    if request.method == "GET" and request.htmx and "refresh" in request.GET:
        form = FollowUpForm.with_suggestion_for_stage(
            request.GET, opportunity=opportunity, follow_up_days=days
        )
        return render(request, f"{FOLLOW_UP_TEMPLATE}#suggestion", {"form": form})
    if request.method == "GET":
        form = FollowUpForm(opportunity=opportunity, follow_up_days=days)
        submission = Submission(False, form, opportunity)
    else:
        submission = _submit(
            request,
            opportunity=opportunity,
            form=FollowUpForm(request.POST, opportunity=opportunity, follow_up_days=days),
            save=lambda form: opportunity_log_follow_up(
                user=request.user, opportunity_id=opportunity.pk, **form.service_kwargs()
            ),
        )
    if submission.saved:
        to_stage = submission.form.cleaned_data["to_stage"]
        if to_stage:
            text = _("Follow-up saved. The opportunity is now in %(stage)s.")
            messages.success(request, text % {"stage": Stage(to_stage).label})
        else:
            messages.success(request, _("Follow-up saved."))
        return redirect(opportunity)
    current = submission.opportunity
    return _page(
        request,
        FOLLOW_UP_TEMPLATE,
        submission,
        stage_rules=list(RULE_TO_LEAVE.values()),
        bant_missing=needs_bant(current, to_stage=Stage.QUALIFICATION),
    )


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def win_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Cerrar Venta": moves the opportunity to Ganada with the sale's details, notifies
    Operaciones, Finanzas (and Legal) and schedules the post-sale follow-up."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    if not opportunity.is_open:
        return _already_closed(request, opportunity)
    if request.method == "GET":
        submission = Submission(False, WinForm(opportunity=opportunity), opportunity)
    else:
        submission = _submit(
            request,
            opportunity=opportunity,
            form=WinForm(request.POST, opportunity=opportunity),
            save=lambda form: opportunity_move_stage(
                user=request.user,
                opportunity_id=opportunity.pk,
                expected_version=form.cleaned_data["version"],
                to_stage=Stage.WON,
                won=form.won_details(),
                follow_up=form.planned_activity(contact=opportunity.contact),
                cancel_activities=form.activities_to_cancel(),
            ),
        )
    if submission.saved:
        if submission.form.cleaned_data["requires_contract"]:
            text = _("Sale closed. Operations, Finance and Legal were notified.")
        else:
            text = _("Sale closed. Operations and Finance were notified.")
        messages.success(request, text)
        return redirect(opportunity)
    audience = handoff_audience()
    areas = [
        (Role.OPERATIONS, _("Operations (for execution)"), audience[Role.OPERATIONS]),
        (Role.FINANCE, _("Finance (for invoicing)"), audience[Role.FINANCE]),
    ]
    return _page(request, WIN_TEMPLATE, submission, areas=areas, legal=audience[Role.LEGAL])


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def lose_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Gestionar Oportunidad Perdida": moves the opportunity to Perdida with the reason,
    the competitor that won (the catalogue grows with new names) and the lessons learned,
    and schedules a future follow-up with the client."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    if not opportunity.is_open:
        return _already_closed(request, opportunity)
    if request.method == "GET":
        submission = Submission(False, LoseForm(opportunity=opportunity), opportunity)
    else:
        submission = _submit(
            request,
            opportunity=opportunity,
            form=LoseForm(request.POST, opportunity=opportunity),
            save=lambda form: opportunity_move_stage(
                user=request.user,
                opportunity_id=opportunity.pk,
                expected_version=form.cleaned_data["version"],
                to_stage=Stage.LOST,
                lost=form.lost_details(),
                follow_up=form.planned_activity(contact=opportunity.contact),
                cancel_activities=form.activities_to_cancel(),
            ),
        )
    if submission.saved:
        messages.success(request, _("%(name)s was marked as lost.") % {"name": opportunity.name})
        planned = submission.form.cleaned_data.get("next_at")
        if submission.form.cleaned_data["schedule"] and planned:
            when = date_format(timezone.localtime(planned), "SHORT_DATETIME_FORMAT")
            messages.info(request, _("Future follow-up scheduled for %(when)s.") % {"when": when})
        return redirect(opportunity)
    return _page(request, LOSE_TEMPLATE, submission, competitor_names=competitor_names())
