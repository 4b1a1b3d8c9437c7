from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import VIEW
from config.pagination import paginate
from contractors_ro.filters import ContractorFilter
from contractors_ro.selectors import contractor_list, get_contractor_for_user_or_404


@require_GET
@module_required("contractors", VIEW)
def contractor_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = ContractorFilter(request.GET)
    contractors = contractor_list(user=request.user, filters=filterset)
    context = {"filter": filterset, "page_obj": paginate(request, contractors)}
    template = "contractors_ro/contractor_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_GET
@module_required("contractors", VIEW)
def contractor_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contractor = get_contractor_for_user_or_404(user=request.user, pk=pk)
    return render(request, "contractors_ro/contractor_detail.html", {"contractor": contractor})
