"""Access checks for views: anonymous users go to sign in; others without the right get 403."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase

from accounts.http import AuthenticatedHttpRequest
from accounts.roles import module_rights


def module_required(module: str, right: str) -> Callable:
    """Require a right on a module of the roles matrix (see accounts.roles.MATRIX)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(
            request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            if right not in module_rights(request.user, module):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The mark background_request sets on a view function (read by accounts.middleware).
BACKGROUND_REQUEST = "background_request"


def background_request(view: Callable) -> Callable:
    """Mark a view that pages call by themselves (the navbar badge, any htmx polling): such
    a request is not the user's activity, so it never extends the idle window (see
    accounts.middleware.SessionTimeoutMiddleware). Put it above the other decorators."""
    setattr(view, BACKGROUND_REQUEST, True)
    return view
