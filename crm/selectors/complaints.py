"""Reads of complaints ("reclamos"), scoped through their client and opportunity."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Value
from django.shortcuts import get_object_or_404

from accounts.models import User
from crm.models import Complaint, ComplaintStatus
from crm.selectors.scope import linked_to_visible, user_can_edit_linked, with_linked_edit_flag

if TYPE_CHECKING:  # crm.filters.complaints imports this module (OPEN_STATUSES)
    from crm.filters.complaints import ComplaintFilter

OPEN_STATUSES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


def complaints_visible_to(*, user: User) -> QuerySet[Complaint]:
    """Live complaints of visible clients, and of visible opportunities when linked."""
    complaints = linked_to_visible(Complaint.objects.all(), user=user)
    return complaints.select_related("client", "assigned_to", "owner")


def complaint_list(*, user: User, filters: "ComplaintFilter") -> QuerySet[Complaint]:
    """The complaint list (Reclamos): the user's complaints narrowed and ordered by
    `filters` (the list's bound ComplaintFilter, whose form the view shows). The filters
    apply here, to the user's scope (never `filters.qs`, which knows no scope); an invalid
    filter gives an empty list, never a crash."""
    visible = complaints_visible_to(user=user)
    if not filters.is_valid():
        return visible.none()
    return filters.filter_queryset(visible)


def _with_page_details(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return complaints.select_related("opportunity", "project", "source_activity", "created_by")


def get_complaint_for_user_or_404(*, user: User, pk: int) -> Complaint:
    """The complaint, with `user_can_edit` (it follows its client or opportunity)."""
    queryset = with_linked_edit_flag(
        _with_page_details(complaints_visible_to(user=user)), user=user
    )
    return get_object_or_404(queryset, pk=pk)


def get_editable_complaint_or_403(*, user: User, pk: int) -> Complaint:
    """A complaint for a write URL: out of scope 404, visible but not editable 403."""
    complaint = get_complaint_for_user_or_404(user=user, pk=pk)
    if not user_can_edit_linked(user=user, record=complaint):
        raise PermissionDenied
    return complaint


def complaints_notified_to(*, user: User) -> QuerySet[Complaint]:
    """The live complaints the user received a notification about: what a hand-off area
    (Operaciones, Finanzas, Legal, Calidad) may open, read-only, without the CRM module."""
    notified = user.notifications.filter(complaint__isnull=False).values("complaint_id")
    complaints = Complaint.objects.filter(pk__in=notified, client__deleted_at__isnull=True)
    return complaints.select_related("client", "assigned_to", "owner")


def get_notified_complaint_or_403(*, user: User, pk: int) -> Complaint:
    """A complaint for a hand-off user: only one they were notified about (else 403, like
    any other CRM page for them)."""
    complaints = _with_page_details(complaints_notified_to(user=user))
    # Read-only for them: the same flag as get_complaint_for_user_or_404's, in the query.
    complaint = complaints.annotate(user_can_edit=Value(False)).filter(pk=pk).first()
    if complaint is None:
        raise PermissionDenied
    return complaint
