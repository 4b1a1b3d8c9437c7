from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import VIEW, module_rights
from config.pagination import paginate
from crm.client_tabs import ClientTab
from crm.models import Client
from projects_ro.filters import ProjectFilter
from projects_ro.selectors import get_project_for_user_or_404, project_list, projects_of_client


def _client_tab(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    """The client page's Proyectos tab (crm:client_tab), registered in ProjectsConfig."""
    projects = projects_of_client(client=client)
    return {"page_obj": paginate(request, projects.order_by("-start_date", "code"))}


CLIENT_TAB = ClientTab("proyectos", gettext_lazy("Projects"), "projects", 50, _client_tab)


@require_GET
@module_required("projects", VIEW)
def project_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = ProjectFilter(request.GET)
    projects = project_list(user=request.user, filters=filterset)
    context = {"filter": filterset, "page_obj": paginate(request, projects)}
    template = "projects_ro/project_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_GET
@module_required("projects", VIEW)
def project_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user_or_404(user=request.user, pk=pk)
    context = {
        "project": project,
        "can_see_documents": VIEW in module_rights(request.user, "documents"),
    }
    return render(request, "projects_ro/project_detail.html", context)
