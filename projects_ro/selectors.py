"""Reads of projects. Commercial roles see every project (the seed: "Ver proyectos")."""

from django.db.models import Count, F, QuerySet
from django.shortcuts import get_object_or_404

from projects_ro.filters import ProjectFilter
from projects_ro.models import Project


def projects_visible_to(*, user) -> QuerySet[Project]:
    return Project.objects.select_related("client")


def project_list(*, user, params) -> tuple[ProjectFilter, QuerySet[Project]]:
    """The filtered list with the contractor count computed in the same query."""
    base = (
        projects_visible_to(user=user)
        .annotate(contractor_count=Count("contractors"))
        # Undated projects last, on SQLite and PostgreSQL alike (they disagree by default).
        .order_by(F("start_date").desc(nulls_last=True), "code")
    )
    filterset = ProjectFilter(params, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return filterset, queryset


def get_project_for_user_or_404(*, user, pk: int) -> Project:
    queryset = projects_visible_to(user=user).prefetch_related("contractors")
    return get_object_or_404(queryset, pk=pk)
