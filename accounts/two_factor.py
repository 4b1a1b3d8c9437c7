"""Two-factor sign-in (TOTP with django-otp, recovery codes with its static device).

After the password, a user who has a confirmed authenticator, or whose role is in
`settings.OTP_REQUIRED_ROLES` (Administrador and Gerente Comercial in production), is not
signed in until the second step: `TwoFactorMiddleware` sends every request of such a session
to the code step (`accounts:otp_verify`) or, for a required role without an authenticator,
to enrol on the Seguridad page (`accounts:security`) before anything else. Executives may
enrol there too; then the code is asked of them at every sign-in.
"""

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_htmx.http import HttpResponseClientRedirect
from django_otp import devices_for_user, user_has_device
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import signed_in
from accounts.models import User
from accounts.roles import user_roles

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Autenticador"
RECOVERY_NAME = "Códigos de recuperación"


def otp_required_by_role(user: User) -> bool:
    """Whether the user's role obliges them to use a second factor."""
    required = set(getattr(settings, "OTP_REQUIRED_ROLES", ()))
    return bool(required) and (bool(required & user_roles(user)) or user.is_superuser)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


STEP_SESSION_KEY = "rumbo_second_step"


def _step_for(user: User) -> str:
    if user_has_device(user, confirmed=True):
        return "verify"
    if otp_required_by_role(user):
        return "enrol"
    return ""


def remember_step(request: HttpRequest, user: User) -> None:
    """Decide the second step once, at sign-in (two queries), and keep it in the session:
    the middleware then costs no query per request."""
    if hasattr(request, "session"):
        request.session[STEP_SESSION_KEY] = _step_for(user)


def second_step_done(request: HttpRequest) -> None:
    request.session[STEP_SESSION_KEY] = ""


def second_step_needed(request: HttpRequest) -> str | None:
    """None when the session may go on; else "verify" (a code is due) or "enrol" (the role
    requires an authenticator the user does not have yet)."""
    user = request.user
    if not user.is_authenticated:
        return None
    if STEP_SESSION_KEY not in request.session:  # a session from before this rule
        remember_step(request, user)
    step = request.session[STEP_SESSION_KEY]
    # The device lookup of is_verified() only while a step is pending: no query otherwise.
    # (OTPMiddleware installs user.is_verified() as this function bound to the user.)
    if not step or is_verified(user):
        return None
    return step


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class TwoFactorMiddleware:
    """Holds a half signed-in session (password given, code not yet) at the second step.
    Only the second step's own pages, sign-out and the static files answer meanwhile."""

    OPEN_PATHS = ("accounts:otp_verify", "accounts:logout")
    ENROL_PATHS = ("accounts:security",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not signed_in(request):
            return self.get_response(request)
        step = second_step_needed(request)
        if step is not None and not self._is_open(request, step):
            target = reverse("accounts:otp_verify" if step == "verify" else "accounts:security")
            if request.method == "GET" and not request.htmx:
                target += "?" + _next_query(request.get_full_path())
            if request.htmx:
                # A page of the second step polls too (the navbar's badge): leave it alone.
                current = urlsplit(request.htmx.current_url or "").path
                if current == target:
                    return HttpResponse(status=204)
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)

    def _is_open(self, request: HttpRequest, step: str) -> bool:
        path = request.path_info
        if path.startswith(settings.STATIC_URL):
            return True
        names = self.OPEN_PATHS + (self.ENROL_PATHS if step == "enrol" else ())
        return any(path == reverse(name) for name in names)


def _next_query(path: str) -> str:
    return urlencode({"next": path})


# Enrolment and recovery codes ------------------------------------------------------------


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being enrolled (unconfirmed), created on first use: its secret is
    what the QR code carries until the user confirms it with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_authenticator(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm the pending authenticator with a code from the app; False if it is wrong."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one authenticator
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new single-use ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def remove_two_factor(*, user: User) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()
