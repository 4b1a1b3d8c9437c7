from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        # documents sits above crm: it adds its kinds to crm's global search and its tab to
        # the client page (crm never imports documents).
        from crm.client_tabs import register_client_tab
        from crm.selectors.global_search import register_search_source
        from documents import global_search, views

        for source in global_search.SOURCES:
            register_search_source(source)
        register_client_tab(views.CLIENT_TAB)
