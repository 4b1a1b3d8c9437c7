from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class RumboAdminConfig(AdminConfig):
    default_site = "config.admin_site.RumboAdminSite"


# Third-party apps under Spanish names in admin (their own names are plain English strings).
class RumboAxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class RumboTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
