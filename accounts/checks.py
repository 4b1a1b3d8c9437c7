"""Deployment checks of our own settings, run by `manage.py check --deploy`."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from accounts.roles import Role


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.SITE_URL.startswith("https://"):
        return []
    return [
        Error(
            "SITE_URL must be the site's public https:// address (links in emails).",
            hint="Set SITE_URL, e.g. https://crm.example.com.",
            id="accounts.E001",
        )
    ]


IMMEDIATE_TASKS = "django.tasks.backends.immediate.ImmediateBackend"


@register(Tags.security, deploy=True)
def tasks_run_outside_requests(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """With the immediate backend every email goes out inside the request that caused it:
    a slow or down mail server holds the request, nothing is retried, and the password
    reset page answers a known address later than an unknown one."""
    if settings.DEBUG or settings.TASKS["default"]["BACKEND"] != IMMEDIATE_TASKS:
        return []
    return [
        Warning(
            "TASKS_BACKEND runs background tasks inside requests: emails are not retried "
            "and password resets take longer for addresses that exist.",
            hint="Set TASKS_BACKEND=django_tasks_db.DatabaseBackend and run "
            "`manage.py db_worker` (the compose file does both).",
            id="accounts.W001",
        )
    ]


@register(Tags.security)
def otp_required_roles_exist(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """OTP_REQUIRED_ROLES names roles of the matrix: a typo would silently require nothing."""
    unknown = [name for name in settings.OTP_REQUIRED_ROLES if name not in Role._value2member_map_]
    if not unknown:
        return []
    return [
        Error(
            f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint="Use the role names exactly: " + ", ".join(role.value for role in Role),
            id="accounts.E002",
        )
    ]
