"""Reads of contractors. Commercial roles see every contractor (the seed: "Ver contratistas")."""

from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from contractors_ro.models import Contractor
from projects_ro.selectors import projects_visible_to

if TYPE_CHECKING:  # contractors_ro.filters imports this module (contractor_specialties)
    from contractors_ro.filters import ContractorFilter


def contractors_visible_to(*, user: User) -> QuerySet[Contractor]:
    return Contractor.objects.all()


def contractor_specialties() -> list[str]:
    """The specialties on file, in order: the choices of the list's "Especialidad" filter."""
    return list(
        Contractor.objects.order_by("specialty").values_list("specialty", flat=True).distinct()
    )


def contractor_list(*, user: User, filters: "ContractorFilter") -> QuerySet[Contractor]:
    """The contractor list (Contratistas): the user's contractors with each one's project
    count computed in the same query, narrowed and ordered by `filters` (the list's bound
    ContractorFilter: the view parses the request into it and shows its form).

    The filters apply here, to the user's scope (never `filters.qs`, which knows no user);
    an invalid filter gives an empty list, never a crash.
    """
    base = (
        contractors_visible_to(user=user)
        .annotate(project_count=Count("projects"))
        .order_by("name", "pk")
    )
    if not filters.is_valid():
        return base.none()
    return filters.filter_queryset(base)


def get_contractor_for_user_or_404(*, user: User, pk: int) -> Contractor:
    # Latest first and undated last, on SQLite and PostgreSQL alike (they disagree by default).
    projects = projects_visible_to(user=user).order_by(
        F("start_date").desc(nulls_last=True), "code"
    )
    queryset = contractors_visible_to(user=user).prefetch_related(
        Prefetch("projects", queryset=projects)
    )
    return get_object_or_404(queryset, pk=pk)
