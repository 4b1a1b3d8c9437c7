"""Where a form's `next` may send the user back: one rule for every view that reads it."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_path_or(candidate: object, *, request: HttpRequest, fallback: str) -> str:
    """`candidate` when it is a path of this site ("/crm/oportunidades/tablero/?owner=3"),
    else `fallback`. Anything else (another host, "//host", a scheme, "true", "null", "[]",
    a view name) is ignored: `redirect()` would try a bare word as a view name and fail."""
    if (
        isinstance(candidate, str)
        and candidate.startswith("/")
        and "\\" not in candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback


def next_path(request: HttpRequest, *, fallback: str) -> str:
    """The local path in the request's `next` (POST first, then the query string), else
    `fallback`."""
    return local_path_or(
        request.POST.get("next") or request.GET.get("next"), request=request, fallback=fallback
    )
