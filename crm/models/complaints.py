"""Complaints ("reclamos") of dissatisfied clients."""

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.models.activities import Activity
from crm.models.base import EditFlagQuerySet, Record, SearchTextModel, SearchTextQuerySet
from crm.models.clients import Client
from crm.models.opportunities import Opportunity
from crm.recycle_bin import AllObjectsManager, LiveManager, LiveQuerySet


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


OPEN_STATUSES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


# The ignore[override] below: django-stubs generates an `as_manager` for each QuerySet class,
# and one built from two of them cannot return both generated managers (a stubs limit).
class ComplaintQuerySet(  # type: ignore[override]
    EditFlagQuerySet["Complaint"], SearchTextQuerySet["Complaint"], LiveQuerySet["Complaint"]
):
    def open(self) -> Self:
        """Still to resolve: open or in progress."""
        return self.filter(status__in=OPEN_STATUSES)

    def with_page_details(self) -> Self:
        """What a complaint's page shows beyond its list row, in the same query."""
        return self.select_related("opportunity", "project", "source_activity", "created_by")


ComplaintManager = LiveManager.from_queryset(ComplaintQuerySet)
ComplaintAllObjectsManager = AllObjectsManager.from_queryset(ComplaintQuerySet)


class Complaint(Record, SearchTextModel):
    """A "reclamo" (support ticket) of a dissatisfied client."""

    SEARCH_SOURCE_FIELDS = ("subject", "description")

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

    objects: ClassVar[ComplaintManager] = ComplaintManager()
    all_objects: ClassVar[ComplaintAllObjectsManager] = ComplaintAllObjectsManager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="complaint_status_time"),
            models.Index(fields=["client", "-created_at"], name="complaint_client_time"),
            # The reclamo created from an activity (the agenda rows' `complaint_pk`): only
            # the few complaints that have one, so that SQLite's statistics never judge
            # the lookup by the many NULLs and scan every complaint per row instead.
            models.Index(
                fields=["source_activity"],
                name="complaint_from_activity",
                condition=models.Q(source_activity__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("crm:complaint_detail", args=[self.pk])

    def search_parts(self) -> tuple[str, ...]:
        return (self.subject, self.description)
