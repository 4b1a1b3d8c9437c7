"""The navigation a user sees: computed from the roles matrix, never decided in templates."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.roles import VIEW, is_administrator, module_rights

# (label, url name, module whose VIEW right shows it). Entries are added as modules land.
CRM_MENU: tuple = (
    (_("Clients"), "crm:client_list"),
    (_("Opportunities"), "crm:opportunity_board"),
    (_("Activities"), "crm:activity_list"),
    (_("Complaints"), "crm:complaint_list"),
    (_("Reports"), "crm:report_index"),
    (_("Goals"), "crm:goal_list"),
)
MENU = (
    (_("Dashboard"), "dashboard:home", "dashboard"),
    (_("CRM"), CRM_MENU, "crm"),
    (_("Projects"), "projects:list", "projects"),
    (_("Contractors"), "contractors:list", "contractors"),
    (_("Documents"), "documents:list", "documents"),
)


def _entry(request: HttpRequest, label: StrOrPromise, url_name: str) -> dict:
    url = reverse(url_name)
    active = request.path == url or (url != "/" and request.path.startswith(url))
    return {"label": label, "url": url, "active": active, "children": []}


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_show_admin": False, "nav_search": False}
    items = []
    for label, target, module in MENU:
        if VIEW not in module_rights(user, module):
            continue
        if isinstance(target, tuple):
            children = [_entry(request, *child) for child in target]  # same module right
            if children:
                items.append(
                    {
                        "label": label,
                        "children": children,
                        "active": any(c["active"] for c in children),
                    }
                )
        else:
            items.append(_entry(request, label, target))
    return {
        "nav_items": items,
        "nav_show_admin": is_administrator(user),
        # The global search (crm:global_search) answers whoever may view the CRM.
        "nav_search": VIEW in module_rights(user, "crm"),
    }
