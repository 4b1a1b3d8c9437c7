"""Reads of complaints ("reclamos"), scoped through their client and opportunity."""

from django.core.exceptions import PermissionDenied
from django.db.models import Value
from django.shortcuts import get_object_or_404

from accounts.models import User
from crm.filters.complaints import ComplaintFilter
from crm.models import Complaint
from crm.models.complaints import ComplaintQuerySet
from crm.selectors.scope import linked_edit_rule, linked_to_visible, user_can_edit_linked


def complaints_visible_to(*, user: User) -> ComplaintQuerySet:
    """Live complaints of visible clients, and of visible opportunities when linked."""
    complaints = linked_to_visible(Complaint.objects.all(), user=user)
    return complaints.select_related("client", "assigned_to", "owner")


def complaint_list(*, user: User, filters: ComplaintFilter) -> ComplaintQuerySet:
    """The complaint list (Reclamos): the user's complaints narrowed and ordered by
    `filters` (the list's bound ComplaintFilter, whose form the view shows). The filters
    apply here, to the user's scope (never `filters.qs`, which knows no scope); an invalid
    filter gives an empty list, never a crash."""
    visible = complaints_visible_to(user=user)
    if not filters.is_valid():
        return visible.none()
    return filters.filter_queryset(visible)


def get_complaint_for_user_or_404(*, user: User, pk: int) -> Complaint:
    """The complaint, with `user_can_edit` (it follows its client or opportunity)."""
    queryset = complaints_visible_to(user=user).with_page_details()
    return get_object_or_404(queryset.with_edit_flag(linked_edit_rule(user)), pk=pk)


def get_editable_complaint_or_403(*, user: User, pk: int) -> Complaint:
    """A complaint for a write URL: out of scope 404, visible but not editable 403."""
    complaint = get_complaint_for_user_or_404(user=user, pk=pk)
    if not user_can_edit_linked(user=user, record=complaint):
        raise PermissionDenied
    return complaint


def complaints_notified_to(*, user: User) -> ComplaintQuerySet:
    """The live complaints the user received a notification about: what a hand-off area
    (Operaciones, Finanzas, Legal, Calidad) may open, read-only, without the CRM module."""
    notified = user.notifications.filter(complaint__isnull=False).values("complaint_id")
    complaints = Complaint.objects.filter(pk__in=notified, client__deleted_at__isnull=True)
    return complaints.select_related("client", "assigned_to", "owner")


def get_notified_complaint_or_403(*, user: User, pk: int) -> Complaint:
    """A complaint for a hand-off user: only one they were notified about (else 403, like
    any other CRM page for them)."""
    complaints = complaints_notified_to(user=user).with_page_details()
    # Read-only for them: the same flag as get_complaint_for_user_or_404's, in the query.
    complaint = complaints.annotate(user_can_edit=Value(False)).filter(pk=pk).first()
    if complaint is None:
        raise PermissionDenied
    return complaint
