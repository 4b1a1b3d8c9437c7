from django.contrib.admin.apps import AdminConfig


class RumboAdminConfig(AdminConfig):
    default_site = "config.admin_site.RumboAdminSite"
