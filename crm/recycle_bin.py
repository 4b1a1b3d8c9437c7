"""Soft delete: a deleted row leaves every list, search, select, export and report, and can be
restored for RETENTION_DAYS; `manage.py purge_recycle_bin` removes older entries for good."""

from datetime import datetime, timedelta
from typing import Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

RETENTION_DAYS = 30

_M = TypeVar("_M", bound=models.Model)


class LiveQuerySet(models.QuerySet[_M]):
    def live(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> Self:
        return self.filter(deleted_at__isnull=False)

    def purgeable(self, *, now: datetime | None = None) -> Self:
        now = now or timezone.now()
        return self.filter(deleted_at__lt=now - timedelta(days=RETENTION_DAYS))


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    """The default manager: deleted rows do not exist for the rest of the app."""

    def get_queryset(self) -> LiveQuerySet[Any]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LiveManager()
    all_objects = models.Manager.from_queryset(LiveQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def purge_after(self) -> datetime | None:
        return self.deleted_at + timedelta(days=RETENTION_DAYS) if self.deleted_at else None


def deleted_visible_to(model: type["SoftDeleteModel"], *, user: User) -> models.QuerySet:
    """The recycle bin of one soft-deletable model: admins see every deleted row, others
    the rows they deleted themselves and, when the model has an owner, the rows they own
    (whoever deleted them: a manager, say), so an owner can always restore their records."""
    from accounts.roles import is_administrator  # the roles module loads auth models

    deleted = model.all_objects.deleted().select_related("deleted_by")
    if is_administrator(user):
        return deleted
    mine = models.Q(deleted_by=user)
    if any(field.name == "owner" for field in model._meta.get_fields()):
        mine |= models.Q(owner=user)
    return deleted.filter(mine)
