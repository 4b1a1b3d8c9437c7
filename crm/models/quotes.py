"""Quotes ("Gestionar cotizaciones"): a document of Tipo Cotización with its number, validity,
total and status, and every email that sent it to the client."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models.exchange_rates import rate_field, ves_field
from crm.models.opportunities import Opportunity


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


# A quote still waiting for the client's answer: it can expire, be accepted or rejected.
PENDING_QUOTE_STATUSES = (QuoteStatus.DRAFT, QuoteStatus.SENT)


class QuoteQuerySet(models.QuerySet["Quote"]):
    def pending(self) -> "QuoteQuerySet":
        return self.filter(status__in=PENDING_QUOTE_STATUSES, superseded_by__isnull=True)

    def accepted(self) -> "QuoteQuerySet":
        """Accepted quotes, the latest answer first."""
        return self.filter(status=QuoteStatus.ACCEPTED).order_by("-status_changed_at", "-pk")

    def expiring_within(self, days: int) -> "QuoteQuerySet":
        """Pending quotes whose Fecha de validez falls in the next `days` days (today
        included): what the owner is told about and the opportunity page shows."""
        today = timezone.localdate()
        return self.pending().filter(
            valid_until__gte=today, valid_until__lte=today + timedelta(days=days)
        )


class Quote(models.Model):
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="quote",
    )
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT, related_name="quotes"
    )
    number = models.CharField(
        _("quote number"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("A quote with this number already exists.")},
    )
    valid_until = models.DateField(_("valid until"))
    # total_amount is the USD value; `currency` is the one it was typed in, frozen at upload
    # with its rate and VES value (crm.services.currency).
    total_amount = models.DecimalField(_("total amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    total_amount_rate = rate_field(_("exchange rate of the total amount"))
    total_amount_ves = ves_field(_("total amount in VES"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    expiry_notified_on = models.DateField(null=True, blank=True, editable=False)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-valid_until", "-pk"]
        indexes = [models.Index(fields=["status", "valid_until"], name="quote_status_validity")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url()

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_QUOTE_STATUSES and self.superseded_by_id is None


class QuoteEmail(models.Model):
    """One "Enviar cotización al cliente por email": what went out, with which version."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the mail server")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="emails")
    version = models.ForeignKey(
        "documents.DocumentVersion",
        verbose_name=_("attached version"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.CharField(_("to"), max_length=254)
    cc = models.CharField(_("cc"), max_length=1000, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("quote email")
        verbose_name_plural = _("quote emails")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.quote} → {self.to}"
