"""Deployment checks of our own settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    if settings.DEBUG or settings.SITE_URL.startswith("https://"):
        return []
    return [
        Error(
            "SITE_URL must be the site's public https:// address (links in emails).",
            hint="Set SITE_URL, e.g. https://crm.example.com.",
            id="accounts.E001",
        )
    ]
