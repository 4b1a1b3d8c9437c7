"""Soft delete: a deleted row leaves every list, search, select, export and report, and can be
restored for RETENTION_DAYS; `manage.py purge_recycle_bin` removes older entries for good."""

from datetime import datetime, timedelta
from typing import Any, ClassVar, Self, TypeVar, cast

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import is_administrator

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


class LiveManager(models.Manager[_M]):
    """The default manager: deleted rows do not exist for the rest of the app. A model with
    its own QuerySet takes `LiveManager.from_queryset(ItsQuerySet)`."""

    _queryset_class = LiveQuerySet

    def get_queryset(self) -> LiveQuerySet[_M]:
        return cast(LiveQuerySet[_M], super().get_queryset()).live()


class AllObjectsManager(models.Manager[_M]):
    """Every row, deleted or not (`all_objects`): the recycle bin's and the purge's manager.
    A model with its own QuerySet takes `AllObjectsManager.from_queryset(ItsQuerySet)`."""

    _queryset_class = LiveQuerySet

    def get_queryset(self) -> LiveQuerySet[_M]:
        return cast(LiveQuerySet[_M], super().get_queryset())

    def deleted(self) -> LiveQuerySet[_M]:
        return self.get_queryset().deleted()

    def purgeable(self, *, now: datetime | None = None) -> LiveQuerySet[_M]:
        return self.get_queryset().purgeable(now=now)


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

    objects: ClassVar[LiveManager[Any]] = LiveManager()
    all_objects: ClassVar[AllObjectsManager[Any]] = AllObjectsManager()

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
    deleted = model.all_objects.deleted().select_related("deleted_by")
    if is_administrator(user):
        return deleted
    mine = models.Q(deleted_by=user)
    if any(field.name == "owner" for field in model._meta.get_fields()):
        mine |= models.Q(owner=user)
    return deleted.filter(mine)
