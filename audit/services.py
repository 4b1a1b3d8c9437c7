"""The one writer of the security log."""

import ipaddress
import logging
from typing import TYPE_CHECKING

from axes.helpers import get_client_ip_address
from django.http import HttpRequest

from audit.models import EventKind, SecurityEvent
from config.logsafe import clean_text

if TYPE_CHECKING:  # audit sits below accounts: the user is an annotation only
    from accounts.models import User

logger = logging.getLogger("rumbo.security")


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes sees it (REMOTE_ADDR, or X-Forwarded-For from a
    trusted proxy: TRUSTED_PROXY_COUNT / TRUSTED_PROXY_IPS), None when it is not an IP."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def record_security_event(
    *,
    kind: EventKind | str,
    user: "User | None" = None,
    request: HttpRequest | None = None,
    username: str = "",
    target: object = "",
    detail: str = "",
    count: int | None = None,
) -> SecurityEvent:
    """Append one event. Every text is made log-safe (no control characters or line breaks,
    bounded length): usernames, file and record names come from users. `user` is who did
    it (None for a failed sign-in: then `username` is what was typed). The row is part of
    the caller's transaction: an action that rolls back leaves no event."""
    kind = EventKind(kind)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    name = username or (user.get_username() if user is not None else "")
    event = SecurityEvent(
        kind=kind,
        user=user,
        username=clean_text(name, 150),
        ip_address=client_ip(request),
        target=clean_text(target, 200),
        detail=clean_text(detail, 500),
        count=count if count is None or count >= 0 else None,
    )
    event.save()
    logger.info(
        "security event %s user=%s ip=%s target=%s count=%s",
        kind.value,
        event.username or "-",
        event.ip_address or "-",
        event.target or "-",
        "-" if count is None else count,
    )
    return event
