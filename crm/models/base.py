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


# The activity facts of an opportunity or a client (ActivityFacts): written only by
# crm.services.activity_facts, never by a model save.
ACTIVITY_FACT_FIELDS = ("last_activity_at", "last_activity", "next_activity_at", "next_activity")


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

    def save(self, *args, **kwargs):
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
