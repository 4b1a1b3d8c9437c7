"""Papelera: what the user deleted (everything, for an admin), restorable for RETENTION_DAYS;
after that `manage.py purge_recycle_bin` removes it for good.

Each kind of record is one entry of RECYCLE_BIN (its slug is the URL's `kind`): its
selector (the user's deleted records) and its restore service. A new kind is one entry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import DELETE
from config.pagination import paginate
from crm.models import Client
from crm.opportunities.selectors.visibility import deleted_opportunities_visible_to
from crm.opportunities.services import opportunity_restore
from crm.recycle_bin import RETENTION_DAYS
from crm.selectors.clients import deleted_clients_visible_to
from crm.services import client_restore


@dataclass(frozen=True)
class BinKind[R: Model]:
    label: str | Promise
    deleted_visible_to: Callable[..., QuerySet[R]]  # (user=) -> the user's deleted records
    restore: Callable[..., R]  # (user=, pk=) -> the record; ValidationError if it cannot
    detail: Callable[[R], str]  # a second line that identifies the record


def _client_detail(client: Client) -> str:
    if client.merged_into is None:
        return client.tax_id
    return _("%(tax_id)s · merged into %(survivor)s") % {
        "tax_id": client.tax_id,
        "survivor": client.merged_into.name,
    }


# Any: each entry has its own kind of record; a view reads one entry's rows with its detail.
RECYCLE_BIN: dict[str, BinKind[Any]] = {
    "cliente": BinKind(
        label=gettext_lazy("Clients"),
        deleted_visible_to=deleted_clients_visible_to,
        restore=lambda *, user, pk: client_restore(user=user, client_id=pk),
        detail=_client_detail,
    ),
    "oportunidad": BinKind(
        label=gettext_lazy("Opportunities"),
        deleted_visible_to=deleted_opportunities_visible_to,
        restore=lambda *, user, pk: opportunity_restore(user=user, opportunity_id=pk),
        detail=attrgetter("client.name"),
    ),
}
DEFAULT_KIND = "cliente"


def _bin_kind_or_404(slug: str) -> BinKind:
    if slug not in RECYCLE_BIN:
        raise Http404
    return RECYCLE_BIN[slug]


@require_GET
@module_required("crm", DELETE)
def recycle_bin_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    slug = request.GET.get("tipo", DEFAULT_KIND)
    bin_kind = _bin_kind_or_404(slug)
    records = bin_kind.deleted_visible_to(user=request.user).order_by("-deleted_at", "-pk")
    page_obj = paginate(request, records)
    context = {
        "page_obj": page_obj,
        "items": [(record, bin_kind.detail(record)) for record in page_obj.object_list],
        "slug": slug,
        "tabs": [(key, entry.label) for key, entry in RECYCLE_BIN.items()],
        "show_tabs": len(RECYCLE_BIN) > 1,
        "retention_days": RETENTION_DAYS,
    }
    template = "crm/recycle_bin.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_POST
@module_required("crm", DELETE)
def restore_view(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    bin_kind = _bin_kind_or_404(kind)
    record = get_object_or_404(bin_kind.deleted_visible_to(user=request.user), pk=pk)
    try:
        bin_kind.restore(user=request.user, pk=record.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” was restored.") % {"name": record})
    url = reverse("crm:recycle_bin")
    return redirect(url if kind == DEFAULT_KIND else f"{url}?tipo={kind}")
