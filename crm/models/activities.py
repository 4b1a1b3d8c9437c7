"""Activities: planned and done interactions with a client."""

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Self, cast

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import is_manager
from crm.models.base import EditFlagQuerySet, Record
from crm.models.clients import Client, Contact
from crm.models.opportunities import Opportunity
from crm.recycle_bin import AllObjectsManager, LiveManager, LiveQuerySet

if TYPE_CHECKING:
    from crm.models.complaints import Complaint


class ActivityType(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    SATISFACTION_CALL = "satisfaction_call", _("Satisfaction call")
    REVIEW_MEETING = "review_meeting", _("Review meeting")
    SATISFACTION_SURVEY = "satisfaction_survey", _("Satisfaction survey")
    TASK = "task", _("Task")
    SALE_CLOSED = "sale_closed", _("Sale closed")


SATISFACTION_TYPES = (
    ActivityType.SATISFACTION_CALL,
    ActivityType.REVIEW_MEETING,
    ActivityType.SATISFACTION_SURVEY,
)
# Contact attempts that can go unanswered (the FAQ "¿Qué hago si un cliente no responde?").
CONTACT_ATTEMPT_TYPES = (ActivityType.CALL, ActivityType.EMAIL, ActivityType.WHATSAPP)


# The conditions of the partial indexes below, as the reads write them (SQLite uses a partial
# index only when the query repeats each term).
LIVE_PLANNED = Q(deleted_at__isnull=True, done_at__isnull=True, cancelled_at__isnull=True)
LIVE_DONE = Q(deleted_at__isnull=True, done_at__isnull=False)
# Planned: on someone's agenda, neither done nor cancelled (and so dated: a row is scheduled
# or done, the constraint activity_planned_or_done).
PLANNED = Q(done_at__isnull=True, cancelled_at__isnull=True, scheduled_at__isnull=False)
# The value of the agenda's "Ejecutivo" choice that lists the whole team's (managers).
WHOLE_TEAM = "all"


# The ignore[override] below: django-stubs generates an `as_manager` for each QuerySet class,
# and one built from two of them cannot return both generated managers (a stubs limit).
class ActivityQuerySet(  # type: ignore[override]
    EditFlagQuerySet["Activity"], LiveQuerySet["Activity"]
):
    """Query shapes of activities: what "planned" and "done" select (the agenda and its
    sections, the week view, the dashboard, the reports, reminders and the services that
    cancel or perform a planned one), whose agenda a list shows and what a row shows."""

    @staticmethod
    def planned_condition(*, since: datetime | None = None, until: datetime | None = None) -> Q:
        """Planned (PLANNED) and, with `since`/`until`, scheduled in [since, until): as a
        condition, for a filter or a conditional count."""
        return PLANNED & _in_range("scheduled_at", since, until)

    @staticmethod
    def done_condition(*, since: datetime | None = None, until: datetime | None = None) -> Q:
        """Done, and with `since`/`until` done in [since, until)."""
        if since is None and until is None:
            return Q(done_at__isnull=False)
        return _in_range("done_at", since, until)

    def planned(self, *, since: datetime | None = None, until: datetime | None = None) -> Self:
        """The rows of `planned_condition` (the agenda, reminders, what a close cancels)."""
        return self.filter(self.planned_condition(since=since, until=until))

    def done(self, *, since: datetime | None = None, until: datetime | None = None) -> Self:
        """The rows of `done_condition`."""
        return self.filter(self.done_condition(since=since, until=until))

    def owned_by(self, *, user: User, executive: str = "") -> Self:
        """Whose agenda: the user's own activities; a manager may ask for one executive's
        (their pk) or the whole team's (WHOLE_TEAM)."""
        if is_manager(user) and executive == WHOLE_TEAM:
            return self
        if is_manager(user) and executive:
            # `executive` is a validated choice: a pk (assignable_executives) or WHOLE_TEAM.
            return self.filter(owner_id=int(executive))
        return self.filter(owner=user)

    def with_row_details(self) -> Self:
        """What a row shows: client, opportunity, contact, owner and the reclamo created
        from it (`complaint_pk`), in the same query."""
        # Complaint's module imports this one: the model from the relation, its type for mypy.
        complaint = cast("type[Complaint]", self.model._meta.get_field("complaints").related_model)
        complaints = complaint.objects.filter(source_activity=OuterRef("pk")).order_by("-pk")
        return self.select_related("client", "opportunity", "contact", "owner").annotate(
            complaint_pk=Subquery(complaints.values("pk")[:1])
        )


def _in_range(column: str, since: datetime | None, until: datetime | None) -> Q:
    bounds = {f"{column}__gte": since, f"{column}__lt": until}
    return Q(**{lookup: value for lookup, value in bounds.items() if value is not None})


ActivityManager = LiveManager.from_queryset(ActivityQuerySet)
ActivityAllObjectsManager = AllObjectsManager.from_queryset(ActivityQuerySet)


class Activity(Record):
    """A planned or done interaction with a client (the activities module extends it)."""

    type = models.CharField(_("type"), max_length=20, choices=ActivityType.choices)
    subject = models.CharField(_("subject"), max_length=200)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="activities"
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    # Calls and messages: did the client answer? (None = not recorded.)
    answered = models.BooleanField(_("the client answered"), null=True, blank=True)
    # Meeting minutes (the FAQ "¿Qué información debo registrar después de cada reunión?").
    participants = models.TextField(_("participants"), blank=True)
    topics = models.TextField(_("topics discussed"), blank=True)
    agreements = models.TextField(_("agreements reached"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    # Post-sale results ("Realizar Seguimiento Post-Venta", step 7).
    satisfaction_level = models.PositiveSmallIntegerField(
        _("satisfaction level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    client_comments = models.TextField(_("client comments"), blank=True)
    problems = models.TextField(_("problems identified"), blank=True)
    upselling = models.TextField(_("upselling opportunities"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[ActivityManager] = ActivityManager()
    all_objects: ClassVar[ActivityAllObjectsManager] = ActivityAllObjectsManager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-scheduled_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_at__isnull=False) | Q(done_at__isnull=False),
                name="activity_planned_or_done",
                violation_error_message=_("An activity is either scheduled or done."),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_level__isnull=True)
                | Q(satisfaction_level__gte=1, satisfaction_level__lte=5),
                name="activity_satisfaction_1_to_5",
                violation_error_message=_("The satisfaction level goes from 1 to 5."),
            ),
        ]
        indexes = [
            models.Index(fields=["opportunity", "done_at"], name="activity_opp_done"),
            models.Index(fields=["opportunity", "scheduled_at"], name="activity_opp_planned"),
            models.Index(fields=["owner", "scheduled_at"], name="activity_owner_planned"),
            models.Index(fields=["client", "-scheduled_at"], name="activity_client_time"),
            # Covering indexes of the Reporte de Actividades and the dashboard's counts:
            # planned (by date), done (by date) and still open (overdue), with the columns
            # they group by and the client the scope checks.
            models.Index(
                fields=["scheduled_at", "owner", "type", "client", "done_at", "cancelled_at", "id"],
                condition=Q(deleted_at__isnull=True),
                name="activity_scheduled_report",
            ),
            models.Index(
                fields=["done_at", "owner", "type", "client", "id"],
                condition=Q(deleted_at__isnull=True, done_at__isnull=False),
                name="activity_done_report",
            ),
            # The team's planned activities by date (dashboard: overdue, today, this week, the
            # next ones in (scheduled_at, id) order however many share a time). It replaces
            # activity_planned_time, which SQLite preferred although it covers nothing.
            models.Index(
                fields=["scheduled_at", "id", "owner", "type", "client"],
                condition=Q(
                    deleted_at__isnull=True, done_at__isnull=True, cancelled_at__isnull=True
                ),
                name="activity_open_report",
            ),
            # Planned and done activities by date, the team's and one person's: the agenda's
            # sections (crm.selectors.activities.agenda_sections), the dashboard's overdue
            # and weekly counts, the reminders. Partial (live rows only) and covering what
            # the scope checks (client, opportunity) and counts (id), so that counts read
            # only the index (PostgreSQL: an index-only scan; SQLite: a covering index).
            models.Index(
                fields=["scheduled_at", "owner", "client", "opportunity", "id"],
                condition=LIVE_PLANNED,
                name="activity_planned_time",
            ),
            models.Index(
                fields=["owner", "scheduled_at", "client", "opportunity", "id"],
                condition=LIVE_PLANNED,
                name="activity_owner_open",
            ),
            models.Index(
                fields=["done_at", "owner", "client", "opportunity", "id"],
                condition=LIVE_DONE,
                name="activity_done_time",
            ),
            models.Index(
                fields=["owner", "done_at", "client", "opportunity", "id"],
                condition=LIVE_DONE,
                name="activity_owner_done",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("crm:activity_detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_planned(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    @property
    def is_satisfaction_check(self) -> bool:
        return self.type in SATISFACTION_TYPES

    @property
    def is_overdue(self) -> bool:
        return (
            self.is_planned and self.scheduled_at is not None and self.scheduled_at < timezone.now()
        )
