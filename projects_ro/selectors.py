"""Reads of projects. Commercial roles see every project (the seed: "Ver proyectos"), but
not every client: where the company's client visibility is "own only", a project of a
client the user may not see shows no name, RIF/NIT or link of that client."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from accounts.models import User
from crm.models import Client
from crm.selectors.clients import clients_visible_to, sees_every_client
from projects_ro.filters import ProjectFilter
from projects_ro.models import Project


def with_client_visibility(projects: QuerySet[Project], *, user: User) -> QuerySet[Project]:
    """Annotate `client_visible`: whether the user may see the project's client (the same
    scope as `clients_visible_to`, in the same query). Templates show the client only then."""
    if sees_every_client(user=user):
        return projects.annotate(client_visible=Value(True, output_field=BooleanField()))
    visible = Q(client__in=clients_visible_to(user=user).values("pk"))
    return projects.annotate(client_visible=ExpressionWrapper(visible, output_field=BooleanField()))


def projects_visible_to(*, user: User) -> QuerySet[Project]:
    return with_client_visibility(Project.objects.select_related("client"), user=user)


def projects_of_client(*, client: Client) -> QuerySet[Project]:
    """The projects of a client already read from the user's scope (its Proyectos tab)."""
    return Project.objects.filter(client=client).select_related("client")


def projects_of_visible_clients(*, user: User) -> QuerySet[Project]:
    """The projects a user may link a record of a client to (the complaint form's select):
    those of the clients they see."""
    projects = Project.objects.all()
    if sees_every_client(user=user):
        return projects
    return projects.filter(client__in=clients_visible_to(user=user).values("pk"))


def project_list(*, user: User, filters: ProjectFilter) -> QuerySet[Project]:
    """The project list (Proyectos): every project, with whether the user may see its
    client and its contractor count computed in the same query, narrowed and ordered by
    `filters` (the list's bound ProjectFilter: the view parses the request into it and
    shows its form).

    The filters apply here, to the user's scope (never `filters.qs`, which knows no user:
    its search would find projects by a client the user may not see); an invalid filter
    gives an empty list, never a crash.
    """
    base = (
        projects_visible_to(user=user)
        .annotate(contractor_count=Count("contractors"))
        # Undated projects last, on SQLite and PostgreSQL alike (they disagree by default).
        .order_by(F("start_date").desc(nulls_last=True), "code")
    )
    if not filters.is_valid():
        return base.none()
    return filters.filter_queryset(base)


def get_project_for_user_or_404(*, user: User, pk: int) -> Project:
    queryset = projects_visible_to(user=user).prefetch_related("contractors")
    return get_object_or_404(queryset, pk=pk)
