"""The searchable pickers' results (crm.forms.pickers): an htmx fragment of at most
PICKER_ROWS records of one kind, in the user's scope, as they type."""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import VIEW
from crm.forms.base import int_or_none
from crm.forms.pickers import MAX_TYPED
from crm.selectors.pickers import KINDS, picker_search

# The id of the picker's input, echoed into the option ids (never anything else).
_FIELD_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,79}")


@require_GET
@module_required("crm", VIEW)
def picker_view(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    value = request.GET.get("q", "").strip()[:MAX_TYPED]
    raw_client = request.GET.get("client", "").strip()
    # A client that is not a whole number matches nothing (0 is no record's id).
    client_id = (int_or_none(raw_client) or 0) if raw_client else None
    picks, has_more = picker_search(user=request.user, kind=kind, value=value, client_id=client_id)
    field = request.GET.get("field", "")
    context = {
        "picks": picks,
        "has_more": has_more,
        "q": value,
        "field": field if _FIELD_ID.fullmatch(field) else "picker",
    }
    return render(request, "crm/_picker_results.html", context)
