"""What the CRM's records share: soft delete, a version against lost updates, and who
created them when."""

import unicodedata

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.concurrency import VersionedModel
from crm.recycle_bin import SoftDeleteModel

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
