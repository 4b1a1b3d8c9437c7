"""Reads of contractors. Commercial roles see every contractor (the seed: "Ver contratistas")."""

from django.db.models import Count, F, Prefetch, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from accounts.models import User
from contractors_ro.filters import ContractorFilter
from contractors_ro.models import Contractor
from projects_ro.selectors import projects_visible_to


def contractors_visible_to(*, user: User) -> QuerySet[Contractor]:
    return Contractor.objects.all()


def contractor_list(
    *, user: User, params: QueryDict
) -> tuple[ContractorFilter, QuerySet[Contractor]]:
    """The filtered list with each contractor's project count computed in the same query."""
    base = (
        contractors_visible_to(user=user)
        .annotate(project_count=Count("projects"))
        .order_by("name", "pk")
    )
    specialties = list(
        Contractor.objects.order_by("specialty").values_list("specialty", flat=True).distinct()
    )
    filterset = ContractorFilter(params, queryset=base, specialties=specialties)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return filterset, queryset


def get_contractor_for_user_or_404(*, user: User, pk: int) -> Contractor:
    # Latest first and undated last, on SQLite and PostgreSQL alike (they disagree by default).
    projects = projects_visible_to(user=user).order_by(
        F("start_date").desc(nulls_last=True), "code"
    )
    queryset = contractors_visible_to(user=user).prefetch_related(
        Prefetch("projects", queryset=projects)
    )
    return get_object_or_404(queryset, pk=pk)
