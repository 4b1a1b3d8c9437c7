"""The security log: an append-only record of who signed in (or failed to), was locked out,
reset a password, got a role, shared a record, exported or imported data, downloaded a
document. Written only through `audit.services.record_security_event`; read in admin by the
Administrador; never changed; removed only by `manage.py purge_security_log` after
RETENTION_DAYS."""

from datetime import datetime, timedelta
from typing import Any, NoReturn, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RETENTION_DAYS = 180


class EventKind(models.TextChoices):
    LOGIN = "login", _("Sign-in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Account locked out")
    OTP_VERIFIED = "otp_verified", _("Two-factor code accepted")
    OTP_FAILED = "otp_failed", _("Two-factor code refused")
    OTP_ENROLLED = "otp_enrolled", _("Two-factor sign-in enabled")
    OTP_REMOVED = "otp_removed", _("Two-factor sign-in disabled")
    RECOVERY_CODES = "recovery_codes", _("Recovery codes generated")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_RESET_DONE = "password_reset_done", _("Password reset completed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    SHARE_GRANTED = "share_granted", _("Record shared")
    SHARE_REVOKED = "share_revoked", _("Share revoked")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    DOCUMENT_DOWNLOAD = "document_download", _("Document downloaded")


class AppendOnly(Exception):
    """Raised on any attempt to change or delete security events outside the purge."""


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("security events are never changed")

    def delete(self) -> NoReturn:  # type: ignore[override]  # append-only
        raise AppendOnly("security events are removed only by purge_security_log")

    def purgeable(self, *, now: datetime | None = None) -> Self:
        now = now or timezone.now()
        return self.filter(created_at__lt=now - timedelta(days=RETENTION_DAYS))

    def purge(self, *, now: datetime | None = None) -> int:
        """Delete the events older than RETENTION_DAYS (the one way rows leave)."""
        return models.QuerySet.delete(self.purgeable(now=now))[0]


class SecurityEvent(models.Model):
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # As typed or as it was then (a failed sign-in has no user; a user may be renamed).
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    target = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["user", "-created_at"], name="audit_event_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username or '—'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("security events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]  # append-only
        raise AppendOnly("security events are removed only by purge_security_log")
