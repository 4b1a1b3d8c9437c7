"""No lost updates: every editable record carries a version that each save increments."""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Only the bound of lock_and_check: crm.models.base builds Record on VersionedModel.
    from crm.models.base import Record


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleVersionError(Exception):
    """Someone saved the record after this user opened it; their input must not overwrite it."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale version")
        self.current = current


def lock_and_check[V: "Record"](model: type[V], *, pk: int, expected_version: int) -> V:
    """Lock the row for this transaction and refuse a save based on an older version.

    A Record, not any VersionedModel: the row is read through `all_objects` (deleted rows
    too), which only soft-deletable records have."""
    current = model.all_objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise StaleVersionError(current)
    return current
