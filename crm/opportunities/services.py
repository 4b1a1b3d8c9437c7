"""Every write of an opportunity: create, edit (`opportunity_edit`, the form's save), the stage
moves, the follow-up, the won and lost flows, delete and restore, sharing.

`opportunity_move_stage` is the only writer of `stage`: every path (form, board, follow-up,
won and lost flows, import) goes through `_move`, which applies the probability defaults,
checks the FAQ rules (`crm.stage_rules.check_bant`) and writes the StageChange row. The board
and the move page call `opportunity_qualify_and_move`, which records the BANT answers first
when the move asks for them."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.models import CompanySettings, User
from accounts.notifications import notify
from accounts.roles import COMMERCIAL_ROLES, Role, is_manager, user_roles
from crm.concurrency import lock_and_check
from crm.history import record_action, record_changes, snapshot
from crm.models import (
    BANT_FIELDS,
    CLOSED_STAGES,
    OPEN_STAGES,
    Activity,
    ActivityType,
    ChangeRecord,
    Competitor,
    LossReason,
    Opportunity,
    ProductService,
    Stage,
    StageChange,
    StageSetting,
    name_key,
)
from crm.money import original_amount, original_currency
from crm.ownership import check_may_delete, check_owner_change
from crm.services.activities import ActivityInput, activities_cancel, activity_create
from crm.services.activity_facts import refresh_activity_facts, refresh_for_activities
from crm.services.clients import soft_delete
from crm.services.currency import set_amount, set_typed_amount
from crm.services.shares import ShareLevel, share_record, unshare_record
from crm.stage_rules import check_bant

OPPORTUNITY_FIELDS = (
    "name",
    "client",
    "contact",
    "estimated_value",
    "expected_close_date",
    "customer_needs",
    "competition",
    "decision_factors",
    *BANT_FIELDS,
    "owner",
)


@dataclass
class WonDetails:
    """What "Cerrar Venta" asks for."""

    actual_value: Decimal | None
    closed_on: date | None
    agreed_terms: str
    actual_value_currency: str = "USD"
    contract_terms: str = ""
    special_conditions: str = ""
    next_steps: str = ""
    requires_contract: bool = True


@dataclass
class LostDetails:
    """What "Gestionar Oportunidad Perdida" asks for."""

    loss_reason: str
    competitor_name: str = ""
    loss_notes: str = ""
    lessons_learned: str = ""


def default_probability(stage: str) -> int:
    setting = StageSetting.objects.filter(stage=stage).first()
    if setting is not None:
        return setting.default_probability
    closed: dict[str, int] = {Stage.WON: 100, Stage.LOST: 0}
    return closed.get(stage, 0)


def _check_contact(opportunity: Opportunity) -> None:
    contact = opportunity.contact  # None without a query when no contact is set
    if contact is not None and contact.client_id != opportunity.client_id:
        raise ValidationError(
            {"contact": _("The primary contact must be a contact of the client.")}
        )


def _check_owner(owner: User) -> None:
    if not set(COMMERCIAL_ROLES) & user_roles(owner):
        raise ValidationError({"owner": _("The owner must be a sales executive or manager.")})


@transaction.atomic
def opportunity_create(
    *,
    user: User,
    data: dict,
    stage: str = Stage.PROSPECTING,
    probability: int | None = None,
    products: Iterable[ProductService] = (),
    next_activity: ActivityInput | None = None,
) -> Opportunity:
    """ "Crear Oportunidad de Negocio": the opportunity, its first stage row and, if given,
    the next activity."""
    if stage not in OPEN_STAGES:
        raise ValidationError({"stage": _("A new opportunity starts in an open stage.")})
    opportunity = Opportunity(
        created_by=user,
        stage=stage,
        stage_changed_at=timezone.now(),
        currency=CompanySettings.load().currency,
        **_pick(data),
    )
    set_typed_amount(opportunity, data, "estimated_value", on=timezone.localdate())
    stage_default = default_probability(stage)
    opportunity.probability = stage_default if probability is None else probability
    opportunity.probability_overridden = opportunity.probability != stage_default
    if opportunity.expected_close_date and opportunity.expected_close_date < timezone.localdate():
        raise ValidationError(
            {"expected_close_date": _("The expected close date cannot be in the past.")}
        )
    check_bant(opportunity, to_stage=stage)
    _check_owner(opportunity.owner)
    opportunity.full_clean()
    _check_contact(opportunity)
    opportunity.save()
    opportunity.products.set(products)
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage="",
        to_stage=stage,
        probability=opportunity.probability,
        changed_by=user,
        changed_at=opportunity.stage_changed_at,
    )
    record_changes(instance=opportunity, client=opportunity.client, before=None, user=user)
    if next_activity is not None:
        _schedule(user=user, opportunity=opportunity, activity=next_activity)
    return opportunity


def _pick(data: dict) -> dict:
    return {name: data[name] for name in OPPORTUNITY_FIELDS if name in data}


def _schedule(*, user: User, opportunity: Opportunity, activity: ActivityInput) -> Activity:
    if activity.scheduled_at is not None and activity.scheduled_at < timezone.now():
        raise ValidationError({"scheduled_at": _("The next activity must be in the future.")})
    return activity_create(
        user=user,
        client=opportunity.client,
        opportunity=opportunity,
        data=activity,
        owner=opportunity.owner,
    )


@transaction.atomic
def opportunity_update(
    *,
    user: User,
    opportunity_id: int,
    expected_version: int,
    data: dict,
    products: Iterable[ProductService] | None = None,
) -> Opportunity:
    """Edit an opportunity's fields (not its stage). Only managers change the owner."""
    opportunity = lock_and_check(Opportunity, pk=opportunity_id, expected_version=expected_version)
    before = snapshot(opportunity)
    old_owner = opportunity.owner
    # Frozen again at today's rate only when the amount as typed or its currency changed.
    set_typed_amount(opportunity, data, "estimated_value", on=timezone.localdate())
    for name, value in _pick(data).items():
        if name != "estimated_value":
            setattr(opportunity, name, value)
    check_owner_change(user=user, old_owner_id=old_owner.pk, new_owner_id=opportunity.owner_id)
    if opportunity.owner_id != old_owner.pk:
        _check_owner(opportunity.owner)
    if "probability" in data and data["probability"] != opportunity.probability:
        opportunity.probability = data["probability"]
        opportunity.probability_overridden = data["probability"] != default_probability(
            opportunity.stage
        )
    opportunity.version += 1
    opportunity.full_clean()
    _check_contact(opportunity)
    opportunity.save()
    if products is not None:
        opportunity.products.set(products)
    record_changes(instance=opportunity, client=opportunity.client, before=before, user=user)
    if opportunity.owner_id != old_owner.pk:
        _notify_reassigned(opportunity=opportunity, by=user)
    return opportunity


def _notify_reassigned(*, opportunity: Opportunity, by: User) -> None:
    notify(
        recipients=[opportunity.owner],
        subject=_("You are now responsible for the opportunity %(name)s") % {"name": opportunity},
        body=_("%(manager)s assigned it to you.") % {"manager": by},
        url=opportunity.get_absolute_url(),
        opportunity=opportunity,
    )


def _move(
    *,
    user: User,
    opportunity: Opportunity,
    to_stage: str,
    won: WonDetails | None = None,
    lost: LostDetails | None = None,
) -> None:
    """Apply a stage move to a locked opportunity: the FAQ rules, the probability default,
    the won/lost details and the StageChange row. The caller saves the opportunity."""
    from_stage = opportunity.stage
    if to_stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    if to_stage == from_stage:
        raise ValidationError({"stage": _("The opportunity is already in that stage.")})
    if from_stage in CLOSED_STAGES and not is_manager(user):
        raise ValidationError({"stage": _("Only a manager can reopen a won or lost opportunity.")})
    check_bant(opportunity, to_stage=to_stage)
    if to_stage == Stage.WON:
        _apply_won(opportunity, won)
    elif to_stage == Stage.LOST:
        _apply_lost(opportunity, lost)

    if to_stage in (Stage.WON, Stage.LOST):
        opportunity.probability = 100 if to_stage == Stage.WON else 0
    elif not opportunity.probability_overridden:
        opportunity.probability = default_probability(to_stage)
    opportunity.stage = to_stage
    opportunity.stage_changed_at = timezone.now()
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=to_stage,
        probability=opportunity.probability,
        changed_by=user,
        changed_at=opportunity.stage_changed_at,
    )


def _apply_won(opportunity: Opportunity, won: WonDetails | None) -> None:
    errors = {}
    if won is None or won.actual_value is None:
        errors["actual_value"] = _("Enter the actual value of the sale.")
    elif won.actual_value < 0:
        errors["actual_value"] = _("The actual value cannot be negative.")
    if won is None or won.closed_on is None:
        errors["closed_on"] = _("Enter the close date.")
    elif won.closed_on > timezone.localdate():
        errors["closed_on"] = _("The close date cannot be in the future.")
    if won is None or not won.agreed_terms.strip():
        errors["agreed_terms"] = _("Describe the agreed terms.")
    if errors:
        raise ValidationError(errors)
    assert won is not None and won.closed_on is not None  # else an error was raised above
    # Frozen at the rate of the close date (the sale's own day, not today's).
    set_amount(
        opportunity,
        "actual_value",
        amount=won.actual_value,
        currency=won.actual_value_currency,
        on=won.closed_on,
    )
    opportunity.closed_on = won.closed_on
    opportunity.agreed_terms = won.agreed_terms
    opportunity.contract_terms = won.contract_terms
    opportunity.special_conditions = won.special_conditions
    opportunity.next_steps = won.next_steps


def _apply_lost(opportunity: Opportunity, lost: LostDetails | None) -> None:
    if lost is None or lost.loss_reason not in LossReason.values:
        raise ValidationError({"loss_reason": _("Choose the reason the opportunity was lost.")})
    competitor = None
    name = lost.competitor_name.strip()
    if lost.loss_reason == LossReason.COMPETITION and not name:
        raise ValidationError(
            {"competitor_name": _("Say which competitor won when the reason is Competition.")}
        )
    if name:
        competitor = Competitor.objects.filter(name_key=name_key(name)).first()
        if competitor is None:
            competitor = Competitor(name=name)
            competitor.save()
    opportunity.loss_reason = lost.loss_reason
    opportunity.winning_competitor = competitor
    opportunity.loss_notes = lost.loss_notes
    opportunity.lessons_learned = lost.lessons_learned
    opportunity.closed_on = timezone.localdate()


def _save_after_move(*, user: User, opportunity: Opportunity, before: dict) -> None:
    opportunity.version += 1
    opportunity.full_clean()
    opportunity.save()
    record_changes(instance=opportunity, client=opportunity.client, before=before, user=user)


@transaction.atomic
def opportunity_move_stage(
    *,
    user: User,
    opportunity_id: int,
    expected_version: int,
    to_stage: str,
    won: WonDetails | None = None,
    lost: LostDetails | None = None,
    follow_up: ActivityInput | None = None,
    cancel_activities: Collection[int] = (),
) -> Opportunity:
    """Move an opportunity to another stage (board, form, won and lost flows).

    Won: registers the activity "Venta cerrada" and notifies Operaciones, Finanzas and
    (when a contract is needed) Legal after commit. `follow_up` schedules the post-sale or
    future follow-up activity in the same step, and `cancel_activities` (ids of its planned
    activities the user chose to cancel on closing) are cancelled in the same transaction.
    """
    opportunity = lock_and_check(Opportunity, pk=opportunity_id, expected_version=expected_version)
    before = snapshot(opportunity)
    _move(user=user, opportunity=opportunity, to_stage=to_stage, won=won, lost=lost)
    _save_after_move(user=user, opportunity=opportunity, before=before)
    if to_stage == Stage.WON:
        assert won is not None  # _move refuses a win without its details
        _register_sale(user=user, opportunity=opportunity, won=won)
    activities_cancel(user=user, opportunity=opportunity, activity_ids=cancel_activities)
    if follow_up is not None:
        _schedule(user=user, opportunity=opportunity, activity=follow_up)
    return opportunity


def _register_sale(*, user: User, opportunity: Opportunity, won: WonDetails) -> None:
    notes = "\n\n".join(
        part
        for part in (won.agreed_terms, won.contract_terms, won.special_conditions, won.next_steps)
        if part.strip()
    )
    activity_create(
        user=user,
        client=opportunity.client,
        opportunity=opportunity,
        owner=opportunity.owner,
        data=ActivityInput(
            type=ActivityType.SALE_CLOSED,
            subject=_("Sale closed"),
            done_at=timezone.now(),
            notes=notes,
        ),
    )
    areas = [Role.OPERATIONS, Role.FINANCE] + ([Role.LEGAL] if won.requires_contract else [])
    recipients = [
        user
        for group in Group.objects.filter(name__in=areas).prefetch_related("user_set")
        for user in group.user_set.all()
    ]
    # As typed at Cerrar Venta, in its currency (crm.money).
    amount, closed_on = original_amount(opportunity, "actual_value"), opportunity.closed_on
    assert amount is not None and closed_on is not None  # a won opportunity has both
    value = number_format(amount, 2, force_grouping=True)
    notify(
        recipients=recipients,
        opportunity=opportunity,  # the areas may open it, read-only
        subject=_("Sale closed: %(name)s (%(client)s)")
        % {"name": opportunity.name, "client": opportunity.client.name},
        body=_(
            "Client: %(client)s (%(tax_id)s)\nActual sale value: %(currency)s %(value)s\n"
            "Close date: %(date)s\nExecutive: %(owner)s\n\nAgreed terms:\n%(terms)s\n\n"
            "Contract terms:\n%(contract)s\n\nSpecial conditions:\n%(conditions)s\n\n"
            "Next steps:\n%(steps)s"
        )
        % {
            "client": opportunity.client.name,
            "tax_id": opportunity.client.tax_id,
            "value": value,
            "currency": original_currency(opportunity, "actual_value"),
            "date": date_format(closed_on, "SHORT_DATE_FORMAT"),
            "owner": opportunity.owner,
            "terms": opportunity.agreed_terms,
            "contract": opportunity.contract_terms or "—",
            "conditions": opportunity.special_conditions or "—",
            "steps": opportunity.next_steps or "—",
        },
        url=opportunity.get_absolute_url(),
    )


@transaction.atomic
def opportunity_log_follow_up(
    *,
    user: User,
    opportunity_id: int,
    expected_version: int,
    done: ActivityInput,
    performed_id: int | None = None,
    probability: int | None = None,
    to_stage: str | None = None,
    next_activity: ActivityInput | None = None,
) -> Opportunity:
    """ "Dar Seguimiento": in one step register the activity done with the conversation's
    notes, update the probability if it changed, move the stage if it applies and schedule
    the next activity. With `performed_id`, that planned activity ("Realizar actividad
    programada") becomes the done record instead of a new one."""
    opportunity = lock_and_check(Opportunity, pk=opportunity_id, expected_version=expected_version)
    if not opportunity.is_open:
        raise ValidationError(_("Follow-ups are for open opportunities."))
    before = snapshot(opportunity)
    if done.done_at is None:
        done.done_at = timezone.now()
    if performed_id is None:
        done.subject = done.subject or str(ActivityType(done.type).label)
        activity_create(
            user=user, client=opportunity.client, opportunity=opportunity, data=done, owner=user
        )
    else:
        _perform_planned(user=user, opportunity=opportunity, activity_id=performed_id, done=done)
    if probability is not None and probability != opportunity.probability:
        if not 0 <= probability <= 100:
            raise ValidationError({"probability": _("The probability goes from 0 to 100 %.")})
        opportunity.probability = probability
        opportunity.probability_overridden = True
    if to_stage and to_stage != opportunity.stage:
        if to_stage not in OPEN_STAGES:
            raise ValidationError({"to_stage": _("Use Cerrar Venta or Perdida to close it.")})
        _move(user=user, opportunity=opportunity, to_stage=to_stage)
    _save_after_move(user=user, opportunity=opportunity, before=before)
    if next_activity is not None:
        _schedule(user=user, opportunity=opportunity, activity=next_activity)
    return opportunity


def _perform_planned(
    *, user: User, opportunity: Opportunity, activity_id: int, done: ActivityInput
) -> None:
    planned = (
        Activity.objects.select_for_update()
        .filter(pk=activity_id, opportunity=opportunity)
        .planned()
        .first()
    )
    if planned is None:
        raise ValidationError(
            {"performed": _("That planned activity was already done or removed.")}
        )
    assert done.done_at is not None  # the follow-up form asks when it was done
    if done.done_at > timezone.now():
        raise ValidationError({"done_at": _("A done activity cannot be in the future.")})
    if done.contact is not None and done.contact.client_id != opportunity.client_id:
        raise ValidationError({"contact": _("The contact must belong to the client.")})
    before = snapshot(planned)
    # What the user left empty keeps what the planned activity had; typed notes are added
    # to its own (its preparation notes are not lost).
    planned.type = done.type
    planned.subject = done.subject or planned.subject
    planned.notes = "\n\n".join(part for part in (planned.notes, done.notes) if part.strip())
    planned.contact = done.contact or planned.contact
    planned.answered = done.answered
    planned.done_at = done.done_at
    planned.version += 1
    planned.full_clean()
    planned.save()
    refresh_for_activities([planned])
    record_changes(instance=planned, client=opportunity.client, before=before, user=user)


@transaction.atomic
def opportunity_delete(*, user: User, opportunity_id: int) -> Opportunity:
    """Move an opportunity to the recycle bin, with its activities out of every list: its
    owner or a manager (`crm.ownership.may_delete`)."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    check_may_delete(user=user, record=opportunity)
    soft_delete(opportunity, user=user)
    # Its activities leave the client's: its last and next activity may change.
    refresh_activity_facts(client_ids=[opportunity.client_id])
    record_action(
        instance=opportunity,
        client=opportunity.client,
        action=ChangeRecord.Action.DELETED,
        user=user,
    )
    return opportunity


@transaction.atomic
def opportunity_restore(*, user: User, opportunity_id: int) -> Opportunity:
    opportunity = Opportunity.all_objects.select_for_update().get(
        pk=opportunity_id, deleted_at__isnull=False
    )
    if opportunity.client.is_deleted:
        raise ValidationError(_("Restore its client first."))
    opportunity.deleted_at = None
    opportunity.deleted_by = None
    opportunity.version += 1
    opportunity.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    refresh_activity_facts(client_ids=[opportunity.client_id])
    record_action(
        instance=opportunity,
        client=opportunity.client,
        action=ChangeRecord.Action.RESTORED,
        user=user,
    )
    return opportunity


def opportunity_share(
    *, user: User, opportunity: Opportunity, colleague: User, level: str = ShareLevel.VIEW
) -> None:
    """Let a colleague see an opportunity ("own only" visibility) or also change it (level
    "edit"), and tell them."""
    share_record(user=user, record=opportunity, colleague=colleague, level=level)
    notify(
        recipients=[colleague],
        subject=_("%(user)s shared the opportunity %(name)s with you")
        % {"user": user, "name": opportunity.name},
        url=opportunity.get_absolute_url(),
        opportunity=opportunity,
    )


def opportunity_unshare(*, user: User, opportunity: Opportunity, colleague: User) -> None:
    unshare_record(user=user, record=opportunity, colleague=colleague)


@transaction.atomic
def opportunity_edit(
    *,
    user: User,
    opportunity_id: int,
    expected_version: int,
    data: dict,
    products: Iterable[ProductService] | None = None,
    stage: str | None = None,
    next_activity: ActivityInput | None = None,
) -> Opportunity:
    """Save the edit form: the fields (opportunity_update), then, if another open stage was
    chosen, the move (opportunity_move_stage, the only writer of stage, so the BANT rule,
    the probability default and the StageChange row apply as on the board), then the next
    activity. All or nothing: a refused move leaves the fields unsaved too."""
    opportunity = opportunity_update(
        user=user,
        opportunity_id=opportunity_id,
        expected_version=expected_version,
        data=data,
        products=products,
    )
    if stage and stage != opportunity.stage:
        opportunity = opportunity_move_stage(
            user=user,
            opportunity_id=opportunity.pk,
            expected_version=opportunity.version,
            to_stage=stage,
        )
    if next_activity is not None:
        _schedule(user=user, opportunity=opportunity, activity=next_activity)
    return opportunity


@transaction.atomic
def opportunity_qualify_and_move(
    *,
    user: User,
    opportunity_id: int,
    expected_version: int,
    to_stage: str,
    bant: dict | None = None,
) -> Opportunity:
    """A move from the board or the move page: record the BANT answers, when given, and move
    the stage in one step (a lead leaving Prospección unqualified is asked them first). Both
    writes or neither: a refused move (stale version, FAQ rule) leaves the answers unsaved,
    so the form can be sent again as is. Without answers it is opportunity_move_stage."""
    if bant is not None:
        data = {name: bant[name] for name in BANT_FIELDS if name in bant}
        qualified = opportunity_update(
            user=user, opportunity_id=opportunity_id, expected_version=expected_version, data=data
        )
        expected_version = qualified.version
    return opportunity_move_stage(
        user=user,
        opportunity_id=opportunity_id,
        expected_version=expected_version,
        to_stage=to_stage,
    )
