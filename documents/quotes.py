"""Writes of quotes ("Gestionar cotizaciones"): creation with its document, "Enviar
Cotización" steps 9-11 as one step, the client's answer, and expiry."""

import logging
import smtplib
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import CompanySettings, User
from accounts.notifications import notify
from crm.concurrency import StaleVersionError
from crm.models import (
    CLOSED_STAGES,
    ActivityType,
    Contact,
    Opportunity,
    Quote,
    QuoteEmail,
    QuoteStatus,
    Stage,
)
from crm.opportunities.selectors.flows import follow_up_days_by_stage
from crm.opportunities.services import opportunity_move_stage
from crm.services.activities import ActivityInput, activity_create
from crm.services.currency import set_amount
from documents.models import Document
from documents.selectors import user_can_attach_to

logger = logging.getLogger(__name__)

# Stages before "Propuesta": sending a quote moves the opportunity there (seed step 10).
BEFORE_PROPOSAL = (Stage.PROSPECTING, Stage.QUALIFICATION)


@dataclass
class QuoteInput:
    number: str
    valid_until: date | None
    total_amount: Decimal | None
    supersede_previous: bool = False
    currency: str = "USD"


def _check_open(opportunity: Opportunity) -> None:
    if opportunity.stage in CLOSED_STAGES:
        raise ValidationError(_("A won or lost opportunity takes no new quotes."))


@transaction.atomic
def quote_create(*, user: User, document: Document, data: QuoteInput) -> Quote:
    """The quote fields of a document of Tipo Cotización; optionally supersedes the
    opportunity's pending quotes."""
    opportunity = document.opportunity
    if opportunity is None:
        raise ValidationError(_("A quote belongs to an opportunity."))
    _check_open(opportunity)
    errors = {}
    if not data.number.strip():
        errors["number"] = _("Enter the quote number.")
    if data.valid_until is None:
        errors["valid_until"] = _("Enter the validity date.")
    elif data.valid_until < timezone.localdate():
        errors["valid_until"] = _("The validity date cannot be in the past.")
    if data.total_amount is None:
        errors["total_amount"] = _("Enter the total amount.")
    # (A missing date or amount is in `errors` already: the None checks narrow the types.)
    if errors or data.valid_until is None or data.total_amount is None:
        raise ValidationError(errors)
    quote = Quote(
        document=document,
        opportunity=opportunity,
        number=data.number.strip(),
        valid_until=data.valid_until,
    )
    # Frozen at the rate of the upload day.
    set_amount(
        quote,
        "total_amount",
        amount=data.total_amount,
        currency=data.currency,
        on=timezone.localdate(),
    )
    quote.full_clean(exclude=["document"])
    quote.save()
    if data.supersede_previous:
        opportunity.quotes.pending().exclude(pk=quote.pk).update(superseded_by=quote)
    return quote


def default_follow_up_at(*, now: datetime | None = None) -> datetime:
    """Seed step 10 "Programar seguimiento en 3-5 días": the Propuesta stage's follow-up
    frequency (admin setting, FAQ default 3-5 days), at 9:00 local time."""
    days = follow_up_days_by_stage().get(Stage.PROPOSAL) or 3
    now = timezone.localtime(now or timezone.now())
    day = now.date() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))


@dataclass
class QuoteSendInput:
    """Step 9 (the email) and step 10 (the follow-up) as typed on "Enviar cotización"."""

    contact: Contact
    subject: str
    body: str
    follow_up_at: datetime
    opportunity_version: int
    cc: list[str] = field(default_factory=list)


class QuoteSendError(Exception):
    """A step of "Enviar Cotización" failed; nothing was saved or sent."""

    def __init__(self, *, step: int, messages: list[str], retry: bool = False) -> None:
        super().__init__("; ".join(messages))
        self.step = step
        self.messages = messages
        self.retry = retry  # the mail server refused: the same input can simply be sent again


def _step(number: int) -> AbstractContextManager[None]:
    class _Guard:
        def __enter__(self) -> None:
            return None

        def __exit__(
            self,
            kind: type[BaseException] | None,
            error: BaseException | None,
            traceback: TracebackType | None,
        ) -> Literal[False]:
            if isinstance(error, ValidationError):
                raise QuoteSendError(step=number, messages=error.messages) from error
            if isinstance(error, StaleVersionError):
                message = _("Someone changed the opportunity meanwhile: check it and send again.")
                raise QuoteSendError(step=number, messages=[message]) from error
            return False

    return _Guard()


def _email(*, user: User, quote: Quote, data: QuoteSendInput) -> EmailMessage:
    version = quote.document.current_version
    if version is None:  # a document has its version 1 from the upload on
        raise LookupError(f"Document {quote.document_id} has no file to attach.")
    message = EmailMessage(
        subject=data.subject,
        body=data.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[data.contact.email],
        cc=data.cc,
        reply_to=[user.email] if user.email else None,
    )
    with version.file.open("rb") as attached:
        message.attach(version.original_name, attached.read(), version.content_type)
    return message


def quote_send(*, user: User, quote_id: int, data: QuoteSendInput) -> QuoteEmail:
    """ "Enviar Cotización" steps 9-11 in one transaction: the email with the current version
    attached, the done activity "Cotización enviada", the move to Propuesta through the one
    stage service (BANT and closed-deal rules apply) with the follow-up it schedules, and the
    quote marked Enviada.

    The email goes out last, still inside the transaction: if the mail server refuses it,
    everything rolls back (nothing half-done), the refusal is recorded and the user can send
    again; if an earlier step fails, no email leaves."""
    try:
        with transaction.atomic():
            return _send(user=user, quote_id=quote_id, data=data)
    except QuoteSendError as error:
        if error.retry:
            _record_refusal(user=user, quote_id=quote_id, data=data, error=error)
        raise


def _send(*, user: User, quote_id: int, data: QuoteSendInput) -> QuoteEmail:
    quote = (
        Quote.objects.select_for_update(of=("self",))
        .select_related("document__current_version", "opportunity__client")
        .get(pk=quote_id)
    )
    opportunity = quote.opportunity
    if not user_can_attach_to(user=user, opportunity=opportunity):
        raise PermissionDenied
    with _step(9):
        if not quote.is_pending or quote.document.is_void:
            raise ValidationError(_("Only a draft or sent quote that is not voided can be sent."))
        if data.contact.client_id != opportunity.client_id or not data.contact.email:
            raise ValidationError(_("Choose a contact of the client with an email address."))
    with _step(10):
        _check_open(opportunity)
        activity_create(
            user=user,
            client=opportunity.client,
            opportunity=opportunity,
            owner=opportunity.owner,
            data=ActivityInput(
                type=ActivityType.QUOTE_SENT,
                # The seed's words: Registrar actividad "Cotización enviada".
                subject=_("Quote sent %(number)s") % {"number": quote.number},
                done_at=timezone.now(),
                notes=data.subject,
                contact=data.contact,
            ),
        )
        follow_up = ActivityInput(
            type=ActivityType.CALL,
            subject=_("Follow up on quote %(number)s") % {"number": quote.number},
            scheduled_at=data.follow_up_at,
            contact=data.contact,
        )
        if data.follow_up_at is None or data.follow_up_at <= timezone.now():
            raise ValidationError(_("The follow-up must be in the future."))
        if opportunity.stage in BEFORE_PROPOSAL:
            opportunity_move_stage(
                user=user,
                opportunity_id=opportunity.pk,
                expected_version=data.opportunity_version,
                to_stage=Stage.PROPOSAL,
                follow_up=follow_up,
            )
        else:
            activity_create(
                user=user,
                client=opportunity.client,
                opportunity=opportunity,
                owner=opportunity.owner,
                data=follow_up,
            )
    quote.status = QuoteStatus.SENT
    quote.status_changed_at = timezone.now()
    quote.save(update_fields=["status", "status_changed_at"])
    record = QuoteEmail.objects.create(
        quote=quote,
        version=quote.document.current_version,
        to=data.contact.email,
        cc=", ".join(data.cc),
        subject=data.subject,
        body=data.body,
        status=QuoteEmail.Status.SENT,
        sent_by=user,
    )
    try:
        _email(user=user, quote=quote, data=data).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Quote %s: the mail server refused the message: %s", quote.pk, error)
        raise QuoteSendError(step=9, messages=[str(error)[:400]], retry=True) from error
    return record


def _record_refusal(
    *, user: User, quote_id: int, data: QuoteSendInput, error: QuoteSendError
) -> None:
    quote = Quote.objects.select_related("document").get(pk=quote_id)
    QuoteEmail.objects.create(
        quote=quote,
        version=quote.document.current_version,
        to=data.contact.email,
        cc=", ".join(data.cc),
        subject=data.subject,
        body=data.body,
        status=QuoteEmail.Status.FAILED,
        error="; ".join(error.messages)[:500],
        sent_by=user,
    )


# The client's answer and expiry ---------------------------------------------------------------

ANSWERS = (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED)


@transaction.atomic
def quote_answer(*, user: User, quote_id: int, status: str) -> Quote:
    """The client accepted or rejected a pending quote."""
    quote = Quote.objects.select_for_update().get(pk=quote_id)
    if status not in ANSWERS:
        raise ValidationError(_("Unknown answer."))
    if not quote.is_pending:
        raise ValidationError(_("Only a draft or sent quote can be accepted or rejected."))
    quote.status = status
    quote.status_changed_at = timezone.now()
    quote.save(update_fields=["status", "status_changed_at"])
    return quote


@dataclass
class ExpiryRun:
    expired: int
    notified: int


@transaction.atomic
def quotes_expire(*, today: date | None = None) -> ExpiryRun:
    """The scheduled run: pending quotes past their Fecha de validez become Vencida; owners
    are told once about those that expire within the company's notice days."""
    today = today or timezone.localdate()
    now = timezone.now()
    expired = (
        Quote.objects.pending()
        .filter(valid_until__lt=today)
        .update(status=QuoteStatus.EXPIRED, status_changed_at=now)
    )
    days = CompanySettings.load().quote_expiry_notice_days
    upcoming = (
        Quote.objects.expiring_within(days)
        .filter(expiry_notified_on__isnull=True)
        .select_related("opportunity__owner", "document")
        .select_for_update(of=("self",))
    )
    notified = 0
    for quote in upcoming:
        notify(
            recipients=[quote.opportunity.owner],
            subject=_("Quote %(number)s expires on %(date)s")
            % {"number": quote.number, "date": date_format(quote.valid_until, "SHORT_DATE_FORMAT")},
            body=_("Opportunity: %(name)s.") % {"name": quote.opportunity.name},
            url=quote.document.get_absolute_url(),
        )
        quote.expiry_notified_on = today
        quote.save(update_fields=["expiry_notified_on"])
        notified += 1
    return ExpiryRun(expired=expired, notified=notified)
