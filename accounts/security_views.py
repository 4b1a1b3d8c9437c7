"""The second sign-in step and the Seguridad page (two-factor enrolment, recovery codes)."""

import re
from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Authenticator
from accounts.two_factor import (
    confirm_authenticator,
    has_authenticator,
    new_recovery_codes,
    otp_required_by_role,
    pending_authenticator,
    remaining_recovery_codes,
    remove_two_factor,
    safe_next,
    second_step_done,
    second_step_needed,
)
from audit.models import EventKind
from audit.services import record_security_event
from config.forms import BootstrapFormMixin

RECOVERY_SHAPE = re.compile(r"^[a-z0-9]{5}-?[a-z0-9]{5}$")


class CodeForm(BootstrapFormMixin, forms.Form):
    required_css_class = "required"
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "The 6 digits your authenticator app shows, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
        error_messages={"required": gettext_lazy("Enter the code.")},
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", self.cleaned_data["code"]).lower()
        if code.isdigit() and len(code) == 6:
            return code
        if RECOVERY_SHAPE.match(code):
            return code if "-" in code else f"{code[:5]}-{code[5:]}"
        raise forms.ValidationError(
            _("Enter the 6 digits of your authenticator app or a recovery code (xxxxx-xxxxx).")
        )


class EnrolForm(CodeForm):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=20,
        help_text=gettext_lazy("The 6 digits the app shows after scanning the code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": gettext_lazy("Enter the code.")},
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits the app shows."))
        return code


@require_http_methods(["GET", "POST"])
@login_required
def otp_verify_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of the sign-in: a code from the authenticator or a recovery code."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if second_step_needed(request) != "verify":
        return redirect(next_url)  # verified already, or no authenticator to ask a code of
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            second_step_done(request)
            record_security_event(
                kind=EventKind.OTP_VERIFIED,
                user=request.user,
                request=request,
                detail=type(device).__name__,
            )
            if type(device).__name__ == "StaticDevice":
                left = remaining_recovery_codes(request.user)
                messages.warning(
                    request,
                    _("You used a recovery code: %(count)s left. Create new ones in Security.")
                    % {"count": left},
                )
            return redirect(next_url)
        record_security_event(kind=EventKind.OTP_FAILED, user=request.user, request=request)
        form.add_error("code", _("That code is not valid. Try the current one."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def _qr_svg(device: Authenticator) -> str:
    """The enrolment QR code as inline SVG, drawn on the server (no image URL, no script)."""
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, border=2, dark="#000", light="#fff"))


def _secret(device: Authenticator) -> str:
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_http_methods(["GET", "POST"])
@login_required
def security_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Seguridad: two-factor sign-in status; enrolment (scan, confirm with a code);
    new recovery codes; turning it off (only where the role does not require it)."""
    enrolled = has_authenticator(request.user)
    required = otp_required_by_role(request.user)
    context: dict[str, object] = {"enrolled": enrolled, "required": required}
    if enrolled:
        context["recovery_left"] = remaining_recovery_codes(request.user)
        return render(request, "accounts/security.html", context)
    device = pending_authenticator(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_authenticator(user=request.user, device=device, code=form.cleaned_data["code"]):
            codes = new_recovery_codes(user=request.user)
            otp_login(request, device)
            second_step_done(request)
            record_security_event(kind=EventKind.OTP_ENROLLED, user=request.user, request=request)
            record_security_event(
                kind=EventKind.RECOVERY_CODES, user=request.user, request=request, count=len(codes)
            )
            context.update(enrolled=True, recovery_codes=codes, recovery_left=len(codes))
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "accounts/security.html", context)
        form.add_error("code", _("That code does not match. Check the app and try again."))
    context.update(form=form, qr_svg=_qr_svg(device), secret=_secret(device))
    return render(request, "accounts/security.html", context)


@require_POST
@login_required
def recovery_codes_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    if not has_authenticator(request.user):
        return redirect("accounts:security")
    codes = new_recovery_codes(user=request.user)
    record_security_event(
        kind=EventKind.RECOVERY_CODES, user=request.user, request=request, count=len(codes)
    )
    context = {
        "enrolled": True,
        "required": otp_required_by_role(request.user),
        "recovery_codes": codes,
        "recovery_left": len(codes),
    }
    return render(request, "accounts/security.html", context)


@require_POST
@login_required
def otp_disable_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off: only where the role does not require it."""
    if otp_required_by_role(request.user):
        messages.error(
            request, _("Your role requires two-factor sign-in: it cannot be turned off.")
        )
        return redirect("accounts:security")
    remove_two_factor(user=request.user)
    second_step_done(request)
    record_security_event(kind=EventKind.OTP_REMOVED, user=request.user, request=request)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:security")
