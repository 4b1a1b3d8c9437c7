"""Sign-in, failed sign-in and lockout (django-axes) into the security log."""

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audit.models import EventKind
from audit.services import record_security_event

if TYPE_CHECKING:  # audit sits below accounts: the user is an annotation only
    from accounts.models import User


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender: object, request: HttpRequest, user: "User", **kwargs: Any) -> None:
    record_security_event(kind=EventKind.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django already masks the password in `credentials`; only the username is kept.
    record_security_event(
        kind=EventKind.LOGIN_FAILED, request=request, username=credentials.get("username", "")
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def on_lockout(
    sender: object, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    record_security_event(kind=EventKind.LOCKOUT, request=request, username=username or "")
