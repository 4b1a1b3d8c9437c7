"""Action plans made from a report ("Crear plan de acción para mejorar pipeline")."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.models.activities import Activity
from crm.models.clients import Industry, Segment


class ActionPlan(models.Model):
    """An objective with its actions, saved with the report's filters and period so that
    anyone opening it sees the figures it answered."""

    report = models.CharField(_("report"), max_length=20, default="pipeline")
    objective = models.TextField(_("objective"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executive"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    segment = models.CharField(
        _("client segment"), max_length=1, choices=Segment.choices, blank=True
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The report's query string, to reopen the report exactly as it was filtered.
    report_query = models.CharField(max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="actionplan_by_time")]

    def __str__(self) -> str:
        return self.objective[:60]

    def get_absolute_url(self) -> str:
        return reverse("crm:report_action_plan_detail", args=[self.pk])


class ActionPlanItem(models.Model):
    """One action of a plan: what, who and by when; it may become a scheduled activity."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("date"))
    activity = models.OneToOneField(
        Activity,
        verbose_name=_("scheduled activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_plan_item",
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description
