from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender: object, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    # Permissions of every app must exist before groups point at them; creating them here
    # is idempotent and frees us from the order in which apps receive post_migrate.
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from accounts.roles import sync_roles

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from accounts import checks, signals  # noqa: F401

        post_migrate.connect(_sync_roles_after_migrate, sender=self)
