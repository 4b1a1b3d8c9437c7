"""Writes of complaints ("reclamos"): the FAQ "¿Cómo manejo un cliente insatisfecho?"."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from accounts.roles import Role
from crm.concurrency import lock_and_check
from crm.history import record_changes, snapshot
from crm.models import Activity, Client, Complaint, ComplaintArea, ComplaintStatus

# Keyed by the area's value: what a complaint's `area` column holds.
AREA_GROUPS: dict[str, Role] = {
    ComplaintArea.OPERATIONS: Role.OPERATIONS,
    ComplaintArea.FINANCE: Role.FINANCE,
    ComplaintArea.LEGAL: Role.LEGAL,
    ComplaintArea.QUALITY: Role.QUALITY,
    ComplaintArea.SALES: Role.MANAGER,
}
COMPLAINT_FIELDS = (
    "subject",
    "description",
    "area",
    "priority",
    "assigned_to",
    "opportunity",
    "project",
    "status",
    "resolution",
    "client_satisfied",
)


def _area_members(area: str) -> list[User]:
    group = Group.objects.filter(name=AREA_GROUPS[area].value).first()
    return list(group.user_set.filter(is_active=True)) if group else []


def _check_links(complaint: Complaint) -> None:
    # An unset link reads as None without a query.
    opportunity, project = complaint.opportunity, complaint.project
    if opportunity is not None and opportunity.client_id != complaint.client_id:
        raise ValidationError({"opportunity": _("The opportunity must belong to the client.")})
    if project is not None and project.client_id != complaint.client_id:
        raise ValidationError({"project": _("The project must belong to the client.")})


@transaction.atomic
def complaint_create(
    *, user: User, client: Client, data: dict, source_activity: Activity | None = None
) -> Complaint:
    """Open a complaint and tell the responsible area (and the assignee)."""
    complaint = Complaint(
        client=client,
        owner=client.owner,
        created_by=user,
        source_activity=source_activity,
        **{name: data[name] for name in COMPLAINT_FIELDS if name in data},
    )
    complaint.status = ComplaintStatus.OPEN
    complaint.full_clean()
    _check_links(complaint)
    complaint.save()
    record_changes(instance=complaint, client=client, before=None, user=user)
    recipients = _area_members(complaint.area)
    if complaint.assigned_to:
        recipients.append(complaint.assigned_to)
    notify(
        recipients=[r for r in recipients if r.pk != user.pk],
        subject=_("New complaint from %(client)s: %(subject)s")
        % {"client": client.name, "subject": complaint.subject},
        body=_("Area: %(area)s\nPriority: %(priority)s\n\n%(description)s")
        % {
            "area": complaint.get_area_display(),
            "priority": complaint.get_priority_display(),
            "description": complaint.description,
        },
        url=complaint.get_absolute_url(),
        complaint=complaint,
    )
    return complaint


def complaint_from_activity(
    *, user: User, activity: Activity, area: str, priority: str
) -> Complaint:
    """ "Si hay problemas: crear ticket de soporte" prefilled from the satisfaction activity."""
    if not activity.problems.strip():
        raise ValidationError(_("The activity records no problem to complain about."))
    return complaint_create(
        user=user,
        client=activity.client,
        source_activity=activity,
        data={
            "subject": _("Problem found in: %(activity)s") % {"activity": activity.subject},
            "description": activity.problems,
            "area": area,
            "priority": priority,
            "opportunity": activity.opportunity,
        },
    )


@transaction.atomic
def complaint_update(
    *, user: User, complaint_id: int, expected_version: int, data: dict
) -> Complaint:
    """Edit a complaint and move its status. Resolving needs a resolution and tells the
    executive; closing also needs the client's confirmed satisfaction."""
    complaint = lock_and_check(Complaint, pk=complaint_id, expected_version=expected_version)
    before = snapshot(complaint)
    old_status = complaint.status
    for name in COMPLAINT_FIELDS:
        if name in data:
            setattr(complaint, name, data[name])
    status = complaint.status
    if status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
        if not complaint.resolution.strip():
            raise ValidationError({"resolution": _("Describe how the complaint was resolved.")})
        complaint.resolved_at = complaint.resolved_at or timezone.now()
    if status == ComplaintStatus.CLOSED:
        if complaint.client_satisfied is not True:
            raise ValidationError(
                {
                    "client_satisfied": _(
                        "Check with the client that they are satisfied before closing."
                    )
                }
            )
        complaint.closed_at = complaint.closed_at or timezone.now()
    if status in (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS):
        complaint.resolved_at = None
        complaint.closed_at = None
    complaint.version += 1
    complaint.full_clean()
    _check_links(complaint)
    complaint.save()
    record_changes(instance=complaint, client=complaint.client, before=before, user=user)
    if status == ComplaintStatus.RESOLVED and old_status != status:
        notify(
            recipients=[complaint.owner],
            subject=_("Complaint resolved: %(subject)s") % {"subject": complaint.subject},
            body=_("Resolution:\n%(resolution)s\n\nCheck with the client that they are satisfied.")
            % {"resolution": complaint.resolution},
            url=complaint.get_absolute_url(),
            complaint=complaint,
        )
    return complaint
