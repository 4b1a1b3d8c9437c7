"""Reads behind the opportunity form and page: the contacts a form may offer, the page's
timeline and the colleagues an opportunity is shared with. Callers pass objects already
scoped by crm.selectors / crm.opportunities.selectors.visibility."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import User
from crm.models import (
    Activity,
    ChangeRecord,
    Contact,
    Opportunity,
    OpportunityUserObjectPermission,
    StageChange,
)
from crm.opportunities.selectors.visibility import activities_of, stage_history
from crm.selectors.clients import clients_visible_to

TIMELINE_PAGE = 20
# "stage" changes are shown from their StageChange rows (with who moved it and the
# probability), so the history row the same move writes would only repeat them.
TIMELINE_HIDDEN_FIELDS = ("stage",)


def contacts_for_form(
    *, user: User, client_id: int | None, saved_client_id: int | None = None
) -> QuerySet[Contact]:
    """The live contacts of a client the user may see (primary first); none without one.

    `saved_client_id` is the client of the opportunity being edited: a colleague it was
    shared with keeps its contacts even when the client itself is not in their scope."""
    if client_id is None:
        return Contact.objects.none()
    contacts = Contact.objects.filter(client_id=client_id)
    if client_id != saved_client_id:
        contacts = contacts.filter(client__in=clients_visible_to(user=user))
    return contacts.order_by("-is_primary", "name", "pk")


@dataclass(frozen=True)
class TimelineEvent:
    """One line of the opportunity's timeline: an activity, a stage change or a field change."""

    kind: str  # "activity" | "stage" | "change"
    at: datetime
    item: Activity | StageChange | ChangeRecord


@dataclass(frozen=True)
class Timeline:
    events: list[TimelineEvent]
    has_more: bool
    pages: int


def opportunity_timeline(*, opportunity: Opportunity, pages: int = 1) -> Timeline:
    """Activities (done and planned), stage changes and field changes, newest first.

    Three queries whatever the history's length: each source gives at most `limit + 1`
    rows, newest first, so the newest `limit` events of the merge are exact and one more
    row anywhere tells that there are older ones ("Ver más" asks for one page more).
    """
    limit = TIMELINE_PAGE * pages
    activities = (
        activities_of(opportunity=opportunity)
        .annotate(happened_at=Coalesce(F("done_at"), F("scheduled_at")))
        .order_by("-happened_at", "-pk")[: limit + 1]
    )
    stages = stage_history(opportunity=opportunity).order_by("-changed_at", "-pk")[: limit + 1]
    changes = (
        ChangeRecord.objects.filter(
            content_type__app_label="crm",
            content_type__model="opportunity",
            object_id=opportunity.pk,
        )
        .exclude(action=ChangeRecord.Action.CREATED)
        .exclude(field__in=TIMELINE_HIDDEN_FIELDS)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")[: limit + 1]
    )
    events = [TimelineEvent("activity", a.happened_at, a) for a in activities]
    events += [TimelineEvent("stage", s.changed_at, s) for s in stages]
    events += [TimelineEvent("change", c.changed_at, c) for c in changes]
    events.sort(key=lambda event: event.at, reverse=True)
    return Timeline(events=events[:limit], has_more=len(events) > limit, pages=pages)


def opportunity_shared_with(*, opportunity: Opportunity) -> QuerySet[User]:
    """The colleagues an opportunity was shared with (guardian's direct-FK grants), each
    with `can_edit` when the share's level is "edit"."""
    grants = OpportunityUserObjectPermission.objects.filter(content_object=opportunity)
    viewers = grants.filter(permission__codename="view_opportunity").values("user_id")
    editors = grants.filter(permission__codename="change_opportunity", user=OuterRef("pk"))
    return (
        User.objects.filter(pk__in=viewers)
        .annotate(can_edit=Exists(editors))
        .order_by("first_name", "last_name", "username")
    )
