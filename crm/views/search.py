"""The navbar's global search: a full page that works without JavaScript, and the same
results as an htmx partial under the navbar's box while the user types."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import VIEW
from crm.selectors.global_search import DROPDOWN_ROWS, PAGE_ROWS, global_search

# A term this long is not something a person typed into a search box.
MAX_TERM = 100


@require_GET
@module_required("crm", VIEW)
def global_search_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    value = request.GET.get("q", "").strip()[:MAX_TERM]
    dropdown = bool(request.htmx) and request.GET.get("dropdown") == "1"
    groups = global_search(
        user=request.user, value=value, limit=DROPDOWN_ROWS if dropdown else PAGE_ROWS
    )
    context = {"q": value, "groups": groups, "dropdown": dropdown}
    if dropdown:
        return render(request, "crm/_global_search_results.html", context)
    return render(request, "crm/global_search.html", context)
