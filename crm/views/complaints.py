"""Reclamos: list, new, page and follow-up to resolution."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import ADD, CHANGE, VIEW, module_rights
from config.pagination import paginate
from crm.concurrency import StaleVersionError
from crm.filters.complaints import ComplaintFilter
from crm.forms.complaints import ComplaintCreateForm, ComplaintCreateQuery, ComplaintUpdateForm
from crm.history import changes_since
from crm.selectors.clients import get_client_for_user_or_404
from crm.selectors.complaints import (
    complaint_list,
    get_complaint_for_user_or_404,
    get_editable_complaint_or_403,
    get_notified_complaint_or_403,
)
from crm.selectors.scope import user_can_edit_linked
from crm.services.complaints import complaint_create, complaint_update


@require_GET
@module_required("crm", VIEW)
def complaint_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = request.GET.copy()
    params.setdefault("status", "pending")
    filterset = ComplaintFilter(params)
    complaints = complaint_list(user=request.user, filters=filterset)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, complaints),
        "can_add": ADD in module_rights(request.user, "crm"),
    }
    template = "crm/complaint_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _apply_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
def complaint_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {}
    if (client_id := ComplaintCreateQuery(request.GET).values()["client"]) is not None:
        initial["client"] = get_client_for_user_or_404(user=request.user, pk=client_id)
    form = ComplaintCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "client"}
        try:
            complaint = complaint_create(
                user=request.user, client=form.cleaned_data["client"], data=data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The complaint was registered and the area notified."))
            return redirect(complaint)
    return render(request, "crm/complaint_form.html", {"form": form})


@require_GET
@login_required
def complaint_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The complaint and how its resolution goes. Without the CRM module (a hand-off area)
    only a complaint the user was notified about opens, read-only; anything else 403."""
    handoff = VIEW not in module_rights(request.user, "crm")
    if handoff:
        complaint = get_notified_complaint_or_403(user=request.user, pk=pk)
    else:
        complaint = get_complaint_for_user_or_404(user=request.user, pk=pk)
    history = complaint.client.change_records.filter(
        content_type__model="complaint", object_id=complaint.pk
    ).select_related("changed_by")[:50]
    context = {
        "complaint": complaint,
        "history": history,
        "can_edit": CHANGE in module_rights(request.user, "crm")
        and user_can_edit_linked(user=request.user, record=complaint),
        "handoff": handoff,
    }
    return render(request, "crm/complaint_detail.html", context)


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def complaint_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Follow up a complaint: out of scope 404, visible but its parent not editable 403."""
    complaint = get_editable_complaint_or_403(user=request.user, pk=pk)
    form = ComplaintUpdateForm(request.POST or None, instance=complaint)
    changes = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        version = form.cleaned_data["version"]
        try:
            complaint_update(
                user=request.user, complaint_id=complaint.pk, expected_version=version, data=data
            )
        except StaleVersionError as stale:
            changes = list(changes_since(instance=stale.current, version=version))
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form.data = data
            form.add_error(
                None,
                _(
                    "Someone else changed this complaint while you were typing. Review their"
                    " changes below; saving again keeps yours."
                ),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The complaint was updated."))
            return redirect(complaint)
    context = {"form": form, "complaint": complaint, "changes": changes}
    return render(request, "crm/complaint_edit.html", context)
