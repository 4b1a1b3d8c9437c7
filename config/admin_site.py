"""Django admin opens to members of the Administrador role (and superusers), not by is_staff."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class RumboAdminSite(admin.AdminSite):
    site_header = _("Rumbo CRM administration")
    site_title = _("Rumbo CRM")
    index_title = _("Administration")

    def has_permission(self, request):
        from accounts.roles import is_administrator

        return request.user.is_active and is_administrator(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            # A signed-in user without the role gets a plain 403 rather than the admin login.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded
