"""Opportunities, the pipeline stages and the rows of every stage change."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from crm.follow_up import FollowUpState
from crm.models.base import (
    ActivityFacts,
    ActivityFactsQuerySet,
    EditFlagQuerySet,
    Record,
    SearchTextModel,
    SearchTextQuerySet,
    name_key,
    sort_indexes,
)
from crm.models.clients import Client, Contact
from crm.models.exchange_rates import currency_field, rate_field, ves_field
from crm.recycle_bin import AllObjectsManager, LiveManager, LiveQuerySet

if TYPE_CHECKING:
    from crm.models.activities import Activity, ActivityQuerySet


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

# BANT (FAQ "¿Cómo califico un lead?"): the four yes/no questions, each with its note field.
BANT_QUESTIONS = ("bant_budget", "bant_authority", "bant_need", "bant_timeline")
BANT_FIELDS = tuple(name for question in BANT_QUESTIONS for name in (question, f"{question}_note"))


class StageSettingQuerySet(models.QuerySet["StageSetting"]):
    def follow_up_days(self) -> dict[str, int]:
        """The FAQ's "¿Con qué frecuencia debo dar seguimiento?" as edited in admin:
        stage -> days, for the stages that have a frequency."""
        return dict(
            self.filter(follow_up_days__isnull=False).values_list("stage", "follow_up_days")
        )


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

    objects = StageSettingQuerySet.as_manager()

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class LossReason(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITION = "competition", _("Competition")
    TIMING = "timing", _("Timing")
    BUDGET = "budget", _("Budget")
    NO_RESPONSE = "no_response", _("No response")
    OTHER = "other", _("Other")


# The ignore[override] below: django-stubs generates an `as_manager` for each QuerySet class,
# and one built from two of them cannot return both generated managers (a stubs limit).
class OpportunityQuerySet(  # type: ignore[override]
    ActivityFactsQuerySet["Opportunity"],
    EditFlagQuerySet["Opportunity"],
    SearchTextQuerySet["Opportunity"],
    LiveQuerySet["Opportunity"],
):
    """Query shapes of opportunities. The follow-up rule (see crm.follow_up) is written here
    once, over the activity facts every opportunity keeps (`last_activity_at`,
    `next_activity_at`, see crm.models.base.ActivityFacts): `planned_activities()` and
    `done_activities()` define which activities count, `_stale_before` the frequencies;
    the per-row state of a page and the selections over the whole pipeline read the same
    columns."""

    @classmethod
    def live_activities(cls, *, outer: str = "pk") -> "ActivityQuerySet":
        """Live, not cancelled activities of the outer opportunity (`outer`: the expression
        that gives its id). No import of Activity: its module imports this one."""
        activity = cast("type[Activity]", Opportunity._meta.get_field("activities").related_model)
        return activity.objects.filter(opportunity=OuterRef(outer), cancelled_at__isnull=True)

    @staticmethod
    def _stale_before(now: datetime) -> tuple[list[str], Case | None]:
        """The open stages that have a frequency, and per row the moment before which the
        last touch makes it stale (NULL for stages without a frequency). One small query."""
        frequencies = {
            stage: days
            for stage, days in StageSetting.objects.follow_up_days().items()
            if stage in OPEN_STAGES
        }
        if not frequencies:
            return [], None
        threshold = Case(
            *[
                When(stage=stage, then=Value(now - timedelta(days=days)))
                for stage, days in frequencies.items()
            ],
            output_field=DateTimeField(),
        )
        return list(frequencies), threshold

    def open(self) -> "OpportunityQuerySet":
        """In one of the OPEN_STAGES (neither won nor lost)."""
        return self.filter(stage__in=OPEN_STAGES)

    def closed(self) -> "OpportunityQuerySet":
        """Won or lost (CLOSED_STAGES): the stages named, so that with a close-date range
        both databases read the range of the covering index opp_closed_report."""
        return self.filter(stage__in=CLOSED_STAGES)

    def with_activity_dates(
        self, *, now: datetime | None = None, page: bool = False
    ) -> "OpportunityQuerySet":
        """Beside the kept `last_activity_at` and `next_activity_at`, the subjects of those
        activities (a join on their id) and whether the next one is overdue.

        `page=True` (a page of rows): each subject is a subquery on the activity's pk
        instead, so that the list's keys query (config.pagination) joins no activity. Even
        unused, those joins kept PostgreSQL from reading the keys from an index (the list
        sorted by "Ejecutivo": 70 -> 3 ms). An export of every row keeps the joins."""
        now = now or timezone.now()
        activities = self.model._meta.get_field("last_activity").related_model._base_manager

        def subject(fact: str) -> F | Subquery:
            if not page:
                return F(f"{fact}__subject")
            return Subquery(activities.filter(pk=OuterRef(f"{fact}_id")).values("subject")[:1])

        return self.annotate(
            last_activity_subject=subject("last_activity"),
            next_activity_subject=subject("next_activity"),
            # The earliest planned activity is overdue iff any is.
            has_overdue_activity=ExpressionWrapper(
                Q(next_activity_at__lt=now), output_field=BooleanField()
            ),
        )

    def with_follow_up_state(self, *, now: datetime | None = None) -> "OpportunityQuerySet":
        """The activity dates plus `follow_up_state` (a crm.follow_up.FollowUpState) of each
        row, in the same query: for a page of rows (board cards, list, one opportunity).
        REQUIRED here selects the same rows as requiring_follow_up() (a test holds them
        together); after it, its threshold is reused without reading the frequencies again."""
        now = now or timezone.now()
        rows = self
        if "untouched_before" not in self.query.annotations:
            _stages, threshold = self._stale_before(now)
            rows = rows.alias(untouched_before=threshold or Value(None, DateTimeField()))
        last_touch = Greatest("stage_changed_at", Coalesce("last_activity_at", "stage_changed_at"))
        return rows.with_activity_dates(now=now, page=True).annotate(
            follow_up_state=Case(
                When(~Q(stage__in=OPEN_STAGES), then=Value(FollowUpState.CLOSED)),
                When(next_activity_at__lt=now, then=Value(FollowUpState.OVERDUE)),
                When(next_activity_at__isnull=False, then=Value(FollowUpState.PLANNED)),
                When(untouched_before__gt=last_touch, then=Value(FollowUpState.REQUIRED)),
                default=Value(FollowUpState.UNPLANNED),
                output_field=CharField(),
            )
        )

    def without_next_activity(self) -> "OpportunityQuerySet":
        """Open opportunities with nothing planned: REQUIRED + UNPLANNED. Served by the
        partial index `opp_unplanned` (its condition, written the same way)."""
        return self.filter(UNPLANNED_CONDITION, stage__in=OPEN_STAGES)

    def requiring_follow_up(self, *, now: datetime | None = None) -> "OpportunityQuerySet":
        """ "Requiere seguimiento" over any number of rows: nothing planned, and neither a
        stage move nor an activity done since its stage's threshold. Selects exactly the
        rows whose follow_up_state is REQUIRED."""
        now = now or timezone.now()
        stages, threshold = self._stale_before(now)
        if threshold is None:
            return self.none()
        return (
            self.without_next_activity()
            .filter(stage__in=stages)
            .alias(untouched_before=threshold)
            .filter(stage_changed_at__lt=F("untouched_before"))
            .filter(
                Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=F("untouched_before"))
            )
        )


# Live, nothing planned: the partial index of without_next_activity() (which adds the open
# stages; SQLite uses a partial index only when the query repeats each of its terms, and an
# IN list with parameters never matches one written in the index).
UNPLANNED_CONDITION = Q(deleted_at__isnull=True, next_activity_at__isnull=True)


OpportunityManagerBase = LiveManager.from_queryset(OpportunityQuerySet)
OpportunityAllObjectsManager = AllObjectsManager.from_queryset(OpportunityQuerySet)


class OpportunityManager(OpportunityManagerBase):
    """Live opportunities (as every Record) with the query shapes of OpportunityQuerySet."""


class Opportunity(Record, SearchTextModel, ActivityFacts):
    SEARCH_SOURCE_FIELDS = ("name",)

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
    # estimated_value is the USD value; these freeze the currency it was typed in, the VES
    # per USD of the day it was entered and its VES value (crm.services.currency).
    estimated_value_currency = currency_field(_("currency of the estimated value"))
    estimated_value_rate = rate_field(_("exchange rate of the estimated value"))
    estimated_value_ves = ves_field(_("estimated value in VES"))
    # The company currency when the opportunity was created (kept for history).
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
    # The stage's place in the pipeline (its code sorts alphabetically), kept by the database
    # itself: what "Etapa" sorts by, through an index like every other sort of the list.
    stage_position = models.GeneratedField(
        expression=Case(
            *[When(stage=stage, then=Value(position)) for position, stage in enumerate(Stage)],
            output_field=models.PositiveSmallIntegerField(),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
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
    actual_value_currency = currency_field(_("currency of the actual sale value"))
    actual_value_rate = rate_field(_("exchange rate of the actual sale value"))
    actual_value_ves = ves_field(_("actual sale value in VES"))
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

    objects: ClassVar[OpportunityManager] = OpportunityManager()
    all_objects: ClassVar[OpportunityAllObjectsManager] = OpportunityAllObjectsManager()

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
            # The board's stage totals and the list's totals, read from this index alone
            # (no table rows): the columns of their filters and sums.
            models.Index(
                fields=[
                    "stage",
                    "owner",
                    "expected_close_date",
                    "estimated_value",
                    "probability",
                    "client",
                    "id",
                    "deleted_at",  # SQLite reads a partial index alone only with it
                ],
                name="opp_live_totals",
                condition=Q(deleted_at__isnull=True),
            ),
            # Every sort of the opportunity list, both ways (the pk, the tie-break, always
            # ascends); owner and client trail so that the "own" visibility
            # and the deleted-client test read the index alone.
            *sort_indexes(
                "opp",
                {
                    "name": "name",
                    "value": "estimated_value",
                    "prob": "probability",
                    "close": "expected_close_date",
                    "stage": "stage_position",
                },
                then=["id"],
                covering=["owner_id", "client_id"],
            ),
            # "Own only" visibility of the rows that point to an opportunity (activities,
            # complaints, documents): the user's live opportunities, index-only.
            models.Index(
                fields=["owner", "client", "id"],
                name="opp_live_owner",
                condition=Q(deleted_at__isnull=True),
            ),
            # The client list's "Oportunidades" column and its sort: each client's open
            # opportunities counted from the index alone (20,000 clients sorted by it: 72 ->
            # 39 ms on PostgreSQL at the reference volume).
            models.Index(
                fields=["client", "id"],
                name="opp_open_client",
                condition=Q(deleted_at__isnull=True, stage__in=OPEN_STAGES),
            ),
            # The recycle bin's few rows, excluded by the documents list (h-docs).
            models.Index(
                fields=["deleted_at"], name="opp_deleted", condition=Q(deleted_at__isnull=False)
            ),
            # Covering indexes of the reports' and dashboard's aggregates: every column they
            # read is in the key (id too: SQLite has no INCLUDE), so both databases answer from
            # the index alone. The open pipeline by stage, owner and expected close date:
            models.Index(
                fields=[
                    "stage",
                    "owner",
                    "expected_close_date",
                    "estimated_value",
                    "probability",
                    "client",
                    "stage_changed_at",
                    "id",
                ],
                name="opp_pipeline_report",
                condition=Q(deleted_at__isnull=True),
            ),
            # The same, led by the expected close date: the team's pipeline of a period (no
            # executive chosen) reads only the period's entries; SQLite picked the bare
            # (stage, expected close) index and read every row of the table (3 years: 232 ->
            # 91 ms for the grouped stage and month totals).
            models.Index(
                fields=[
                    "stage",
                    "expected_close_date",
                    "owner",
                    "estimated_value",
                    "probability",
                    "client",
                    "stage_changed_at",
                    "id",
                    "deleted_at",  # SQLite reads a partial index alone only with it
                ],
                name="opp_pipeline_period",
                condition=Q(deleted_at__isnull=True),
            ),
            # Won and lost by close date (Ventas, Pérdidas, the dashboard's won figures).
            models.Index(
                fields=[
                    "stage",
                    "closed_on",
                    "owner",
                    "actual_value",
                    "estimated_value",
                    "client",
                    "created_at",
                    "id",
                ],
                name="opp_closed_report",
                condition=Q(deleted_at__isnull=True, closed_on__isnull=False),
            ),
            # Opportunities with nothing planned, the few "requiere seguimiento" and "sin
            # próxima actividad" pick by stage (whole team and per executive).
            models.Index(
                fields=["stage", "owner", "stage_changed_at"],
                name="opp_unplanned",
                condition=UNPLANNED_CONDITION,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("crm:opportunity_detail", args=[self.pk])

    def search_parts(self) -> tuple[str, ...]:
        return (self.name,)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def weighted_value(self) -> Decimal:
        return self.estimated_value * self.probability / 100

    @property
    def follow_up(self) -> FollowUpState | None:
        """The follow-up state of a row annotated by with_follow_up_state() (else None)."""
        state = getattr(self, "follow_up_state", None)
        return None if state is None else FollowUpState(state)

    @property
    def bant_answered(self) -> bool:
        return all(getattr(self, name) is not None for name in BANT_QUESTIONS)


class OpportunityUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct-foreign-key table: opportunities shared with a colleague."""

    content_object = models.ForeignKey(Opportunity, on_delete=models.CASCADE)


# The stages in pipeline order, with Ganada last: "a later stage" is one further right.
FORWARD_STAGES = (*OPEN_STAGES, Stage.WON)


class StageChangeQuerySet(models.QuerySet["StageChange"]):
    """The stage facts kept on every row (`advanced`, `previous_entry_at`): defined here,
    refreshed by every insert (save, bulk_create), recomputed in bulk by
    crm.services.stage_facts.recompute_all. Each refresh is ONE UPDATE whose columns are
    correlated subqueries over these definitions, so the kept values are by construction
    what a fresh computation gives."""

    @staticmethod
    def advanced_fact() -> Case:
        """True when a change of the same opportunity at this row's moment or later went to
        a stage further right than this row's (for a Perdida row: to any stage of
        FORWARD_STAGES)."""
        later = StageChange.objects.filter(
            opportunity=OuterRef("opportunity"), changed_at__gte=OuterRef("changed_at")
        )
        whens = [
            When(
                to_stage=stage,
                then=Exists(later.filter(to_stage__in=FORWARD_STAGES[index + 1 :])),
            )
            for index, stage in enumerate(FORWARD_STAGES)
        ]
        return Case(*whens, default=Exists(later.filter(to_stage__in=FORWARD_STAGES)))

    @staticmethod
    def previous_entry_fact() -> Subquery:
        """The moment of the same opportunity's latest earlier entry (by moment, then id)
        into the same stage."""
        earlier = StageChange.objects.filter(
            Q(changed_at__lt=OuterRef("changed_at"))
            | Q(changed_at=OuterRef("changed_at"), pk__lt=OuterRef("pk")),
            opportunity=OuterRef("opportunity"),
            to_stage=OuterRef("to_stage"),
        )
        return Subquery(earlier.order_by("-changed_at", "-pk").values("changed_at")[:1])

    @classmethod
    def facts(cls) -> dict:
        return {"advanced": cls.advanced_fact(), "previous_entry_at": cls.previous_entry_fact()}

    def refresh_facts(self, *, opportunity_ids: Iterable[int | None]) -> None:
        """Recompute the facts of every row of these opportunities (None ids ignored), in the
        caller's transaction, the opportunities locked in id order first so two writers of
        one opportunity's stages compute in turn."""
        ids = sorted({pk for pk in opportunity_ids if pk is not None})
        if not ids:
            return
        with transaction.atomic(using=self.db):
            if connections[self.db].features.has_select_for_update:
                locked = Opportunity.all_objects.using(self.db).filter(pk__in=ids)
                list(locked.select_for_update().order_by("pk").values_list("pk", flat=True))
            self.model.objects.using(self.db).filter(opportunity_id__in=ids).update(**self.facts())

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        """Rows loaded in bulk (a fixture, the benchmark's fill) get their facts too, in the
        same transaction."""
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            self.refresh_facts(opportunity_ids={row.opportunity_id for row in created})
        return created


class StageChange(models.Model):
    """One move of one opportunity through the pipeline: conversion and cycle time come from
    these rows. Written only by crm.opportunities.services: its `_move`, behind
    `opportunity_move_stage` and a follow-up's stage change (`opportunity_log_follow_up`),
    and `opportunity_create` (the devtools volume fill bulk-creates them).

    `advanced` and `previous_entry_at` are facts about the opportunity's other rows, kept on
    every insert (save or bulk_create) by StageChangeQuerySet.refresh_facts, their only
    writer."""

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
    # Kept facts (crm.services.stage_facts): a change of the same opportunity at this moment
    # or later went to a stage further right (FORWARD_STAGES; Perdida never is) ...
    advanced = models.BooleanField(_("advanced later"), default=False, editable=False)
    # ... and when the opportunity last entered this same stage before this row (ordered by
    # moment, then id), None for its first entry.
    previous_entry_at = models.DateTimeField(
        _("previous entry"), null=True, blank=True, editable=False
    )

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["opportunity", "-changed_at"], name="stagechange_opp_time"),
            # "Moved on later" when the facts are kept: an index-only probe per row.
            models.Index(
                fields=["opportunity", "changed_at", "to_stage"], name="stagechange_opp_later"
            ),
            # The conversion cohorts: entries of a stage in a period, with their opportunity
            # and kept facts (covering: the cohort is counted from the index alone).
            models.Index(
                fields=["to_stage", "changed_at", "opportunity", "advanced", "previous_entry_at"],
                name="stagechange_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_stage} → {self.to_stage}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every insert keeps the facts of the opportunity's rows (StageChangeQuerySet)."""
        using = kwargs.get("using") or router.db_for_write(StageChange)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            StageChange.objects.using(using).refresh_facts(opportunity_ids=[self.opportunity_id])
            self.refresh_from_db(fields=["advanced", "previous_entry_at"])
