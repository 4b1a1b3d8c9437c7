"""Reads behind an opportunity's three flows ("Dar Seguimiento", "Cerrar Venta", "Gestionar
Oportunidad Perdida"): each is one query whatever the number of rows."""

from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import Group
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from accounts.roles import HANDOFF_ROLES
from crm.models import SATISFACTION_TYPES, Activity, Competitor, Opportunity, StageSetting


def follow_up_days_by_stage() -> dict[str, int]:
    """The FAQ's "¿Con qué frecuencia debo dar seguimiento?" as edited in admin: stage -> days."""
    return StageSetting.objects.follow_up_days()


def pending_activities_of(*, opportunity: Opportunity) -> QuerySet[Activity]:
    """Planned activities not done nor cancelled, soonest first: what a follow-up may
    complete and what closing an opportunity asks to cancel or keep."""
    return opportunity.activities.planned().order_by("scheduled_at", "pk")


class CloseDefaults(TypedDict):
    """What `planned_activities_on_close` annotates on each activity."""

    cancel_by_default: bool


if TYPE_CHECKING:  # WithAnnotations can be subscripted by the type checker only
    from django_stubs_ext import WithAnnotations

    PlannedOnClose = WithAnnotations[Activity, CloseDefaults]


def planned_activities_on_close(*, opportunity: Opportunity) -> "list[PlannedOnClose]":
    """What is still planned for an opportunity about to be won or lost, each with
    `cancel_by_default`: pre-sale follow-ups are no longer due once it is closed, while a
    post-sale activity (a satisfaction call, a review meeting, a survey) stays."""
    cancel_by_default = ~Q(type__in=SATISFACTION_TYPES)
    return list(
        pending_activities_of(opportunity=opportunity).annotate(
            cancel_by_default=ExpressionWrapper(cancel_by_default, output_field=BooleanField())
        )
    )


def handoff_audience() -> dict[str, int]:
    """How many active people each hand-off area (Operaciones, Finanzas, Legal) has, so the
    "Cerrar Venta" page can say who will be told, or warn that nobody will."""
    counts = dict(
        Group.objects.filter(name__in=[role.value for role in HANDOFF_ROLES])
        .annotate(people=Count("user", filter=Q(user__is_active=True)))
        .values_list("name", "people")
    )
    return {role.value: counts.get(role.value, 0) for role in HANDOFF_ROLES}


def competitor_names() -> list[str]:
    """The "Competidor que ganó" catalogue, for the suggestions of the text box."""
    return list(Competitor.objects.order_by("name").values_list("name", flat=True))
