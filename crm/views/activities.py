"""CRM → Actividades: "Mis actividades" (overdue, today, this week, later, recently done), the
week view, a new activity, an activity's page, and the actions on a planned activity (mark it
done, reschedule, cancel), each in place through htmx with a plain page as fallback; and the
post-sale steps of "Realizar Seguimiento Post-Venta" (create the reclamo, create the
opportunity and schedule its meeting).
"""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Currency
from accounts.roles import ADD, CHANGE, VIEW, module_rights
from config.pagination import paginate
from crm.concurrency import StaleVersionError
from crm.filters.activities import ActivityFilter
from crm.forms.activities import (
    ActivityForm,
    CancelForm,
    ComplaintFromActivityForm,
    CompleteForm,
    RescheduleForm,
    UpsellForm,
    WeekForm,
    week_param,
)
from crm.models import WHOLE_TEAM, Activity
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.opportunities.services import opportunity_create
from crm.selectors.activities import (
    SECTIONS,
    AgendaBounds,
    activities_visible_to,
    activity_list,
    agenda_sections,
    get_activity_for_user_or_404,
    get_editable_activity_or_403,
    no_answer_offer,
    section_activities,
    week_days,
)
from crm.selectors.scope import user_can_edit_linked
from crm.services.activities import (
    activity_cancel,
    activity_complete,
    activity_create,
    activity_reschedule,
)
from crm.services.complaints import complaint_from_activity

ROW_TEMPLATE = "crm/_activity_row.html"
# "Nueva actividad": what a change of the type, the client or planned/done redraws (htmx),
# only the fields that depend on it, so what the user typed elsewhere meanwhile stays.
DRAFT_PARTS = {
    "type": "crm/_activity_type_fields.html",
    "client": "crm/activity_form.html#client_fields",
    "status": "crm/activity_form.html#when",
}
STALE_MESSAGE = gettext_lazy(
    "Someone else changed this activity while you were typing. Nothing was saved: check "
    "the form and save again."
)


def _rights(request: AuthenticatedHttpRequest, activity: Activity | None = None) -> dict:
    """The role's rights; for one activity, narrowed by whether the user may change its
    parent (`user_can_edit` of the row, see crm.selectors.scope)."""
    rights = module_rights(request.user, "crm")
    editable = activity is None or user_can_edit_linked(user=request.user, record=activity)
    return {"can_change": CHANGE in rights and editable, "can_add": ADD in rights and editable}


def _detail_url(activity: Activity) -> str:
    return reverse("crm:activity_detail", args=[activity.pk])


def _row(request: AuthenticatedHttpRequest, activity: Activity, **extra: Any) -> HttpResponse:
    """One activity's row, swapped by htmx in place of its inline form."""
    fresh = get_activity_for_user_or_404(user=request.user, pk=activity.pk)
    context = {"activity": fresh, **_rights(request, fresh), **extra}
    return render(request, ROW_TEMPLATE, context)


def _action_form(
    request: AuthenticatedHttpRequest, name: str, activity: Activity, form: Form
) -> HttpResponse:
    """An action's form: in place of the activity's row for htmx, else as a page of its own
    (which posts without htmx and ends on the activity's page)."""
    template = f"crm/{name}.html" + ("#form" if request.htmx else "")
    context = {"activity": activity, "form": form, "inline": bool(request.htmx)}
    return render(request, template, context)


def _not_planned(request: AuthenticatedHttpRequest, activity: Activity) -> HttpResponse:
    """An action on an activity already done or cancelled (by someone else, or twice)."""
    if request.htmx:
        return _row(request, activity)
    messages.info(request, _("This activity is no longer planned: it was done or cancelled."))
    return redirect(_detail_url(activity))


@require_GET
@module_required("crm", VIEW)
def activity_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Mis actividades"; ?section=<key> lists one section page by page ("Ver más")."""
    filterset = ActivityFilter(request.GET, user=request.user)
    activities = activity_list(user=request.user, filters=filterset)
    bounds = AgendaBounds.at()
    context = {"filter": filterset, **_rights(request)}
    section = next((spec for spec in SECTIONS if spec.key == request.GET.get("section")), None)
    if section is not None:
        rows = section_activities(activities, section.key, bounds, user=request.user)
        context.update(section=section, page_obj=paginate(request, rows))
    else:
        context["sections"] = agenda_sections(activities, bounds=bounds, user=request.user)
    template = "crm/activity_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_GET
@module_required("crm", VIEW)
def activity_week_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Monday to Sunday of the user's planned and done activities (?week=2026-W11 or
    ?date=2026-03-11); a manager may look at an executive's week or the team's."""
    form = WeekForm(request.GET or None, user=request.user)
    monday = form.monday()
    activities = activities_visible_to(user=request.user).owned_by(
        user=request.user, executive=form.chosen_executive()
    )
    context = {
        "form": form,
        "days": week_days(
            activities, monday=monday, whole_team=form.chosen_executive() == WHOLE_TEAM
        ),
        "monday": monday,
        "shown_week": week_param(monday),
        "sunday": monday + timedelta(days=6),
        "previous_week": week_param(monday - timedelta(days=7)),
        "next_week": week_param(monday + timedelta(days=7)),
        "this_week": week_param(timezone.localdate()),
        **_rights(request),
    }
    return render(request, "crm/activity_week.html", context)


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
def activity_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Nueva actividad" (?client=, ?opportunity=, ?type= prefill it). Changing the type,
    the client or planned/done sends the form back as a draft (htmx, or the no-JavaScript
    "Actualizar" button) to show that type's fields and that client's options."""
    template = "crm/activity_form.html"
    if request.method == "GET":
        form = ActivityForm.prefilled(user=request.user, params=request.GET)
        return render(request, template, {"form": form})
    if "refresh" in request.POST:
        form = ActivityForm(request.POST, user=request.user, draft=True)
        if request.htmx:
            part = DRAFT_PARTS.get(request.POST["refresh"], f"{template}#form")
            return render(request, part, {"form": form})
        return render(request, template, {"form": form})
    form = ActivityForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            activity = activity_create(
                user=request.user,
                client=form.cleaned_data["client"],
                opportunity=form.cleaned_data["opportunity"],
                data=form.activity_input(),
                result=form.activity_result(),
                next_activity=form.follow_up(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Activity saved."))
            return redirect(_detail_url(activity))
    return render(request, template, {"form": form})


@require_GET
@module_required("crm", VIEW)
def activity_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything recorded about an activity, with its actions; ?row=1 (htmx) gives its row
    of "Mis actividades" back (closing an inline form)."""
    activity = get_activity_for_user_or_404(user=request.user, pk=pk)
    rights = _rights(request, activity)
    if request.htmx and request.GET.get("row"):
        return render(request, ROW_TEMPLATE, {"activity": activity, **rights})
    context = {
        "activity": activity,
        "no_answer": no_answer_offer(activity) if rights["can_change"] else None,
        **rights,
    }
    return render(request, "crm/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def activity_complete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Marcar como realizada": the result by type, in place of the row (htmx) or as a page."""
    activity = get_editable_activity_or_403(user=request.user, pk=pk)
    if not activity.is_planned:
        return _not_planned(request, activity)
    if request.method == "GET":
        return _action_form(request, "activity_complete", activity, CompleteForm(activity=activity))
    form = CompleteForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            activity_complete(
                user=request.user,
                activity_id=activity.pk,
                expected_version=form.cleaned_data["version"],
                result=form.result(),
                next_activity=form.next_activity(
                    subject=activity.subject, contact=activity.contact
                ),
            )
        except StaleVersionError as error:
            if not error.current.is_planned:
                return _not_planned(request, activity)
            form = form.rebased(data=request.POST, current=error.current)
            form.add_error(None, STALE_MESSAGE)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _completed(request, activity, answered=form.result().answered)
    return _action_form(request, "activity_complete", activity, form)


def _completed(
    request: AuthenticatedHttpRequest, activity: Activity, *, answered: bool | None
) -> HttpResponse:
    done = get_activity_for_user_or_404(user=request.user, pk=activity.pk)
    offer = no_answer_offer(done) if answered is False else None
    if request.htmx:
        return render(
            request, ROW_TEMPLATE, {"activity": done, "no_answer": offer, **_rights(request, done)}
        )
    messages.success(request, _("Activity marked as done."))
    return redirect(_detail_url(done))


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def activity_reschedule_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Reprogramar": a new date and time, in the future."""
    activity = get_editable_activity_or_403(user=request.user, pk=pk)
    if not activity.is_planned:
        return _not_planned(request, activity)
    form = RescheduleForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity_reschedule(
                user=request.user,
                activity_id=activity.pk,
                expected_version=form.cleaned_data["version"],
                scheduled_at=form.cleaned_data["scheduled_at"],
            )
        except StaleVersionError as error:
            if not error.current.is_planned:
                return _not_planned(request, activity)
            form = form.rebased(data=request.POST, current=error.current)
            form.add_error(None, STALE_MESSAGE)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if request.htmx:
                return _row(request, activity)
            messages.success(request, _("Activity rescheduled."))
            return redirect(_detail_url(activity))
    return _action_form(request, "activity_reschedule", activity, form)


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def activity_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Cancelar": asks for confirmation, then cancels the planned activity."""
    activity = get_editable_activity_or_403(user=request.user, pk=pk)
    if not activity.is_planned:
        return _not_planned(request, activity)
    form = CancelForm(request.POST or None, initial={"version": activity.version})
    if request.method == "POST" and form.is_valid():
        try:
            activity_cancel(
                user=request.user,
                activity_id=activity.pk,
                expected_version=form.cleaned_data["version"],
            )
        except (StaleVersionError, ValidationError):
            return _not_planned(request, activity)
        if request.htmx:
            return _row(request, activity)
        messages.success(request, _("Activity cancelled."))
        return redirect("crm:activity_list")
    return _action_form(request, "activity_cancel", activity, form)


# Post-sale ---------------------------------------------------------------------------------


def _post_sale_step_unavailable(
    request: AuthenticatedHttpRequest, activity: Activity, text: str
) -> HttpResponse | None:
    if activity.is_done and activity.is_satisfaction_check and text.strip():
        return None
    messages.info(request, _("This step needs a done satisfaction activity that records it."))
    return redirect(_detail_url(activity))


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
def activity_complaint_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Si hay problemas": a reclamo prefilled from the satisfaction activity; the area
    responsible is notified."""
    activity = get_editable_activity_or_403(user=request.user, pk=pk)
    unavailable = _post_sale_step_unavailable(request, activity, activity.problems)
    if unavailable:
        return unavailable
    form = ComplaintFromActivityForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_from_activity(
                user=request.user,
                activity=activity,
                area=form.cleaned_data["area"],
                priority=form.cleaned_data["priority"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = _("Complaint created. %(area)s was notified.")
            messages.success(request, text % {"area": complaint.get_area_display()})
            return redirect(complaint.get_absolute_url())
    context = {
        "activity": activity,
        "form": form,
        "subject": _("Problem found in: %(activity)s") % {"activity": activity.subject},
    }
    return render(request, "crm/activity_complaint.html", context)


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
def activity_upsell_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Si hay oportunidades": a new opportunity for the client and its meeting."""
    activity = get_editable_activity_or_403(user=request.user, pk=pk)
    unavailable = _post_sale_step_unavailable(request, activity, activity.upselling)
    if unavailable:
        return unavailable
    form = UpsellForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_create(
                user=request.user, data=form.opportunity_data(), next_activity=form.meeting()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Opportunity %(name)s created and its meeting scheduled.")
                % {"name": opportunity},
            )
            if opportunities_visible_to(user=request.user).filter(pk=opportunity.pk).exists():
                return redirect(opportunity)
            return redirect("crm:opportunity_list")
    # The new opportunity's value is typed in USD (its currency when none is chosen).
    context = {"activity": activity, "form": form, "currency": Currency.USD}
    return render(request, "crm/activity_upsell.html", context)
