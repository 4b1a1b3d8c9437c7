"""CRM → Clientes: the filtered list, its bulk "Cambiar segmento" action and its exports."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.roles import ADD, CHANGE, VIEW, module_rights
from audit.models import EventKind
from audit.services import record_security_event
from config.filtering import active_filter_count
from config.pagination import paginate
from crm.exports.columns import client_columns, client_rows
from crm.exports.csv import csv_response
from crm.exports.xlsx import StreamedSheet, xlsx_response
from crm.filters.clients import ClientFilter
from crm.forms.base import BoundedModelMultipleChoiceField
from crm.list_columns import CLIENT_COLUMNS
from crm.models import Client, Segment
from crm.models.clients import ClientQuerySet
from crm.money import display_currency
from crm.selectors.clients import client_edit_rule, client_list, clients_visible_to
from crm.services import clients_set_segment

# More than a page holds, far below what would strain a `pk IN (...)` query.
BULK_MAX_CLIENTS = 500


@require_GET
@module_required("crm", VIEW)
def client_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = ClientFilter(request.GET)
    clients = client_list(user=request.user, filters=filterset)
    rights = module_rights(request.user, "crm")
    context = {
        "filter": filterset,
        "columns": CLIENT_COLUMNS.for_user(request.user),
        "page_obj": paginate(request, clients),
        "can_add": ADD in rights,
        "can_change_segment": CHANGE in rights,
        "segments": Segment.choices,
        # The list's filters and order, without the page: what exports and the bulk action
        # carry, so they act on (and come back to) what the user is looking at.
        "list_query": _list_query(request.GET),
        "filtered": active_filter_count(filterset) > 0,
    }
    template = "crm/client_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


# An id the user may not see, of a deleted client, unknown or not a number: one message for
# all, naming none, so that the action never tells whether such a client exists.
NOT_IN_THE_LIST = gettext_lazy(
    "Some of the selected clients are no longer in your list. Reload it and try again."
)


class BulkSegmentForm(forms.Form):
    """The ticked clients, among those the user may see (`clients_visible_to`), and the
    segment to give them. A request carrying any other id is refused whole: nothing changes."""

    # Django's ModelMultipleChoiceField, with the ids checked against the id column first.
    ids = BoundedModelMultipleChoiceField(
        queryset=Client.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": gettext_lazy("Select at least one client to change its segment."),
            "invalid_choice": NOT_IN_THE_LIST,
            "invalid_pk_value": NOT_IN_THE_LIST,
            "invalid_list": NOT_IN_THE_LIST,
        },
    )
    segment = forms.ChoiceField(
        choices=Segment.choices,
        error_messages={
            "required": gettext_lazy("Choose segment A, B or C."),
            "invalid_choice": gettext_lazy("Choose segment A, B or C."),
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = cast(BoundedModelMultipleChoiceField, self.fields["ids"])
        ids.queryset = clients_visible_to(user=user)

    def clean_ids(self) -> ClientQuerySet:
        clients = self.cleaned_data["ids"]
        if len(clients) > BULK_MAX_CLIENTS:  # the rows the field read: no query
            raise ValidationError(
                gettext_lazy("Select at most %(max)s clients at a time."),
                params={"max": BULK_MAX_CLIENTS},
            )
        return clients


@require_POST
@module_required("crm", CHANGE)
def client_bulk_segment_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set the segment of the selected clients the user may change; those they may only view
    are left as they are, with a warning. An id outside the user's scope refuses the whole
    request (BulkSegmentForm)."""
    form = BulkSegmentForm(request.POST, user=request.user)
    return_query = QueryDict(request.POST.get("return_query", "").removeprefix("?"))
    back = reverse("crm:client_list") + _list_query(return_query)
    if not form.is_valid():
        for errors in form.errors.as_data().values():
            for error in errors:
                for message in error.messages:
                    messages.error(request, message)
        return redirect(back)
    selected = form.cleaned_data["ids"]
    clients = selected.filter(client_edit_rule(request.user))
    view_only = len(selected) - clients.count()
    changed = clients_set_segment(
        user=request.user, clients=clients, segment=form.cleaned_data["segment"]
    )
    if view_only > 0:
        messages.warning(
            request,
            ngettext(
                "%(count)s client was left as it is: you may only view it.",
                "%(count)s clients were left as they are: you may only view them.",
                view_only,
            )
            % {"count": view_only},
        )
    messages.success(
        request,
        ngettext("%(count)s client updated", "%(count)s clients updated", changed)
        % {"count": changed},
    )
    return redirect(back)


FILE_FORMATS = ("xlsx", "csv")


@require_GET
@module_required("crm", VIEW)
def client_export_view(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponseBase:
    """The filtered list (same filters and order as the page, all rows) as Excel or CSV,
    streamed (crm.exports): the first rows leave at once, memory stays flat."""
    if file_format not in FILE_FORMATS:
        raise Http404
    clients = client_list(user=request.user, filters=ClientFilter(request.GET))
    columns = client_columns(display_currency(request.user))
    rows = client_rows(clients, columns)
    filename = f"clientes-{timezone.localdate():%Y-%m-%d}.{file_format}"
    record_security_event(
        kind=EventKind.EXPORT,
        user=request.user,
        request=request,
        target=filename,
        detail=request.GET.urlencode(),
        count=clients.count(),
    )
    if file_format == "csv":
        return csv_response(columns=columns, rows=rows, filename=filename)
    return xlsx_response(sheets=[StreamedSheet(_("Clients"), columns, rows)], filename=filename)


def _list_query(params: QueryDict) -> str:
    """`?q=…&segment=…` of a list URL without its page number ("" when there is nothing)."""
    params = params.copy()
    params.pop("page", None)
    for key in [key for key, values in params.lists() if not any(values)]:
        del params[key]
    return f"?{params.urlencode()}" if params else ""
