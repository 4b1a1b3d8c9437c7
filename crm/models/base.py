"""What the CRM's records share: soft delete, a version against lost updates, and who
created them when."""

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils.translation import gettext_lazy as _

from crm.concurrency import VersionedModel
from crm.recycle_bin import SoftDeleteModel

if TYPE_CHECKING:
    from crm.models.activities import ActivityQuerySet

_M = TypeVar("_M", bound=models.Model)
_S = TypeVar("_S", bound="SearchTextModel")

LEGAL_SUFFIXES = ("c a", "s a", "s r l", "s a s", "srl", "sas", "ca", "sa", "cia", "ltda")


def name_key(name: str) -> str:
    """A name reduced for duplicate detection: no accents, case, punctuation or legal
    suffix ("Alimentos La Sabana, C.A." -> "alimentos la sabana")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    text = " ".join(words)
    for suffix in LEGAL_SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1]
            break
    return text.strip()


def search_key(text: str) -> str:
    """THE normaliser of searched text, for the stored `search_text` columns and for the
    term a user types alike: no accents, case folded, spaces collapsed
    ("  PETRÓLEOS   de Oriente" -> "petroleos de oriente"). Punctuation stays: "j-1234",
    "ana@empresa.com" are found as typed (see crm.search for the other forms a term takes).
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


# Separators people type (or not) inside a RIF/NIT: "J-12345678-9", "900.123.456-8".
TAX_ID_SEPARATORS = ("-", ".", " ")


def compact_tax_id(value: str) -> str:
    """How a RIF/NIT is compared whatever its punctuation: "j-12.345.678 9" -> "J123456789"."""
    value = (value or "").upper()
    for char in TAX_ID_SEPARATORS:
        value = value.replace(char, "")
    return value


# Between the parts of a `search_text`: a term never contains it (search_key collapses every
# whitespace to one space), so no match straddles two parts.
SEARCH_PART_SEPARATOR = "\n"


def search_document(parts: Iterable[str]) -> str:
    """The `search_text` of a row: its searched parts, each through `search_key`."""
    keys = (search_key(part) for part in parts if part)
    return SEARCH_PART_SEPARATOR.join(dict.fromkeys(key for key in keys if key))


class SearchTextModel(models.Model):
    """A row found by the searches through one normalised column, `search_text` (trigram
    indexed on PostgreSQL, mirrored in an FTS5 trigram table on SQLite: see crm.search).

    The column is derived, never typed: `save()` fills it, and so do the queryset's
    `bulk_create`, `bulk_update` and `update` (SearchTextQuerySet) when they write one of
    `SEARCH_SOURCE_FIELDS`. A model lists its parts in `search_parts()`.
    """

    SEARCH_SOURCE_FIELDS: tuple[str, ...] = ()

    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCH_SOURCE_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def search_parts(self) -> Iterable[str]:
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        self.search_text = search_document(self.search_parts())


class SearchTextQuerySet(models.QuerySet[_S]):
    """The bulk writes of a SearchTextModel, keeping its `search_text` as `save()` does."""

    def _writes_search_source(self, fields: Iterable[str]) -> bool:
        return bool(set(fields) & set(self.model.SEARCH_SOURCE_FIELDS))

    def bulk_create(self, objs: Iterable[_S], *args: Any, **kwargs: Any) -> list[_S]:
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_text()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[_S], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        if self._writes_search_source(fields):
            for obj in objs:
                obj.refresh_search_text()
            fields = [*fields, "search_text"]
        return super().bulk_update(objs, fields, batch_size)

    def update(self, **kwargs: Any) -> int:
        if not self._writes_search_source(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = list(self.model._base_manager.using(self.db).filter(pk__in=pks))
            for row in rows:
                row.refresh_search_text()
            self.model._base_manager.using(self.db).bulk_update(
                rows, ["search_text"], batch_size=500
            )
        return count


class EditFlagQuerySet(models.QuerySet[_M]):
    """The `user_can_edit` flag of a page's rows, in the same query as the rows."""

    def with_edit_flag(self, rule: Q) -> Self:
        """Annotate `user_can_edit`: whether each row matches `rule`, the user's edit rule
        of the rows' kind (`client_edit_rule`, `opportunity_edit_rule`, `linked_edit_rule`:
        each written once in its selector; an empty Q means every row)."""
        flag = ExpressionWrapper(rule, output_field=BooleanField()) if rule else Value(True)
        return self.annotate(user_can_edit=flag)


def sort_indexes(
    prefix: str, keys: dict[str, str], *, then: list[str], covering: list[str]
) -> list[models.Index]:
    """The indexes of a list's sort orders: for each key, (key, *then) and (-key, *then), so
    that either direction, and its reverse (a late page is read from the end), walks an
    index instead of sorting every row. `then`: the tie-breaks, which ascend whatever the
    direction; `covering`: the columns the scope filters read, trailing (with deleted_at)
    so that they never change the order and the index alone answers the page's keys.

    Not partial on purpose: SQLite, without statistics, scans any partial index whose
    condition a query implies, covering or not, and would read the totals through one of
    these (and every row behind it) instead of their covering index."""
    indexes = []
    for short, field in keys.items():
        for sign, suffix in (("", "asc"), ("-", "desc")):
            indexes.append(
                models.Index(
                    fields=[f"{sign}{field}", *then, *covering, "deleted_at"],
                    name=f"{prefix}_sort_{short}_{suffix}",
                )
            )
    return indexes


# The activity facts of an opportunity or a client (ActivityFacts): written only by
# crm.services.activity_facts, never by a model save.
ACTIVITY_FACT_FIELDS = ("last_activity_at", "last_activity", "next_activity_at", "next_activity")


class ActivityFactsQuerySet(models.QuerySet[_M]):
    """What "next activity" and "last activity" mean, over a model's `live_activities`
    (each model says which of its activities count): the definitions the kept facts are
    computed from (crm.services.activity_facts) and the follow-up rule reads."""

    @classmethod
    def live_activities(cls, *, outer: str = "pk") -> "ActivityQuerySet":
        raise NotImplementedError

    @classmethod
    def planned_activities(cls, *, outer: str = "pk") -> "ActivityQuerySet":
        """Planned (ActivityQuerySet.planned), soonest first."""
        return cls.live_activities(outer=outer).planned().order_by("scheduled_at", "pk")

    @classmethod
    def done_activities(cls, *, outer: str = "pk") -> "ActivityQuerySet":
        """Done, latest first."""
        return cls.live_activities(outer=outer).done().order_by("-done_at", "-pk")


class ActivityFacts(models.Model):
    """Denormalised activity facts of an opportunity or a client: its last activity done
    and its next planned activity (date and row), over its live, not cancelled activities.
    Kept in the same transaction by the services that write activities or remove and
    restore opportunities, through crm.services.activity_facts (`manage.py
    recompute_activity_facts` recomputes them), so that the follow-up rule, the board, the
    lists and the dashboard read a column instead of scanning activities."""

    last_activity_at = models.DateTimeField(
        _("last activity"), null=True, blank=True, editable=False
    )
    last_activity = models.ForeignKey(
        "crm.Activity",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_activity_at = models.DateTimeField(
        _("next activity"), null=True, blank=True, editable=False
    )
    next_activity = models.ForeignKey(
        "crm.Activity",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a row read earlier never writes back its facts: an activity saved since
        (in the same service, or by someone else) may have moved them."""
        updating = not (self._state.adding or kwargs.get("force_insert"))
        if updating and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in ACTIVITY_FACT_FIELDS
            ]
        super().save(*args, **kwargs)


class Record(SoftDeleteModel, VersionedModel):
    """A record commercial users edit: never hard-deleted by them, saved against its
    version, and stamped with who created it and when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
