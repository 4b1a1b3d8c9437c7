from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects_ro"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # projects_ro sits above crm: it adds its picker kinds and the client page's
        # Proyectos tab to crm's registries (crm never imports projects_ro).
        from crm.client_tabs import register_client_tab
        from crm.selectors.pickers import register_picker_kind
        from projects_ro import pickers, views

        for name, kind in pickers.KINDS.items():
            register_picker_kind(name, kind)
        register_client_tab(views.CLIENT_TAB)
