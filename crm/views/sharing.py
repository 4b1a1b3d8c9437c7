"""The "Compartir" page of one record (a client, an opportunity): who it is shared with and
at which level, add a colleague, stop sharing. Only the owner and managers reach it."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Visibility
from crm.forms.sharing import ShareAddForm, ShareRemoveForm
from crm.models import Client, Opportunity
from crm.services.shares import ShareLevel, may_share


def share_page(
    request: AuthenticatedHttpRequest,
    *,
    record: Client | Opportunity,
    visibility: str,
    shared_with: list,
    share: Callable,
    unshare: Callable,
    template: str,
    url_name: str,
) -> HttpResponse:
    """GET shows the page; POST with "remove" stops sharing, otherwise adds a colleague.
    `share(colleague=, level=)` and `unshare(colleague=)` are the record's services."""
    if not may_share(request.user, record):
        raise PermissionDenied
    # Where everyone already sees it, a share is about editing.
    level = ShareLevel.VIEW if visibility == Visibility.OWN else ShareLevel.EDIT
    form = ShareAddForm(record=record, shared_with=shared_with, level=level)
    if request.method == "POST" and "remove" in request.POST:
        remove_form = ShareRemoveForm(
            QueryDict.fromkeys(["colleague"], request.POST["remove"]), shared_with=shared_with
        )
        if remove_form.is_valid():
            colleague = remove_form.cleaned_data["colleague"]
            unshare(colleague=colleague)
            messages.success(request, _("%(name)s no longer sees it.") % {"name": colleague})
        return redirect(url_name, record.pk)
    if request.method == "POST":
        form = ShareAddForm(request.POST, record=record, shared_with=shared_with, level=level)
        if form.is_valid():
            colleague = form.cleaned_data["colleague"]
            try:
                share(colleague=colleague, level=form.cleaned_data["level"])
            except ValidationError as error:
                form.add_error("colleague", error)
            else:
                messages.success(request, _("Shared with %(name)s.") % {"name": colleague})
                return redirect(url_name, record.pk)
    context = {"shared_with": shared_with, "form": form, "visibility": visibility}
    return render(request, template, {**context, "record": record})
