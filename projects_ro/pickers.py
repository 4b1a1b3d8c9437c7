"""The project kinds of the searchable pickers (crm.selectors.pickers), registered in
ProjectsConfig.ready: projects_ro sits above crm, so crm never imports it."""

from django.db.models import QuerySet

from crm.selectors.pickers import Pick, PickerKind
from projects_ro.filters import ProjectFilter
from projects_ro.models import Project
from projects_ro.selectors import projects_of_visible_clients, projects_visible_to

PROJECT_ONLY = ("id", "code", "name", "client__id", "client__name")


def _search_projects(rows: QuerySet[Project], value: str) -> QuerySet[Project]:
    # The project list's own search (code, name, client, manager, location).
    return ProjectFilter({"q": value}, queryset=rows).qs


def _project_pick(row: Project) -> Pick:
    shown = getattr(row, "client_visible", True)
    return Pick(row.pk, str(row), row.client.name if shown else "")


KINDS: dict[str, PickerKind[Project]] = {
    # Any project (a document's), its client named only when the user sees it.
    "project": PickerKind(
        scope=lambda user: projects_visible_to(user=user),
        search=_search_projects,
        pick=_project_pick,
        only=PROJECT_ONLY,
        order=("code",),
        by_client=True,
    ),
    # A project of a client the user sees (a complaint's).
    "client-project": PickerKind(
        scope=lambda user: projects_of_visible_clients(user=user).select_related("client"),
        search=_search_projects,
        pick=_project_pick,
        only=PROJECT_ONLY,
        order=("code",),
        by_client=True,
    ),
}
