from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see accounts.roles)."""

    reminder_minutes = models.PositiveSmallIntegerField(
        _("remind me before each activity (minutes)"), default=30
    )
    daily_digest = models.BooleanField(_("send me a daily digest"), default=True)
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)
    # The secret of the personal calendar (ICS) URL; rotating it revokes the old URL.
    calendar_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # The columns chosen in each list ("Columnas"): {"clients": ["tax_id", ...]}. Loaded with
    # the user, so applying them costs a list page no query (see accounts.list_columns).
    list_columns = models.JSONField(default=dict, blank=True, editable=False)
    # The currency the user reads amounts in; blank: the company's (CompanySettings.currency).
    display_currency = models.CharField(
        _("display currency"), max_length=3, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]
        indexes = [
            # The lists sorted by "Ejecutivo" join their rows to their owner in this order:
            # walking the users in it (a few dozen) and each one's rows by index reads a
            # page without sorting every row (opportunity list 68 -> 3 ms on PostgreSQL).
            models.Index(fields=["first_name", "last_name", "username"], name="user_name_order")
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Visibility(models.TextChoices):
    """How much of other executives' records an executive sees and edits (per entity).

    Managers and administrators always see and edit everything; a share ("Compartir") adds
    one record to an executive's view or, with the "edit" level, to what they may change.
    """

    OWN = "own", _("Own only")
    VIEW_ALL = "view_all", _("View all, edit own")
    EDIT_ALL = "edit_all", _("View and edit all")


class Currency(models.TextChoices):
    """The currencies an amount is typed in and shown in (crm.services.currency)."""

    USD = "USD", _("USD (US dollars)")
    VES = "VES", _("VES (bolívares)")


class CompanySettings(models.Model):
    """The company's run-time settings: one row, edited by the Administrador in admin."""

    company_name = models.CharField(_("company name"), max_length=200, default="Rumbo")
    currency = models.CharField(
        _("default display currency"),
        max_length=3,
        choices=Currency.choices,
        default=Currency.USD,
        help_text=_("The currency amounts are shown in unless a user chooses another."),
    )
    client_visibility = models.CharField(
        _("visibility of other executives' clients"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.VIEW_ALL,
    )
    opportunity_visibility = models.CharField(
        _("visibility of other executives' opportunities"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.VIEW_ALL,
    )
    no_answer_attempts = models.PositiveSmallIntegerField(
        _("unanswered attempts before offering Lost – No answer"), default=3
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("hour of the daily digest"), default=7, help_text=_("0 to 23, company time zone.")
    )
    quote_expiry_notice_days = models.PositiveSmallIntegerField(
        _("days before a quote expires to notify its owner"), default=3
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self) -> str:
        return str(_("Company settings"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        _loaded_in_request.forget()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        _loaded_in_request.forget()
        return result

    @classmethod
    def load(cls) -> "CompanySettings":
        """The one row, created at first use. Within a request it is read once
        (accounts.middleware.CompanySettingsPerRequestMiddleware); elsewhere at every call."""
        if (settings := _loaded_in_request.get()) is None:
            settings, _created = cls.objects.get_or_create(pk=1)
            _loaded_in_request.keep(settings)
        return settings


class _PerRequest:
    """CompanySettings read once per request: a slot that exists only while a request is
    handled (a context variable, so threads and requests never share it) and is emptied when
    the row is saved or deleted. Outside a request (tasks, commands) nothing is kept."""

    def __init__(self) -> None:
        self._slot: ContextVar[list | None] = ContextVar("company_settings", default=None)

    @contextmanager
    def request(self) -> Iterator[None]:
        token = self._slot.set([])
        try:
            yield
        finally:
            self._slot.reset(token)

    def get(self) -> "CompanySettings | None":
        slot = self._slot.get()
        return slot[0] if slot else None

    def keep(self, settings: "CompanySettings") -> None:
        if (slot := self._slot.get()) is not None:
            slot[:] = [settings]

    def forget(self) -> None:
        if (slot := self._slot.get()) is not None:
            slot.clear()


_loaded_in_request = _PerRequest()
company_settings_per_request = _loaded_in_request.request


class Notification(models.Model):
    """Something a user should know about (a sale to execute, a complaint, a reassignment)."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The record the notification is about: a hand-off area (Operaciones, Finanzas, Legal,
    # Calidad) may open exactly the records it was notified about, read-only.
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    complaint = models.ForeignKey(
        "crm.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # An activity reminder (crm.reminders): which activity, for which start. One reminder
    # per activity and start; the activity counts as reminded once this email is accepted.
    reminder_for = models.ForeignKey(
        "crm.Activity",
        verbose_name=_("reminder of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    reminder_scheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # Delivery of the email (accounts.tasks.send_notification_email, retried with back-off).
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_failed_at = models.DateTimeField(_("email given up at"), null=True, blank=True)
    email_error = models.CharField(_("last email error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_recipient")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder_for", "reminder_scheduled_at"], name="one_reminder_per_start"
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def mark_emailed(self) -> None:
        """The mail server accepted the email; a reminder's activity is now reminded."""
        now = timezone.now()
        self.emailed_at = now
        self.email_failed_at = None
        self.save(update_fields=["emailed_at", "email_failed_at"])
        if self.reminder_for_id is not None:
            activity_model = self._meta.get_field("reminder_for").related_model
            assert isinstance(activity_model, type) and issubclass(activity_model, models.Model)
            activities = activity_model._default_manager
            activities.filter(
                pk=self.reminder_for_id,
                scheduled_at=self.reminder_scheduled_at,
                reminder_sent_at__isnull=True,
            ).update(reminder_sent_at=now)

    def record_email_failure(self, error: Exception, *, final: bool) -> None:
        self.email_attempts += 1
        self.email_error = f"{type(error).__name__}: {error}"[:300]
        self.email_failed_at = timezone.now() if final else None
        self.save(update_fields=["email_attempts", "email_error", "email_failed_at"])


class UndeliveredEmail(Notification):
    """Admin's list of notification emails the mail server never accepted (every attempt
    failed): the people who did not get them, and why."""

    class Meta:
        proxy = True
        verbose_name = _("undelivered email")
        verbose_name_plural = _("undelivered emails")


class PasswordResetRequest(models.Model):
    """One password-reset email queued: the rate limit per address and per client address
    counts these (accounts.password_reset). The address is kept only as a digest."""

    email_digest = models.CharField(max_length=64)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_digest", "requested_at"], name="reset_by_email"),
            models.Index(fields=["client_ip", "requested_at"], name="reset_by_ip"),
            models.Index(fields=["requested_at"], name="reset_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.client_ip or ''}".strip()


class Authenticator(TOTPDevice):
    """A user's authenticator app (django-otp's TOTP device) under a Spanish name in admin."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


class RecoveryCodeSet(StaticDevice):
    """A user's recovery codes (django-otp's static device) under a Spanish name in admin."""

    class Meta:
        proxy = True
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")
