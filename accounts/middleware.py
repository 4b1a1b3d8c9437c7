"""Session limits and caching headers for signed-in users."""

from collections.abc import Callable
from typing import TypeGuard

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import BACKGROUND_REQUEST
from accounts.http import AuthenticatedHttpRequest
from accounts.models import company_settings_per_request

SESSION_STARTED_KEY = "rumbo_started_at"
SESSION_SEEN_KEY = "rumbo_seen_at"
# Refresh the idle stamp at most once a minute, so reads do not write the session each time.
SEEN_REFRESH_SECONDS = 60


def signed_in(request: HttpRequest) -> TypeGuard[AuthenticatedHttpRequest]:
    """Whether `request` is a signed-in user's: it is then an AuthenticatedHttpRequest (its
    `htmx` too, for the middleware listed after django-htmx's in settings.MIDDLEWARE)."""
    return request.user.is_authenticated


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT idle or SESSION_ABSOLUTE_TIMEOUT in total.

    Only the user's own requests count as activity: a view marked with
    accounts.decorators.background_request (the badge a page polls every minute) is
    answered, but does not move the idle stamp, so an open tab alone never keeps a
    session alive."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not signed_in(request):
            return self.get_response(request)
        now = timezone.now().timestamp()
        started = request.session.get(SESSION_STARTED_KEY, now)
        seen = request.session.get(SESSION_SEEN_KEY, now)
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        if now - seen > idle or now - started > absolute:
            logout(request)
            messages.info(request, _("Your session expired. Please sign in again."))
            if request.htmx:
                return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
            return redirect_to_login(request.get_full_path())
        request.session.setdefault(SESSION_STARTED_KEY, started)
        response = self.get_response(request)
        # After the view: only then is it known which view answered (and whether the user
        # signed out meanwhile).
        if request.user.is_authenticated:
            first_stamp = SESSION_SEEN_KEY not in request.session
            activity = now - seen >= SEEN_REFRESH_SECONDS and not is_background(request)
            if first_stamp or activity:
                request.session[SESSION_SEEN_KEY] = now
        return response


def is_background(request: HttpRequest) -> bool:
    """Whether the view that answered `request` is marked background_request."""
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, BACKGROUND_REQUEST, False)


class NoStoreForAuthenticatedMiddleware:
    """Pages for a signed-in user must not be kept by browsers or shared caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class CompanySettingsPerRequestMiddleware:
    """CompanySettings.load() reads the row once per request, however many selectors, forms
    and views ask (it was twice or more per page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with company_settings_per_request():
            return self.get_response(request)
