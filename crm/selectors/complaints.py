"""Reads of complaints ("reclamos"), scoped through their client and opportunity."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from crm.models import Complaint, ComplaintStatus
from crm.selectors.scope import linked_to_visible

OPEN_STATUSES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


def complaints_visible_to(*, user) -> QuerySet[Complaint]:
    """Live complaints of visible clients, and of visible opportunities when linked."""
    complaints = linked_to_visible(Complaint.objects.all(), user=user)
    return complaints.select_related("client", "assigned_to", "owner")


def get_complaint_for_user_or_404(*, user, pk: int) -> Complaint:
    queryset = complaints_visible_to(user=user).select_related(
        "opportunity", "project", "source_activity", "created_by"
    )
    return get_object_or_404(queryset, pk=pk)
