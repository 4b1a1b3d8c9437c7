"""Field-level history: services snapshot a record before saving and record what changed."""

from datetime import date, datetime
from decimal import Decimal
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from config.amounts import format_amount
from crm.models import ChangeRecord, Client, Contact


def _shown(field: models.Field, raw: object) -> str:
    """A field's value as the UI writes it: amounts 27.500,00, dates 15/12/2026 (and times in
    the local zone), Sí/No. So the history reads like the screens, and an amount saved as
    27500 where it was 27500.00 is no change. No value (an unanswered yes/no too) is empty."""
    # The field's class decides the value's type, which `raw` (any attribute) cannot say.
    if raw is None:
        return ""
    if isinstance(field, models.BooleanField):
        return str(_("Yes")) if raw else str(_("No"))
    if isinstance(field, models.DecimalField):
        return format_amount(cast(Decimal | int | float | str, raw))
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(cast(datetime, raw)), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return date_format(cast(date, raw), "SHORT_DATE_FORMAT")
    return str(raw)


def snapshot(instance: models.Model) -> dict[str, str]:
    """The user-visible value of every editable field, as text: choices by label, related
    records by name, the rest as `_shown` writes it."""
    values = {}
    for field in instance._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name == "client":
            continue
        if field.choices:
            value = getattr(instance, f"get_{field.name}_display")()
        elif isinstance(field, models.ForeignKey):
            related = getattr(instance, field.name)
            value = str(related) if related is not None else ""
        else:
            value = _shown(field, getattr(instance, field.name))
        values[field.name] = value
    return values


def record_changes(
    *, instance: models.Model, client: Client, before: dict[str, str] | None, user: User
) -> None:
    """Write one row per changed field (or one "created" row when there is no before)."""
    content_type = ContentType.objects.get_for_model(instance)
    common = {
        "client": client,
        "content_type": content_type,
        "object_id": instance.pk,
        "object_repr": str(instance)[:200],
        "changed_by": user,
        "version": getattr(instance, "version", None),
    }
    if before is None:
        ChangeRecord.objects.create(action=ChangeRecord.Action.CREATED, **common)
        return
    after = snapshot(instance)
    # snapshot() reads the concrete fields only: their labels.
    labels = {field.name: field.verbose_name for field in instance._meta.concrete_fields}
    rows = [
        ChangeRecord(
            action=ChangeRecord.Action.CHANGED,
            field=name,
            field_label=str(labels[name])[:100],
            old_value=before.get(name, ""),
            new_value=value,
            **common,
        )
        for name, value in after.items()
        if before.get(name, "") != value
    ]
    ChangeRecord.objects.bulk_create(rows)


def record_action(*, instance: models.Model, client: Client, action: str, user: User) -> None:
    ChangeRecord.objects.create(
        client=client,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        action=action,
        changed_by=user,
        version=getattr(instance, "version", None),
    )


def changes_since(*, instance: models.Model, version: int) -> QuerySet[ChangeRecord]:
    """What others changed on a record after the version a user started from."""
    return (
        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
            version__gt=version,
        )
        .select_related("changed_by")
        .order_by("changed_at", "pk")
    )


def client_changes_since(
    *, client: Client, version: int, contact_versions: dict[int, int]
) -> list[ChangeRecord]:
    """What others saved since a client form was opened: on the client, on the contacts
    it showed (id -> version), and the contacts added meanwhile."""
    changes = changes_since(instance=client, version=version)
    for contact_id, contact_version in contact_versions.items():
        changes |= changes_since(instance=Contact(pk=contact_id), version=contact_version)
    added = Contact.objects.filter(client=client).exclude(pk__in=contact_versions).values("pk")
    changes |= ChangeRecord.objects.filter(
        client=client,
        content_type=ContentType.objects.get_for_model(Contact),
        object_id__in=added,
        action=ChangeRecord.Action.CREATED,
    )
    return list(changes.select_related("changed_by").order_by("changed_at", "pk"))
