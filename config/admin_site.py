"""Django admin opens to members of the Administrador role (and superusers), not by is_staff."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_administrator
from config.redirects import local_path_or


class RumboAdminSite(admin.AdminSite):
    site_header = _("Rumbo CRM administration")
    site_title = _("Rumbo CRM")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and is_administrator(request.user)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Admin has no sign-in form of its own: people sign in at the app's login (with its
        lockout and session limits), which then sends an Administrador on to admin."""
        next_url = local_path_or(
            request.GET.get(REDIRECT_FIELD_NAME),
            request=request,
            fallback=reverse("admin:index", current_app=self.name),
        )
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse("accounts:login"))
        if not self.has_permission(request):
            raise PermissionDenied
        return redirect(next_url)

    def admin_view[V: Callable[..., HttpResponseBase]](self, view: V, cacheable: bool = False) -> V:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # A signed-in user without the role gets a plain 403 rather than the admin login.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        # wraps() keeps the view's signature, which mypy cannot see through.
        return cast(V, guarded)
