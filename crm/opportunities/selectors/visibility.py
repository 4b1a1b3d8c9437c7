"""Who sees and who edits an opportunity: THE visibility rule (`opportunities_visible_to`,
and `opportunity_is_visible` for another table's rows), THE edit rule (`opportunity_edit_rule`
and its flag and per-row check), the one-row reads of the write and read URLs
(`get_opportunity_for_user_or_404`, `get_editable_opportunity_or_403`, the hand-off areas'
`get_notified_opportunity_or_403`) and the recycle bin's. Every app that lists opportunities
or rows linked to one (activities, documents, dashboard, reports) starts here."""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.shortcuts import get_object_or_404

from accounts.models import CompanySettings, User, Visibility
from accounts.roles import is_manager
from crm.models import (
    Activity,
    Client,
    Opportunity,
    OpportunityUserObjectPermission,
    StageChange,
)
from crm.models.opportunities import OpportunityQuerySet
from crm.recycle_bin import deleted_visible_to


def sees_every_opportunity(*, user: User) -> bool:
    """Whether the user's scope is every live opportunity (a manager, or a level that shows
    them all): callers such as the documents list then skip matching against the table."""
    return is_manager(user) or CompanySettings.load().opportunity_visibility != Visibility.OWN


def of_live_clients() -> Q:
    """Rows (opportunities, activities) whose client is not in the recycle bin.

    Written as an anti-join against the few deleted clients (partial index client_deleted)
    rather than a join to every client: the reports' and dashboard's aggregates then read
    one table (a covering index) instead of hashing all 20,000 clients per query."""
    return ~Q(client__in=Client.all_objects.deleted().values("pk"))


def of_live_opportunities(column: str = "opportunity") -> Q:
    """Rows (stage changes, activities…) whose opportunity `column` points to is live and of
    a live client: `opportunities_visible_to` of a user who sees every opportunity, as a
    condition on the other table. Written as two anti-joins against the few hidden
    opportunities (in the recycle bin: partial index opp_deleted; of a client in it: the
    client index) rather than a semi-join against every live one, so that an aggregate over
    many rows hashes a handful of ids instead of 100,000 (tests/crm/test_report_scope
    checks it against the semi-join)."""
    in_bin = Opportunity.all_objects.deleted().values("pk")
    of_deleted_clients = Opportunity.all_objects.filter(
        client__in=Client.all_objects.deleted().values("pk")
    ).values("pk")
    return ~Q(**{f"{column}__in": in_bin}) & ~Q(**{f"{column}__in": of_deleted_clients})


def _granted(user: User, codename: str) -> QuerySet:
    """Ids of the opportunities shared with the user at that level (guardian's direct-FK
    table): "view_opportunity" for every share, plus "change_opportunity" for "edit"."""
    return OpportunityUserObjectPermission.objects.filter(
        user=user, permission__codename=codename
    ).values("content_object_id")


def opportunities_visible_to(*, user: User) -> OpportunityQuerySet:
    """Live opportunities of live clients the user may see.

    Managers and admins see all; executives all unless the company's opportunity visibility
    is "own only": then those they own or that were shared with them (one subquery).
    """
    opportunities = Opportunity.objects.filter(of_live_clients())
    if sees_every_opportunity(user=user):
        return opportunities
    return opportunities.filter(reduce(or_, _own_visibility(user)))


def _own_visibility(user: User) -> tuple[Q, Q]:
    """THE rule of "own only" visibility, as its branches: owned by the user, or shared
    with them (any level)."""
    return Q(owner=user), Q(pk__in=_granted(user, "view_opportunity"))


def opportunity_is_visible(user: User, *, column: str = "opportunity_id") -> Q:
    """`opportunities_visible_to`, as a condition on another table's row whose `column`
    points to the opportunity (an activity, a complaint, a document): one correlated
    EXISTS per branch of the rule. PostgreSQL hashes each branch once, the owned one an
    index-only range of the partial index opp_live_owner instead of a scan of every
    opportunity; SQLite looks up each candidate row's opportunity by primary key, so a
    page or a capped count costs its own rows, not the user's whole portfolio."""
    live = Opportunity.objects.filter(of_live_clients(), pk=OuterRef(column))
    if sees_every_opportunity(user=user):
        return Q(Exists(live))
    return reduce(or_, (Q(Exists(live.filter(branch))) for branch in _own_visibility(user)))


def opportunity_edit_rule(user: User, *, settings: CompanySettings | None = None) -> Q:
    """THE rule of who edits, moves, follows up, closes or deletes an opportunity (an empty
    Q: every visible one). Managers, admins and "view and edit all" edit all; otherwise the
    owner and the colleagues it was shared with at the "edit" level."""
    if is_manager(user):
        return Q()
    if (settings or CompanySettings.load()).opportunity_visibility == Visibility.EDIT_ALL:
        return Q()
    return Q(owner=user) | Q(pk__in=_granted(user, "change_opportunity"))


def opportunities_editable_by(*, user: User) -> OpportunityQuerySet:
    """Live opportunities the user may change (a subset of `opportunities_visible_to`)."""
    return opportunities_visible_to(user=user).filter(opportunity_edit_rule(user))


def user_can_edit_opportunity(*, user: User, opportunity: Opportunity) -> bool:
    """The per-object check of the same rule, for an opportunity already read from the
    user's scope. Uses the `user_can_edit` annotation when the row has it (no query)."""
    if hasattr(opportunity, "user_can_edit"):
        return opportunity.user_can_edit
    rule = opportunity_edit_rule(user)
    if not rule:
        return True
    return Opportunity.objects.filter(rule, pk=opportunity.pk).exists()


def get_opportunity_for_user_or_404(
    *, user: User, pk: int, follow_up_state: bool = False
) -> Opportunity:
    """One opportunity in the user's scope with its activity dates (and, for its page, its
    follow-up state: one more small query), or 404."""
    queryset = opportunities_visible_to(user=user).select_related(
        "client", "contact", "owner", "winning_competitor"
    )
    if follow_up_state:
        queryset = queryset.with_follow_up_state()
    else:
        queryset = queryset.with_activity_dates()
    queryset = queryset.with_edit_flag(opportunity_edit_rule(user))
    return get_object_or_404(queryset, pk=pk)


def get_editable_opportunity_or_403(*, user: User, pk: int) -> Opportunity:
    """An opportunity for a write URL: out of the user's scope 404, visible but not
    editable by them 403 (see `opportunity_edit_rule`)."""
    opportunity = get_opportunity_for_user_or_404(user=user, pk=pk)
    if not user_can_edit_opportunity(user=user, opportunity=opportunity):
        raise PermissionDenied
    return opportunity


def opportunities_notified_to(*, user: User) -> OpportunityQuerySet:
    """The live opportunities the user received a notification about (a hand-off area's
    "Venta cerrada"): what they may open, read-only, without the CRM module."""
    notified = user.notifications.filter(opportunity__isnull=False).values("opportunity_id")
    return Opportunity.objects.filter(of_live_clients(), pk__in=notified)


def get_notified_opportunity_or_403(*, user: User, pk: int) -> Opportunity:
    """An opportunity for a hand-off user: only one they were notified about, else 403."""
    queryset = (
        opportunities_notified_to(user=user)
        .select_related("client", "contact", "owner", "winning_competitor")
        .with_follow_up_state()
        .annotate(user_can_edit=Value(False, output_field=BooleanField()))
    )
    opportunity = queryset.filter(pk=pk).first()
    if opportunity is None:
        raise PermissionDenied
    return opportunity


def stage_history(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    return opportunity.stage_changes.select_related("changed_by")


def activities_of(*, opportunity: Opportunity) -> QuerySet[Activity]:
    return opportunity.activities.select_related("owner", "contact")


def deleted_opportunities_visible_to(*, user: User) -> QuerySet[Opportunity]:
    """The recycle bin: admins see every deleted opportunity, others those they deleted."""
    return deleted_visible_to(Opportunity, user=user).select_related("client")
