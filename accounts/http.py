"""The request type of the views behind a sign-in (healthchecks' AuthenticatedHttpRequest).

Every view reached only by a signed-in user (``module_required``, ``login_required``, the
two-factor middleware) is annotated ``request: AuthenticatedHttpRequest``: ``request.user`` is
then our ``User`` rather than ``User | AnonymousUser``, and ``request.htmx`` is django-htmx's.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: "User"
    htmx: HtmxDetails
