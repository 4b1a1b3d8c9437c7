import unicodedata

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from crm.concurrency import VersionedModel
from crm.recycle_bin import SoftDeleteModel

LEGAL_SUFFIXES = ("c a", "s a", "s r l", "s a s", "srl", "sas", "ca", "sa", "cia", "ltda")


def name_key(name: str) -> str:
    """A client name reduced for duplicate detection: no accents, case, punctuation or
    legal suffix ("Alimentos La Sabana, C.A." -> "alimentos la sabana")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    text = " ".join(words)
    for suffix in LEGAL_SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1]
            break
    return text.strip()


class Industry(models.Model):
    """Admin-maintained catalogue for the client's "Industria"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Natural person")


class Segment(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class LeadSource(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    WEB = "web", _("Web")
    EVENT = "event", _("Event")
    COLD_CALL = "cold_call", _("Cold call")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")


class Client(SoftDeleteModel, VersionedModel):
    name = models.CharField(_("name or company name"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    tax_id = models.CharField(_("RIF/NIT"), max_length=20)
    kind = models.CharField(
        _("type"), max_length=10, choices=ClientKind.choices, default=ClientKind.COMPANY
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
    )
    segment = models.CharField(_("segment"), max_length=1, choices=Segment.choices)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    lead_source = models.CharField(
        _("lead source"), max_length=12, choices=LeadSource.choices, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned executive"),
        on_delete=models.PROTECT,
        related_name="clients",
    )
    potential = models.DecimalField(
        _("business potential"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=Q(deleted_at__isnull=True),
                name="client_unique_live_tax_id",
                violation_error_message=_("A client with this RIF/NIT already exists."),
            )
        ]
        indexes = [
            models.Index(fields=["owner", "name"], name="client_owner_name"),
            models.Index(fields=["segment"], name="client_segment"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("crm:client_detail", args=[self.pk])


class ClientUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct-foreign-key table for per-client grants (sharing)."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class Contact(SoftDeleteModel, VersionedModel):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("contact name"), max_length=150)
    position = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_primary=True, deleted_at__isnull=True),
                name="contact_one_primary_per_client",
                violation_error_message=_("A client has only one primary contact."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChangeRecord(models.Model):
    """One field of one record changed by one person: the "Historial" of a client."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        RESTORED = "restored", _("Restored")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="change_records", editable=False
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    field = models.CharField(max_length=100, blank=True)
    field_label = models.CharField(max_length=100, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    version = models.PositiveIntegerField(null=True, help_text="The record's version after it.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("history")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["client", "-changed_at"], name="change_client_time")]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.field_label or self.get_action_display()}"


# Opportunities ------------------------------------------------------------------------------


class Stage(models.TextChoices):
    PROSPECTING = "prospecting", _("Prospecting")
    QUALIFICATION = "qualification", _("Qualification")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    CLOSING = "closing", _("Closing")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_STAGES = (
    Stage.PROSPECTING,
    Stage.QUALIFICATION,
    Stage.PROPOSAL,
    Stage.NEGOTIATION,
    Stage.CLOSING,
)
CLOSED_STAGES = (Stage.WON, Stage.LOST)


class StageSetting(models.Model):
    """Admin-editable defaults of a pipeline stage."""

    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices, unique=True)
    default_probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), validators=[MaxValueValidator(100)]
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow up every (days)"),
        null=True,
        blank=True,
        help_text=_("Expected contact frequency while an opportunity is in this stage."),
    )

    class Meta:
        verbose_name = _("stage setting")
        verbose_name_plural = _("stage settings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_stage_display()


class ProductService(models.Model):
    """Admin-maintained catalogue of "Productos/servicios de interés"."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Competitor(models.Model):
    """Competitors that won deals; grows as users type new names."""

    name = models.CharField(_("name"), max_length=150)
    name_key = models.CharField(max_length=150, unique=True, editable=False)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class LossReason(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITION = "competition", _("Competition")
    TIMING = "timing", _("Timing")
    BUDGET = "budget", _("Budget")
    NO_RESPONSE = "no_response", _("No response")
    OTHER = "other", _("Other")


class Opportunity(SoftDeleteModel, VersionedModel):
    name = models.CharField(_("opportunity name"), max_length=200)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="opportunities"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("primary contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    estimated_value = models.DecimalField(
        _("estimated value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # Amounts are in the company currency today; the field is here for per-deal currencies.
    currency = models.CharField(_("currency"), max_length=3, default="USD", editable=False)
    expected_close_date = models.DateField(_("expected close date"))
    probability = models.PositiveSmallIntegerField(
        _("closing probability (%)"), validators=[MaxValueValidator(100)]
    )
    probability_overridden = models.BooleanField(
        _("probability set by hand"), default=False, editable=False
    )
    stage = models.CharField(
        _("stage"), max_length=15, choices=Stage.choices, default=Stage.PROSPECTING
    )
    stage_changed_at = models.DateTimeField(_("in this stage since"), editable=False)
    products = models.ManyToManyField(
        ProductService, verbose_name=_("products/services of interest"), blank=True
    )
    customer_needs = models.TextField(_("customer needs"), blank=True)
    competition = models.TextField(_("competition"), blank=True)
    decision_factors = models.TextField(_("decision factors"), blank=True)
    # BANT: each answered yes/no (None = not answered yet) with a note.
    bant_budget = models.BooleanField(_("Budget: has budget?"), null=True, blank=True)
    bant_budget_note = models.CharField(_("budget note"), max_length=300, blank=True)
    bant_authority = models.BooleanField(
        _("Authority: is the decision maker?"), null=True, blank=True
    )
    bant_authority_note = models.CharField(_("authority note"), max_length=300, blank=True)
    bant_need = models.BooleanField(_("Need: has a real need?"), null=True, blank=True)
    bant_need_note = models.CharField(_("need note"), max_length=300, blank=True)
    bant_timeline = models.BooleanField(_("Timeline: plans to buy soon?"), null=True, blank=True)
    bant_timeline_note = models.CharField(_("timeline note"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    # Won ("Cerrar Venta").
    actual_value = models.DecimalField(
        _("actual sale value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    closed_on = models.DateField(_("close date"), null=True, blank=True)
    agreed_terms = models.TextField(_("agreed terms"), blank=True)
    contract_terms = models.TextField(_("contract terms"), blank=True)
    special_conditions = models.TextField(_("special conditions"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    # Lost ("Gestionar Oportunidad Perdida").
    loss_reason = models.CharField(
        _("loss reason"), max_length=12, choices=LossReason.choices, blank=True
    )
    winning_competitor = models.ForeignKey(
        Competitor,
        verbose_name=_("competitor that won"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="won_opportunities",
    )
    loss_notes = models.TextField(_("additional notes"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100),
                name="opportunity_probability_max_100",
                violation_error_message=_("The probability goes from 0 to 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__gte=0),
                name="opportunity_value_not_negative",
                violation_error_message=_("The estimated value cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "expected_close_date"], name="opp_stage_close"),
            models.Index(fields=["expected_close_date", "id"], name="opp_close"),
            models.Index(fields=["owner", "stage"], name="opp_owner_stage"),
            models.Index(fields=["client", "stage"], name="opp_client_stage"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("crm:opportunity_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def weighted_value(self):
        return self.estimated_value * self.probability / 100

    @property
    def requires_follow_up(self) -> bool:
        """ "Requiere seguimiento", on a row annotated by with_activity_dates()."""
        from crm.follow_up import needs_follow_up

        return needs_follow_up(self, follow_up_days=getattr(self, "follow_up_days", None))

    @property
    def bant_answered(self) -> bool:
        return None not in (
            self.bant_budget,
            self.bant_authority,
            self.bant_need,
            self.bant_timeline,
        )


class OpportunityUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct-foreign-key table: opportunities shared with a colleague."""

    content_object = models.ForeignKey(Opportunity, on_delete=models.CASCADE)


class StageChange(models.Model):
    """One move of one opportunity through the pipeline: conversion and cycle time come from
    these rows. Written only by services.opportunity_move_stage (and creation)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from"), max_length=15, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=15, choices=Stage.choices)
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["opportunity", "-changed_at"], name="stagechange_opp_time"),
            models.Index(fields=["to_stage", "changed_at"], name="stagechange_to_time"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_stage} → {self.to_stage}"


# Activities ---------------------------------------------------------------------------------


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


class Activity(SoftDeleteModel, VersionedModel):
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
        from django.utils import timezone

        return (
            self.is_planned and self.scheduled_at is not None and self.scheduled_at < timezone.now()
        )


# Complaints -----------------------------------------------------------------------------------


class ComplaintArea(models.TextChoices):
    OPERATIONS = "operations", _("Operations")
    FINANCE = "finance", _("Finance")
    LEGAL = "legal", _("Legal")
    QUALITY = "quality", _("Quality")
    SALES = "sales", _("Sales")


class ComplaintPriority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Complaint(SoftDeleteModel, VersionedModel):
    """A "reclamo" (support ticket) of a dissatisfied client."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="complaints"
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    project = models.ForeignKey(
        "projects_ro.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    source_activity = models.ForeignKey(
        Activity,
        verbose_name=_("from the activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        editable=False,
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    area = models.CharField(_("responsible area"), max_length=12, choices=ComplaintArea.choices)
    priority = models.CharField(
        _("priority"),
        max_length=8,
        choices=ComplaintPriority.choices,
        default=ComplaintPriority.MEDIUM,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_complaints",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executive"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    client_satisfied = models.BooleanField(
        _("the client confirmed being satisfied"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="complaint_status_time"),
            models.Index(fields=["client", "-created_at"], name="complaint_client_time"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("crm:complaint_detail", args=[self.pk])
