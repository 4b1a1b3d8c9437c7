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


@register(Tags.security)
def otp_required_roles_exist(app_configs, **kwargs):
    """OTP_REQUIRED_ROLES names roles of the matrix: a typo would silently require nothing."""
    from accounts.roles import Role

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
