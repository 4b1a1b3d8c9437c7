""" "Fusionar clientes": a manager merges a duplicate into the client whose page they are on."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import CHANGE, is_manager
from crm.concurrency import StaleVersionError
from crm.duplicates import likely_duplicates
from crm.filters.clients import ClientFilter
from crm.forms.client_merge import ClientMergeForm, MergeQuery
from crm.models import Client
from crm.selectors.clients import clients_visible_to, get_client_for_user_or_404
from crm.services.client_merge import client_merge, related_rows

TEMPLATE = "crm/client_merge.html"
CANDIDATES = 10


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def client_merge_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Without `con`: pick the duplicate (likely duplicates, or a search). With `con`: choose
    field by field what survives, see what moves, and confirm."""
    if not is_manager(request.user):
        raise PermissionDenied
    survivor = get_client_for_user_or_404(user=request.user, pk=pk)
    query = MergeQuery({"con": request.GET.get("con") or request.POST.get("con")})
    other_pk = query.values()["con"]
    if other_pk is None or other_pk == survivor.pk:
        return render(request, TEMPLATE, _picker(request, survivor))
    merged = get_client_for_user_or_404(user=request.user, pk=other_pk)
    form = ClientMergeForm(request.POST or None, survivor=survivor, merged=merged)
    if request.method == "POST" and form.is_valid():
        try:
            survivor = client_merge(user=request.user, merge=form.merge_input())
        except StaleVersionError:
            form.add_error(None, _("One of the clients changed meanwhile: review and merge again."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(merged)s was merged into %(survivor)s.")
                % {"merged": merged.name, "survivor": survivor.name},
            )
            return redirect(survivor.get_absolute_url())
    moving = [
        (model._meta.verbose_name_plural, count)
        for model, count in related_rows(merged).items()
        if count
    ]
    context = {"client": survivor, "merged": merged, "form": form, "moving": moving}
    return render(request, TEMPLATE, context)


def _picker(request: AuthenticatedHttpRequest, client: Client) -> dict:
    duplicates = likely_duplicates(
        user=request.user,
        name=client.name,
        tax_id=client.tax_id,
        email=client.email,
        phone=client.phone,
        exclude_pk=client.pk,
    )
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        clients = clients_visible_to(user=request.user).exclude(pk=client.pk)
        found = ClientFilter({"q": query}, queryset=clients).qs.select_related("owner")
        found = list(found.order_by("name", "pk")[:CANDIDATES])
    return {
        "client": client,
        "duplicates": list(duplicates[:CANDIDATES]),
        "query": query,
        "found": found,
    }
