from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender: object, **kwargs: Any) -> None:
    from crm.defaults import ensure_reference_data

    ensure_reference_data()


def _ensure_search_triggers(sender: object, using: str = "default", **kwargs: Any) -> None:
    from crm.search import ensure_sqlite_search_triggers

    ensure_sqlite_search_triggers(using)


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM")

    def ready(self) -> None:
        post_migrate.connect(_ensure_reference_data, sender=self)
        post_migrate.connect(_ensure_search_triggers, sender=self)
        from crm import list_columns  # noqa: F401  registers the lists' "Columnas"
