from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig
from django_tasks_db.apps import TasksAppConfig


class RumboAdminConfig(AdminConfig):
    default_site = "config.admin_site.RumboAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin module is loaded now
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # django-otp's own device admins (English labels, a QR view needing another
        # package): accounts/admin.py shows the devices through Spanish-named proxies.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)


# Third-party apps under Spanish names in admin (their own names are plain English strings).
class RumboAxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class RumboTasksConfig(TasksAppConfig):
    # django_tasks_db's TasksAppConfig assigns a plain str, so mypy infers `str` there where
    # django-stubs' AppConfig.verbose_name is a str or lazy string.
    verbose_name = _("Background tasks")  # type: ignore[assignment]


class RumboOTPTOTPConfig(OTPTOTPConfig):
    verbose_name = _("Two-factor sign-in: authenticator apps")


class RumboOTPStaticConfig(OTPStaticConfig):
    verbose_name = _("Two-factor sign-in: recovery codes")
