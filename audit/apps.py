from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Security log")

    def ready(self) -> None:
        from audit import signals  # noqa: F401 - connects the sign-in and lockout receivers
