from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from accounts.models import User
from accounts.two_factor import remember_step


@receiver(user_logged_in)
def stamp_session_start(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().timestamp()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now


@receiver(user_logged_in, dispatch_uid="two_factor_step")
def decide_second_step(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if request is not None:
        remember_step(request, user)
