"""The tabs of the client page (crm:client_tab): the CRM's own, declared in
crm.views.clients, and those of the apps built on crm (projects_ro's Proyectos, documents'
Documentos), registered in their AppConfig.ready, so the page shows a client's projects and
documents without crm importing the apps that own them.

Tabs read in `order`; the panel of each slug is drawn by templates/crm/client_detail.html."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django_stubs_ext import StrOrPromise

from accounts.http import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from crm.models import Client


@dataclass(frozen=True)
class ClientTab:
    """One tab: its URL slug, label, the module whose VIEW right shows it, its place among
    the tabs and the context of its panel."""

    slug: str
    label: StrOrPromise
    module: str
    order: int
    context: Callable[[AuthenticatedHttpRequest, "Client"], dict[str, Any]]


_TABS: dict[str, ClientTab] = {}


def register_client_tab(tab: ClientTab) -> ClientTab:
    _TABS[tab.slug] = tab
    return tab


def client_tabs() -> list[ClientTab]:
    """Every registered tab, in order."""
    return sorted(_TABS.values(), key=lambda tab: tab.order)
