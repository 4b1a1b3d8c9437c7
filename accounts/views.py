from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import background_request
from accounts.forms import PreferencesForm
from accounts.http import AuthenticatedHttpRequest
from accounts.list_columns import COLUMN_SETS, list_columns_save
from accounts.models import Currency
from accounts.password_reset import request_password_reset
from accounts.roles import VIEW, module_rights
from audit.models import EventKind
from audit.services import record_security_event
from config.pagination import paginate
from config.redirects import local_path_or, next_path
from config.tokens import new_url_token


@require_GET
@login_required
def notification_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every signed-in user reads only their own notifications, unread first."""
    notifications = request.user.notifications.order_by("-created_at", "-pk")
    context = {"page_obj": paginate(request, notifications)}
    return render(request, "accounts/notification_list.html", context)


@background_request
@require_GET
@login_required
def unread_count_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header's bell badge, loaded by htmx so pages do not pay for it."""
    count = request.user.notifications.filter(read_at__isnull=True).count()
    return render(request, "accounts/notification_list.html#badge", {"unread": count})


@require_POST
@login_required
def notification_read_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(
        local_path_or(notification.url, request=request, fallback=reverse("accounts:notifications"))
    )


@require_POST
@login_required
def notification_read_all_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("accounts:notifications")


@require_http_methods(["GET", "POST"])
@login_required
def preferences_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Reminder lead time, daily digest and the personal calendar URL."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    feed_url = None
    if request.user.calendar_token:
        path = reverse("crm:calendar_feed", args=[request.user.calendar_token])
        feed_url = request.build_absolute_uri(path)
    return render(request, "accounts/preferences.html", {"form": form, "feed_url": feed_url})


@require_POST
@login_required
def calendar_token_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create or rotate the calendar URL's secret (rotating revokes the old URL), or revoke."""
    user = request.user
    if request.POST.get("action") == "revoke":
        user.calendar_token = None
        messages.success(request, _("The calendar link was revoked."))
    else:
        user.calendar_token = new_url_token()
        messages.success(request, _("A new calendar link was created; the old one stops working."))
    user.save(update_fields=["calendar_token"])
    return redirect("accounts:preferences")


@require_POST
@login_required
def list_columns_view(request: AuthenticatedHttpRequest, list_name: str) -> HttpResponse:
    """ "Columnas" of a list: remember the ticked columns (or the defaults, with "reset") and
    go back to the list. An htmx post follows the same redirect and gets the list's rows."""
    column_set = COLUMN_SETS.get(list_name)
    if column_set is None:
        raise Http404
    if VIEW not in module_rights(request.user, column_set.module):
        raise PermissionDenied
    keys = None if "reset" in request.POST else request.POST.getlist("columns")
    list_columns_save(user=request.user, column_set=column_set, keys=keys)
    return redirect(next_path(request, fallback=reverse(column_set.list_url_name)))


@require_POST
@login_required
def display_currency_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The navbar's USD | VES switch: the currency this user reads every amount in (each at
    the rate frozen with it, crm.money); back to the page it was chosen on."""
    currency = request.POST.get("currency", "")
    if currency not in Currency.values:
        return HttpResponseBadRequest(_("Choose the currency: USD or VES."))
    request.user.display_currency = currency
    request.user.save(update_fields=["display_currency"])
    return redirect(next_path(request, fallback=reverse("dashboard:home")))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, but the email is queued as a task and rate-limited
    (accounts.password_reset): a known and an unknown address get the same page after the
    same work."""

    def form_valid(self, form: Form) -> HttpResponse:
        # Recorded whether or not the address is known (the page says the same either way).
        record_security_event(
            kind=EventKind.PASSWORD_RESET_REQUESTED,
            request=self.request,
            detail=f"email: {form.cleaned_data['email']}",
        )
        request_password_reset(
            email=form.cleaned_data["email"], client_ip=get_client_ip_address(self.request)
        )
        return HttpResponseRedirect(self.get_success_url())
