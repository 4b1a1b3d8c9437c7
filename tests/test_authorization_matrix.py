"""Every URL of the project × every role × method: the expected HTTP answer.

The expected answers are read from the roles matrix (`accounts/roles.py`): a row says which
module right its URL needs, and each persona's answer follows from what `MATRIX` gives the
persona's role. Only what the matrix cannot say is written by hand, each with its reason:
the answers that do not depend on roles (public pages, sign-in, 405s), the records of one
person (scope, notifications, the recycle bin), the manager-only actions and Django admin's
special URLs (`ADMIN_SPECIAL`). Django admin URLs are generated from the resolver; the
meta-test fails when a URL is added without a row, so nothing ships unguarded.

Adding a URL (one row per method):

    Row("crm:thing_list", "GET", needs("crm", VIEW)),                # 302 / 403 / 200
    Row("crm:thing_list", "POST", NOT_ALLOWED),                      # 405 for everyone
    Row("crm:thing_create", "POST", needs("crm", ADD), data={}),     # empty form: 200 again
    Row("crm:thing_delete", "POST", needs("crm", DELETE, ok=302, scoped=True),
        kwargs=lambda w: {"pk": fresh_thing(w).pk}),                 # a new record per persona

`needs(module, right, ok=200, scoped=False)`: anonymous people are sent to sign in (302);
a persona whose role has the right gets `ok`, anyone else 403. `scoped=True`: the record is
the executive's, so "other_executive" (an executive it is not shared with) gets 404.
`kwargs`/`data` are dicts or functions of the `World` (the records every row acts on). The
row runs once per persona in `PERSONAS` (every role of `accounts.roles.Role`, no role, and
anonymous), all in one test; a row's writes are rolled back before the next row.
"""

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.functional import empty
from guardian.shortcuts import assign_perm

from accounts.models import CompanySettings, Notification, User, Visibility
from accounts.roles import (
    ADD,
    CHANGE,
    DELETE,
    MATRIX,
    VIEW,
    Role,
    is_administrator,
    is_manager,
)
from crm.opportunities.services import WonDetails, opportunity_move_stage, opportunity_share
from crm.services import client_delete
from crm.services.complaints import complaint_create
from crm.services.shares import ShareLevel
from documents.models import PRIVATE_STORAGE
from tests.documents.files import make_document, make_quote
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    ContractorFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
)

# The personas every row is asked as: persona -> (username, roles); None is anonymous.
# "other_executive" is an executive the world's records are not shared with.
PERSONAS: dict[str, tuple[str, tuple[Role, ...]] | None] = {
    "anonymous": None,
    "no_role": ("sin_rol", ()),
    "executive": ("ejecutivo", (Role.EXECUTIVE,)),
    "other_executive": ("ejecutivo2", (Role.EXECUTIVE,)),
    "manager": ("gerente", (Role.MANAGER,)),
    "admin": ("administrador", (Role.ADMIN,)),
    "operations": ("operaciones_sin_avisos", (Role.OPERATIONS,)),
    "finance": ("finanzas", (Role.FINANCE,)),
    "legal": ("legal", (Role.LEGAL,)),
    "quality": ("calidad", (Role.QUALITY,)),
}
SIGNED_IN_PERSONAS = [name for name, persona in PERSONAS.items() if persona is not None]


def _roles(persona: str) -> tuple[Role, ...]:
    entry = PERSONAS[persona]
    return () if entry is None else entry[1]


def _as_user(persona: str) -> User:
    """An unsaved user with the persona's roles, for the role checks of accounts.roles
    (user_roles reads the roles it caches on the user, so no query is made)."""
    user = User(username=persona, is_superuser=False)
    setattr(user, "_rumbo_roles", set(_roles(persona)))
    return user


def has_right(persona: str, module: str, right: str) -> bool:
    """What accounts.roles.MATRIX gives the persona's roles."""
    return any(right in MATRIX[role].get(module, ()) for role in _roles(persona))


def answers(anonymous, signed_in) -> dict:
    """The same answer for every signed-in persona, whatever the role."""
    return {"anonymous": anonymous} | dict.fromkeys(SIGNED_IN_PERSONAS, signed_in)


def needs(module: str, *rights: str, ok=200, scoped: bool = False, refused=403) -> dict:
    """A URL behind `module_required(module, right)` (one per right): read from the roles
    matrix."""
    expected = {"anonymous": 302}
    for persona in SIGNED_IN_PERSONAS:
        allowed = all(has_right(persona, module, right) for right in rights)
        expected[persona] = ok if allowed else refused
    if scoped and expected["other_executive"] == ok:
        expected["other_executive"] = 404
    return expected


def managers_only(module: str, *rights: str, ok=200) -> dict:
    """A manager's action (accounts.roles.is_manager) on top of the module right: 403 to
    everyone else, before any record is looked up."""
    return {
        persona: (ok if is_manager(_as_user(persona)) else 403) if status == ok else status
        for persona, status in needs(module, *rights, ok=ok).items()
    }


def but(expected: dict, **overrides) -> dict:
    """An explicit exception to a rule, for the personas named."""
    return expected | overrides


READ = needs("crm", VIEW)
SCOPED_READ = needs("crm", VIEW, scoped=True)
SCOPED_ADD = needs("crm", ADD, scoped=True)
SCOPED_CHANGE = needs("crm", CHANGE, scoped=True)
SCOPED_DELETE = needs("crm", DELETE, scoped=True)
REPORT = needs("dashboard", VIEW)  # CRM → Reportes follows the "dashboard" module
EVERYWHERE_404 = answers(404, 404)
EVERYONE = answers(200, 200)
SIGNED_IN = answers(302, 200)
ANONYMOUS_ONLY = answers(200, 302)
NOT_ALLOWED = answers(405, 405)
REDIRECT = answers(302, 302)
# Django admin: only the Administrador (accounts.roles.is_administrator; "ok" means any
# answer below 400); admins' own writes are tested elsewhere (None: not asked).
ADMIN_ONLY = {"anonymous": 302} | {
    persona: "ok" if is_administrator(_as_user(persona)) else 403 for persona in SIGNED_IN_PERSONAS
}
ADMIN_WRITE = but(ADMIN_ONLY, admin=None)
# Refused even to the Administrador (read-only logs, singletons, ...): see ADMIN_SPECIAL.
ADMIN_NOBODY = but(ADMIN_ONLY, admin=403)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: dict
    kwargs: object = field(default=lambda world: {})
    data: object = None  # a dict, or a function of the world
    note: str = ""
    # The company's visibility of clients and opportunities while the row runs.
    visibility: str = Visibility.OWN

    @property
    def id(self) -> str:
        return f"{self.method} {self.name} {self.note}".strip()


ROWS = [
    # People without the dashboard (hand-off areas, no role) land on their notifications.
    Row("dashboard:home", "GET", needs("dashboard", VIEW, refused=302)),
    Row("dashboard:home", "POST", NOT_ALLOWED),
    Row("accounts:login", "GET", ANONYMOUS_ONLY),
    Row("accounts:logout", "GET", NOT_ALLOWED),
    Row("accounts:logout", "POST", REDIRECT),
    Row("accounts:password_reset", "GET", EVERYONE),
    Row("accounts:password_reset", "POST", REDIRECT, data={"email": "nadie@example.com"}),
    Row("accounts:password_reset_done", "GET", EVERYONE),
    Row(
        "accounts:password_reset_confirm",
        "GET",
        EVERYONE,
        kwargs=lambda world: {"uidb64": "MQ", "token": "bad-token"},
    ),
    Row("accounts:password_reset_complete", "GET", EVERYONE),
    Row("accounts:password_change", "GET", SIGNED_IN),
    Row("accounts:password_change_done", "GET", SIGNED_IN),
    Row("accounts:notifications", "GET", SIGNED_IN),
    Row("accounts:notifications", "POST", NOT_ALLOWED),
    Row("accounts:notifications_unread_count", "GET", SIGNED_IN),
    Row("accounts:notifications_read_all", "GET", NOT_ALLOWED),
    Row("accounts:notifications_read_all", "POST", REDIRECT),
    Row("accounts:notification_read", "GET", NOT_ALLOWED, kwargs=lambda world: {"pk": 1}),
    # Each person reads only their own notifications.
    Row(
        "accounts:notification_read",
        "POST",
        but(answers(302, 404), executive=302),
        kwargs=lambda world: {
            "pk": Notification.objects.create(recipient=world.executive, subject="x").pk
        },
    ),
    Row("accounts:preferences", "GET", SIGNED_IN),
    Row("accounts:preferences", "POST", SIGNED_IN, data={}),
    Row("accounts:calendar_token", "GET", NOT_ALLOWED),
    Row("accounts:calendar_token", "POST", REDIRECT),
    # Two-factor sign-in: the code step sends anyone with no code due on; Seguridad is every
    # signed-in user's; new recovery codes and turning it off are POST-only.
    Row("accounts:otp_verify", "GET", REDIRECT),
    Row("accounts:otp_verify", "POST", REDIRECT, data={"code": "123456"}),
    Row("accounts:security", "GET", SIGNED_IN),
    Row("accounts:security", "POST", SIGNED_IN, data={"code": "12"}),
    Row("accounts:otp_recovery_codes", "GET", NOT_ALLOWED),
    Row("accounts:otp_recovery_codes", "POST", REDIRECT),
    Row("accounts:otp_disable", "GET", NOT_ALLOWED),
    Row("accounts:otp_disable", "POST", REDIRECT),
    # The calendar feed has no session: the secret token is the credential.
    Row("crm:calendar_feed", "GET", EVERYWHERE_404, kwargs=lambda world: {"token": "nope"}),
    Row(
        "crm:calendar_feed",
        "GET",
        EVERYONE,
        kwargs=lambda world: {"token": world.calendar_token},
        note="valid token",
    ),
    # The navbar's global search: whoever may view the CRM; results inside each one's scope
    # (tests/crm/test_global_search.py).
    Row("crm:global_search", "GET", READ),
    Row("crm:global_search", "POST", NOT_ALLOWED),
    # The forms' searchable pickers: whoever may view the CRM; results inside each one's
    # scope, a client outside it narrows to nothing (tests/crm/test_pickers.py).
    *[
        Row("crm:picker", "GET", READ, kwargs=lambda w, kind=kind: {"kind": kind}, note=kind)
        for kind in (
            "client",
            "opportunity",
            "editable-opportunity",
            "contact",
            "project",
            "client-project",
        )
    ],
    Row(
        "crm:picker",
        "GET",
        needs("crm", VIEW, ok=404),
        kwargs=lambda w: {"kind": "user"},
        note="unknown kind",
    ),
    Row("crm:picker", "POST", NOT_ALLOWED, kwargs=lambda w: {"kind": "client"}),
    # CRM → Reclamos
    Row("crm:complaint_list", "GET", READ),
    Row("crm:complaint_list", "POST", NOT_ALLOWED),
    Row("crm:complaint_create", "GET", needs("crm", ADD)),
    Row("crm:complaint_create", "POST", needs("crm", ADD), data={}),
    # The world's complaint is Calidad's area: Calidad was notified of it, so it opens the
    # complaint read-only (a hand-off, see HANDOFF_ROWS); nobody else of a hand-off area does.
    Row(
        "crm:complaint_detail",
        "GET",
        but(SCOPED_READ, quality=200),
        kwargs=lambda w: {"pk": w.complaint.pk},
    ),
    Row("crm:complaint_detail", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.complaint.pk}),
    Row("crm:complaint_edit", "GET", SCOPED_CHANGE, kwargs=lambda w: {"pk": w.complaint.pk}),
    Row("crm:complaint_edit", "POST", SCOPED_CHANGE, kwargs=lambda w: {"pk": w.complaint.pk}),
    # CRM → Oportunidades (the world's opportunity is the executive's, in "own" visibility)
    Row("crm:opportunity_list", "GET", READ),
    Row("crm:opportunity_list", "POST", NOT_ALLOWED),
    *[
        Row("crm:opportunity_export", m, e, kwargs=lambda w, f=f: {"file_format": f}, note=f)
        for f in ("xlsx", "csv")
        for m, e in (("GET", READ), ("POST", NOT_ALLOWED))
    ],
    Row("crm:opportunity_board", "GET", READ),
    Row("crm:opportunity_board", "POST", NOT_ALLOWED),
    Row(
        "crm:opportunity_board_column",
        "GET",
        READ,
        kwargs=lambda world: {"stage": "prospecting"},
    ),
    Row("crm:opportunity_create", "GET", needs("crm", ADD)),
    Row("crm:opportunity_create", "POST", needs("crm", ADD), data={}),
    Row(
        "crm:opportunity_client_contacts",
        "GET",
        SCOPED_READ,
        data=lambda world: {"client": world.client.pk},
    ),
    Row("crm:opportunity_detail", "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.opportunity.pk}),
    Row("crm:opportunity_delete", "GET", SCOPED_DELETE, kwargs=lambda w: {"pk": w.opportunity.pk}),
    *[
        Row(name, "GET", SCOPED_CHANGE, kwargs=lambda w: {"pk": w.opportunity.pk})
        for name in (
            "crm:opportunity_edit",
            "crm:opportunity_share",
            "crm:opportunity_move",
            "crm:opportunity_follow_up",
            "crm:opportunity_win",
            "crm:opportunity_lose",
        )
    ],
    Row("crm:opportunity_detail", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.opportunity.pk}),
    # Empty forms are refused and re-rendered: nothing is written.
    *[
        Row(name, "POST", SCOPED_CHANGE, kwargs=lambda w: {"pk": w.opportunity.pk}, data={})
        for name in (
            "crm:opportunity_edit",
            "crm:opportunity_follow_up",
            "crm:opportunity_win",
            "crm:opportunity_lose",
        )
    ],
    Row(
        "crm:opportunity_move",
        "POST",
        SCOPED_CHANGE,
        kwargs=lambda w: {"pk": w.opportunity.pk},
        data={},
    ),
    Row(
        "crm:opportunity_share",
        "POST",
        SCOPED_CHANGE,
        kwargs=lambda w: {"pk": w.opportunity.pk},
        data={},
    ),
    Row(
        "crm:opportunity_delete",
        "POST",
        needs("crm", DELETE, ok=302, scoped=True),
        kwargs=lambda w: {"pk": fresh_opportunity(w).pk},
    ),
    # CRM → Actividades (the world's activity is planned, on the executive's opportunity)
    Row("crm:activity_list", "GET", READ),
    Row("crm:activity_list", "POST", NOT_ALLOWED),
    Row("crm:activity_week", "GET", READ),
    Row("crm:activity_create", "GET", needs("crm", ADD)),
    Row("crm:activity_create", "POST", needs("crm", ADD), data={}),
    Row("crm:activity_detail", "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.activity.pk}),
    *[
        Row(name, "GET", SCOPED_CHANGE, kwargs=lambda w: {"pk": w.activity.pk})
        for name in (
            "crm:activity_complete",
            "crm:activity_reschedule",
            "crm:activity_cancel",
        )
    ],
    Row("crm:activity_detail", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.activity.pk}),
    *[
        Row(name, "POST", SCOPED_CHANGE, kwargs=lambda w: {"pk": w.activity.pk}, data={})
        for name in ("crm:activity_complete", "crm:activity_reschedule")
    ],
    Row(
        "crm:activity_cancel",
        "POST",
        SCOPED_CHANGE,
        kwargs=lambda w: {"pk": w.activity.pk},
        data={},
    ),
    *[
        Row(name, "GET", SCOPED_ADD, kwargs=lambda w: {"pk": w.post_sale_activity.pk})
        for name in ("crm:activity_complaint", "crm:activity_upsell")
    ],
    *[
        Row(
            name,
            "POST",
            SCOPED_ADD,
            kwargs=lambda w: {"pk": w.post_sale_activity.pk},
            data={},
        )
        for name in ("crm:activity_complaint", "crm:activity_upsell")
    ],
    Row("projects:list", "GET", needs("projects", VIEW)),
    Row("projects:list", "POST", NOT_ALLOWED),
    Row(
        "projects:detail",
        "GET",
        needs("projects", VIEW),
        kwargs=lambda world: {"pk": world.project.pk},
    ),
    Row("projects:detail", "POST", NOT_ALLOWED, kwargs=lambda world: {"pk": world.project.pk}),
    Row("contractors:list", "GET", needs("contractors", VIEW)),
    Row("contractors:list", "POST", NOT_ALLOWED),
    Row(
        "contractors:detail",
        "GET",
        needs("contractors", VIEW),
        kwargs=lambda world: {"pk": world.contractor.pk},
    ),
    Row(
        "contractors:detail",
        "POST",
        NOT_ALLOWED,
        kwargs=lambda world: {"pk": world.contractor.pk},
    ),
    # CRM → Clientes. The world runs in "own" visibility with the client owned by "executive",
    # so "other_executive" shows the 404 of an out-of-scope record.
    Row("crm:client_list", "GET", READ),
    Row("crm:client_list", "POST", NOT_ALLOWED),
    Row("crm:client_create", "GET", needs("crm", ADD)),
    Row("crm:client_create", "POST", needs("crm", ADD), data={"name": ""}),
    Row("crm:client_bulk_segment", "GET", NOT_ALLOWED),
    Row("crm:client_bulk_segment", "POST", needs("crm", CHANGE, ok=302), data={}),
    *[
        Row("crm:client_export", "GET", READ, kwargs=lambda w, f=f: {"file_format": f}, note=f)
        for f in ("xlsx", "csv")
    ],
    Row("crm:client_import", "GET", needs("crm", ADD, CHANGE)),
    Row("crm:client_import", "POST", needs("crm", ADD, CHANGE), data={}),
    Row("crm:client_import_confirm", "GET", NOT_ALLOWED, kwargs=lambda world: {"token": "x"}),
    Row(
        "crm:client_import_confirm",
        "POST",
        needs("crm", ADD, CHANGE, ok=404),
        kwargs=lambda world: {"token": "no-such-token"},
    ),
    Row("crm:contact_import", "GET", needs("crm", ADD, CHANGE)),
    Row("crm:contact_import", "POST", needs("crm", ADD, CHANGE), data={}),
    Row("crm:contact_import_confirm", "GET", NOT_ALLOWED, kwargs=lambda world: {"token": "x"}),
    Row(
        "crm:contact_import_confirm",
        "POST",
        needs("crm", ADD, CHANGE, ok=404),
        kwargs=lambda world: {"token": "no-such-token"},
    ),
    Row("crm:client_detail", "GET", SCOPED_READ, kwargs=lambda world: {"pk": world.client.pk}),
    Row("crm:client_detail", "POST", NOT_ALLOWED, kwargs=lambda world: {"pk": world.client.pk}),
    *[
        Row(
            "crm:client_tab",
            "GET",
            SCOPED_READ,
            kwargs=lambda world, tab=tab: {"pk": world.client.pk, "tab": tab},
            note=tab,
        )
        for tab in ("resumen", "contactos", "proyectos", "historial")
    ],
    Row("crm:client_share", "GET", SCOPED_CHANGE, kwargs=lambda world: {"pk": world.client.pk}),
    Row(
        "crm:client_share",
        "POST",
        SCOPED_CHANGE,
        kwargs=lambda world: {"pk": world.client.pk},
        data={},
    ),
    Row("crm:client_edit", "GET", SCOPED_CHANGE, kwargs=lambda world: {"pk": world.client.pk}),
    # An empty form is refused and re-rendered: nothing is written.
    Row("crm:client_edit", "POST", SCOPED_CHANGE, kwargs=lambda world: {"pk": world.client.pk}),
    # "Fusionar": managers only (an executive's role is refused before any lookup).
    Row(
        "crm:client_merge",
        "GET",
        managers_only("crm", CHANGE),
        kwargs=lambda world: {"pk": world.client.pk},
    ),
    # No client chosen: the picker again; nothing is written.
    Row(
        "crm:client_merge",
        "POST",
        managers_only("crm", CHANGE),
        kwargs=lambda world: {"pk": world.client.pk},
        data={},
    ),
    Row("crm:client_delete", "GET", SCOPED_DELETE, kwargs=lambda world: {"pk": world.client.pk}),
    Row(
        "crm:client_delete",
        "POST",
        needs("crm", DELETE, ok=302, scoped=True),
        kwargs=lambda world: {"pk": ClientFactory.create(owner=world.executive).pk},
    ),
    Row("crm:recycle_bin", "GET", needs("crm", DELETE)),
    Row("crm:recycle_bin", "POST", NOT_ALLOWED),
    Row(
        "crm:recycle_bin_restore",
        "GET",
        NOT_ALLOWED,
        kwargs=lambda world: {"kind": "cliente", "pk": 1},
    ),
    # Only the person who deleted a client, or an admin, restores it: not even a manager.
    Row(
        "crm:recycle_bin_restore",
        "POST",
        but(needs("crm", DELETE, ok=302, scoped=True), manager=404),
        kwargs=lambda world: {"kind": "cliente", "pk": deleted_client(world.executive).pk},
    ),
    # "Columnas" of a list: whoever may see the list (here the CRM's) chooses its columns.
    Row("accounts:list_columns", "GET", NOT_ALLOWED, kwargs=lambda world: {"list_name": "clients"}),
    Row(
        "accounts:list_columns",
        "POST",
        needs("crm", VIEW, ok=302),
        kwargs=lambda world: {"list_name": "clients"},
        data={"columns": ["industry"]},
    ),
    Row(
        "accounts:list_columns",
        "POST",
        answers(302, 404),
        kwargs=lambda world: {"list_name": "unknown"},
        note="unknown list",
    ),
    # The display currency (USD | VES switch): a preference of whoever is signed in.
    Row("accounts:display_currency", "GET", NOT_ALLOWED),
    Row(
        "accounts:display_currency",
        "POST",
        answers(302, 302),
        data={"currency": "VES"},
    ),
    Row(
        "accounts:display_currency",
        "POST",
        answers(302, 400),
        data={"currency": "EUR"},
        note="unknown currency",
    ),
    # --- Documentos and Cotizaciones (h-docs) -------------------------------------------------
    # The world's documents hang on the executive's opportunity ("own" mode), so
    # "other_executive" gets the 404 of an out-of-scope document; commercial roles never delete.
    Row("documents:list", "GET", needs("documents", VIEW)),
    Row("documents:list", "POST", NOT_ALLOWED),
    Row("documents:upload", "GET", needs("documents", ADD)),
    Row("documents:upload", "POST", needs("documents", ADD), data={}),
    Row(
        "documents:upload",
        "GET",
        needs("documents", ADD, scoped=True),
        data=lambda w: {"opportunity": w.opportunity.pk},
        note="from the opportunity",
    ),
    *[
        Row(
            name,
            "GET",
            needs("documents", VIEW, scoped=True),
            kwargs=lambda w: {"pk": w.document.pk},
        )
        for name in ("documents:detail", "documents:download")
    ],
    *[
        Row(
            name,
            "GET",
            needs("documents", ADD, scoped=True),
            kwargs=lambda w: {"pk": w.document.pk},
        )
        for name in ("documents:new_version", "documents:void")
    ],
    Row("documents:detail", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.document.pk}),
    Row("documents:download", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.document.pk}),
    Row(
        "documents:download_version",
        "GET",
        needs("documents", VIEW, scoped=True),
        kwargs=lambda w: {"pk": w.document.pk, "number": 1},
    ),
    # Empty forms are refused and re-rendered: nothing is written.
    *[
        Row(
            name,
            "POST",
            needs("documents", ADD, scoped=True),
            kwargs=lambda w: {"pk": w.document.pk},
            data={},
        )
        for name in ("documents:new_version", "documents:void")
    ],
    Row("documents:delete", "GET", NOT_ALLOWED, kwargs=lambda w: {"pk": w.document.pk}),
    Row(
        "documents:delete",
        "POST",
        needs("documents", DELETE, ok=302),
        kwargs=lambda w: {"pk": fresh_document(w).pk},
    ),
    Row(
        "documents:quote_send",
        "GET",
        SCOPED_CHANGE,
        kwargs=lambda w: {"pk": w.quote_document.pk},
    ),
    Row(
        "documents:quote_send",
        "POST",
        SCOPED_CHANGE,
        kwargs=lambda w: {"pk": w.quote_document.pk},
        data={},
    ),
    Row("documents:quote_answer", "GET", NOT_ALLOWED, kwargs=lambda w: {"pk": w.quote_document.pk}),
    Row(
        "documents:quote_answer",
        "POST",
        needs("crm", CHANGE, ok=302, scoped=True),
        kwargs=lambda w: {"pk": w.quote_document.pk},
        data={},
    ),
    Row(
        "documents:opportunity_tab",
        "GET",
        needs("documents", VIEW, scoped=True),
        kwargs=lambda w: {"pk": w.opportunity.pk},
    ),
    Row(
        "documents:project_tab",
        "GET",
        needs("documents", VIEW),
        kwargs=lambda w: {"pk": w.project.pk},
    ),
    Row(
        "crm:client_tab",
        "GET",
        SCOPED_READ,
        kwargs=lambda w: {"pk": w.client.pk, "tab": "documentos"},
        note="documentos",
    ),
    # ---- CRM → Reportes (h-reports) ---------------------------------------------------------
    # Reports follow the "dashboard" module; an executive's plan is out of another's scope.
    # Metas: everyone with the CRM sees the page (an executive their own row); managers set them.
    Row("crm:goal_list", "GET", READ),
    Row("crm:goal_list", "POST", managers_only("crm", VIEW), data={}),
    Row("crm:report_index", "GET", REPORT),
    Row("crm:report_index", "POST", NOT_ALLOWED),
    Row("crm:report_pipeline", "GET", REPORT),
    Row("crm:report_pipeline", "POST", NOT_ALLOWED),
    Row(
        "crm:report_pipeline_export",
        "GET",
        REPORT,
        kwargs=lambda world: {"file_format": "excel"},
        note="excel",
    ),
    Row(
        "crm:report_pipeline_export",
        "GET",
        REPORT,
        kwargs=lambda world: {"file_format": "pdf"},
        note="pdf",
    ),
    Row(
        "crm:report_pipeline_export",
        "POST",
        NOT_ALLOWED,
        kwargs=lambda world: {"file_format": "excel"},
    ),
    Row("crm:report_action_plan_create", "GET", REPORT),
    Row("crm:report_action_plan_create", "POST", REPORT, data={}),
    Row(
        "crm:report_action_plan_detail",
        "GET",
        needs("dashboard", VIEW, scoped=True),
        kwargs=lambda world: {"pk": executive_action(world).plan_id},
    ),
    Row(
        "crm:report_action_plan_detail",
        "POST",
        NOT_ALLOWED,
        kwargs=lambda world: {"pk": executive_action(world).plan_id},
    ),
    Row(
        "crm:report_action_schedule",
        "GET",
        SCOPED_READ,
        kwargs=lambda world: {"pk": executive_action(world).pk},
    ),
    Row(
        "crm:report_action_schedule",
        "POST",
        SCOPED_READ,
        kwargs=lambda world: {"pk": executive_action(world).pk},
        data={},
    ),
    *[
        Row(name, method, REPORT if method == "GET" else NOT_ALLOWED)
        for name in (
            "crm:report_sales",
            "crm:report_losses",
            "crm:report_activities",
            "crm:report_conversion",
            "crm:report_forecast",
        )
        for method in ("GET", "POST")
    ],
    *[
        Row(
            "crm:report_export",
            "GET",
            REPORT,
            kwargs=lambda world, slug=slug, fmt=fmt: {"slug": slug, "file_format": fmt},
            note=f"{slug} {fmt}",
        )
        for slug in ("ventas", "perdidas", "actividades", "conversion", "precision")
        for fmt in ("excel", "pdf")
    ],
    Row(
        "crm:report_export",
        "GET",
        needs("dashboard", VIEW, ok=404),
        kwargs=lambda world: {"slug": "nada", "file_format": "excel"},
        note="unknown report",
    ),
    # ---- end of CRM → Reportes ---------------------------------------------------------------
]

# Visibility levels ----------------------------------------------------------------------------
# Each record URL under each level of CompanySettings' visibility, for the personas whose
# answer depends on it: "other_executive" (nothing shared with them), "viewer" (the
# records were shared with level "view") and "editor" (level "edit"). The owner, managers
# and admins answer the same under every level (the rows above). Reads: 404 out of scope,
# else 200. Writes: 404 out of scope, 403 visible but not editable, else what the owner
# gets. "Compartir" stays the owner's (and managers'): 403 for any colleague who sees it.
READ_URL, WRITE_URL, OWNER_URL = "read", "write", "owner"


def level_expect(level: str, kind: str, ok: int = 200) -> dict:
    hidden = level == Visibility.OWN
    if kind == READ_URL:
        return {"other_executive": 404 if hidden else 200, "viewer": 200, "editor": 200}
    if kind == OWNER_URL:
        return {"other_executive": 404 if hidden else 403, "viewer": 403, "editor": 403}
    edits_all = level == Visibility.EDIT_ALL
    return {
        "other_executive": 404 if hidden else (ok if edits_all else 403),
        "viewer": ok if edits_all else 403,
        "editor": ok,
    }


def _opportunity(w):
    return {"pk": w.opportunity.pk}


def _activity(w):
    return {"pk": w.activity.pk}


def _post_sale(w):
    return {"pk": w.post_sale_activity.pk}


def _client(w):
    return {"pk": w.client.pk}


def _complaint(w):
    return {"pk": w.complaint.pk}


# (url name, method, kwargs, data, kind, the owner's answer, note)
RECORD_URLS: list[tuple[str, str, Any, Any, str, int, str]] = [
    ("crm:opportunity_detail", "GET", _opportunity, None, READ_URL, 200, ""),
    (
        "crm:opportunity_client_contacts",
        "GET",
        None,
        lambda w: {"client": w.client.pk},
        READ_URL,
        200,
        "",
    ),
    ("crm:client_detail", "GET", _client, None, READ_URL, 200, ""),
    *[
        (
            "crm:client_tab",
            "GET",
            lambda w, t=t: {"pk": w.client.pk, "tab": t},
            None,
            READ_URL,
            200,
            t,
        )
        for t in ("oportunidades", "actividades", "reclamos")
    ],
    ("crm:complaint_detail", "GET", _complaint, None, READ_URL, 200, ""),
    ("crm:activity_detail", "GET", _activity, None, READ_URL, 200, ""),
    *[
        (name, method, _opportunity, {} if method == "POST" else None, WRITE_URL, 200, "")
        for name in (
            "crm:opportunity_edit",
            "crm:opportunity_move",
            "crm:opportunity_follow_up",
            "crm:opportunity_win",
            "crm:opportunity_lose",
        )
        for method in ("GET", "POST")
    ],
    # Deleting is the owner's (and managers'), whatever the level or the share.
    ("crm:opportunity_delete", "GET", _opportunity, None, OWNER_URL, 200, ""),
    (
        "crm:opportunity_delete",
        "POST",
        lambda w: {"pk": fresh_opportunity(w).pk},
        None,
        OWNER_URL,
        302,
        "",
    ),
    ("crm:opportunity_share", "GET", _opportunity, None, OWNER_URL, 200, ""),
    ("crm:opportunity_share", "POST", _opportunity, {}, OWNER_URL, 200, ""),
    ("crm:client_share", "GET", _client, None, OWNER_URL, 200, ""),
    ("crm:client_share", "POST", _client, {}, OWNER_URL, 200, ""),
    ("crm:client_edit", "GET", _client, None, WRITE_URL, 200, ""),
    ("crm:client_edit", "POST", _client, None, WRITE_URL, 200, ""),
    ("crm:client_delete", "GET", _client, None, OWNER_URL, 200, ""),
    ("crm:client_delete", "POST", lambda w: {"pk": fresh_client(w).pk}, None, OWNER_URL, 302, ""),
    ("crm:complaint_edit", "GET", _complaint, None, WRITE_URL, 200, ""),
    ("crm:complaint_edit", "POST", _complaint, None, WRITE_URL, 200, ""),
    *[
        (name, method, _activity, {} if method == "POST" else None, WRITE_URL, 200, "")
        for name in ("crm:activity_complete", "crm:activity_reschedule", "crm:activity_cancel")
        for method in ("GET", "POST")
    ],
    *[
        (name, method, _post_sale, {} if method == "POST" else None, WRITE_URL, 200, "")
        for name in ("crm:activity_complaint", "crm:activity_upsell")
        for method in ("GET", "POST")
    ],
]

LEVEL_ROWS = [
    Row(
        name,
        method,
        level_expect(level, kind, ok),
        kwargs=kwargs or (lambda w: {}),
        data=data,
        note=f"{note} [{level}]".strip(),
        visibility=level,
    )
    for level in Visibility.values
    for name, method, kwargs, data, kind, ok, note in RECORD_URLS
]


# Hand-offs ------------------------------------------------------------------------------------
# Operaciones has no CRM module: it opens, read-only, exactly the complaint and the won
# opportunity it was notified about ("ops_notified"); a colleague of the same area who was
# not notified ("ops_other") gets 403 there, like on every other CRM page (403 rather than
# 404: without the module nothing is looked up, so nothing leaks). Writes are 403 for both.
def handoff(notified: int, other: int = 403) -> dict:
    return {"ops_notified": notified, "ops_other": other}


HANDOFF_ROWS = [
    Row(
        "crm:complaint_detail",
        "GET",
        handoff(200),
        kwargs=lambda w: {"pk": w.handoff_complaint.pk},
        note="notified",
    ),
    Row(
        "crm:opportunity_detail",
        "GET",
        handoff(200),
        kwargs=lambda w: {"pk": w.won_opportunity.pk},
        note="notified",
    ),
    Row("crm:complaint_detail", "GET", handoff(403), kwargs=_complaint, note="not notified"),
    Row("crm:opportunity_detail", "GET", handoff(403), kwargs=_opportunity, note="not notified"),
    *[
        Row(
            name,
            method,
            handoff(403),
            kwargs=lambda w: {"pk": w.handoff_complaint.pk},
            data={},
            note="notified",
        )
        for name in ("crm:complaint_edit",)
        for method in ("GET", "POST")
    ],
    *[
        Row(
            name,
            method,
            handoff(403),
            kwargs=lambda w: {"pk": w.won_opportunity.pk},
            data={},
            note="notified",
        )
        for name in (
            "crm:opportunity_edit",
            "crm:opportunity_move",
            "crm:opportunity_follow_up",
            "crm:opportunity_share",
            "crm:opportunity_delete",
        )
        for method in ("GET", "POST")
    ],
    Row(
        "crm:client_detail",
        "GET",
        handoff(403),
        kwargs=_client,
        note="client of the notified records",
    ),
    Row("crm:client_share", "GET", handoff(403), kwargs=_client, note="hand-off"),
    *[
        Row(name, "GET", handoff(403), note="hand-off")
        for name in (
            "crm:complaint_list",
            "crm:opportunity_list",
            "crm:opportunity_board",
            "crm:client_list",
            "crm:activity_list",
        )
    ],
    Row("accounts:notifications", "GET", handoff(200, other=200), note="hand-off"),
]


def executive_action(world):
    """An action of a plan the executive made (h-reports)."""
    from crm.models import ActionPlan, ActionPlanItem

    plan = ActionPlan.objects.create(
        objective="Más prospectos",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        created_by=world.executive,
    )
    return ActionPlanItem.objects.create(
        plan=plan, description="Llamar", owner=world.executive, due_date=timezone.localdate()
    )


# Admin URLs that answer differently by design.
ADMIN_SPECIAL = {
    # Admin has no login form: anonymous people go to the app's login, others get 403.
    "admin:login": but(ADMIN_ONLY, admin=302),
    # Logout is POST-only; signed-in outsiders are refused before that.
    "admin:logout": but(ADMIN_ONLY, admin=405),
    # Autocomplete without its query parameters is refused even to admins.
    "admin:autocomplete": ADMIN_NOBODY,
    # Logs and the task queue are read-only, even for admins.
    "admin:django_tasks_database_dbtaskresult_add": ADMIN_NOBODY,
    "admin:django_tasks_database_dbtaskresult_delete": ADMIN_NOBODY,
    # Undelivered emails are listed and sent again, never added or deleted by hand.
    "admin:accounts_undeliveredemail_add": ADMIN_NOBODY,
    "admin:accounts_undeliveredemail_delete": ADMIN_NOBODY,
    "admin:axes_accesslog_add": ADMIN_NOBODY,
    "admin:axes_accesslog_delete": ADMIN_NOBODY,
    "admin:axes_accessfailurelog_add": ADMIN_NOBODY,
    "admin:axes_accessfailurelog_delete": ADMIN_NOBODY,
    "admin:axes_accessattempt_add": ADMIN_NOBODY,
    # The security log is append-only: read, never added to or deleted from admin.
    "admin:audit_securityevent_add": ADMIN_NOBODY,
    "admin:audit_securityevent_delete": ADMIN_NOBODY,
    # Two-factor devices are enrolled by their users; the Administrador views and deletes.
    "admin:accounts_authenticator_add": ADMIN_NOBODY,
    "admin:accounts_recoverycodeset_add": ADMIN_NOBODY,
    # The company settings row is a singleton: never added twice, never deleted.
    "admin:accounts_companysettings_add": ADMIN_NOBODY,
    "admin:accounts_companysettings_delete": ADMIN_NOBODY,
    # Import needs a POSTed file; GET on the processing step is refused.
    "admin:crm_client_process_import": but(ADMIN_ONLY, admin=405),
    "admin:projects_ro_project_process_import": but(ADMIN_ONLY, admin=405),
    "admin:contractors_ro_contractor_process_import": but(ADMIN_ONLY, admin=405),
    "admin:crm_exchangerate_process_import": but(ADMIN_ONLY, admin=405),
    # Documents come in only through "Subir Documento"; deletion records are never edited.
    "admin:documents_document_add": ADMIN_NOBODY,
    "admin:documents_documentdeletion_add": ADMIN_NOBODY,
    "admin:documents_documentdeletion_delete": ADMIN_NOBODY,
    # Frozen forecasts are evidence: taken by snapshot_forecast only, never deleted.
    "admin:crm_forecastsnapshot_add": ADMIN_NOBODY,
    "admin:crm_forecastsnapshot_delete": ADMIN_NOBODY,
}


def walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, pattern, namespace


def all_url_names() -> set[str | None]:
    return {name for name, _pattern, _namespace in walk(get_resolver().url_patterns)}


def admin_object_kwargs(name: str):
    """Object URLs of a registered model use a real row when there is one, else pk 0."""

    def build(world):
        if name == "admin:auth_user_password_change":
            return {"id": world.admin_user.pk}
        if name == "admin:view_on_site":
            return {
                "content_type_id": ContentType.objects.get_for_model(world.project).pk,
                "object_id": world.project.pk,
            }
        if name == "admin:app_list":
            return {"app_label": "projects_ro"}
        for model in admin.site._registry:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if name.startswith(prefix) and name[len(prefix) :] in {"change", "delete", "history"}:
                obj = model._default_manager.order_by("pk").first()
                return {"object_id": obj.pk if obj else 0}
        return {}

    return build


def admin_rows() -> list[Row]:
    rows = []
    for name in sorted(n for n in all_url_names() if n and n.startswith("admin:")):
        kwargs = admin_object_kwargs(name)
        rows.append(Row(name, "GET", ADMIN_SPECIAL.get(name, ADMIN_ONLY), kwargs=kwargs))
        if name.endswith(("_add", "_change", "_delete", "_import", "_process_import")):
            rows.append(Row(name, "POST", ADMIN_WRITE, kwargs=kwargs, data={"name": "x"}))
    return rows


def deleted_client(by):
    client = ClientFactory.create(owner=by)
    client_delete(user=by, client_id=client.pk)
    return client


def fresh_document(world):
    return make_document(world.executive, opportunity=world.opportunity)


def fresh_opportunity(world):
    """A new opportunity of the world's client, shared like the world's one."""
    opportunity = OpportunityFactory.create(client=world.client, owner=world.executive)
    world.share(opportunity)
    return opportunity


def fresh_client(world):
    client = ClientFactory.create(owner=world.executive)
    world.grant_client(client)
    return client


class World:
    """The records every row acts on: the executive's client (with a contact), opportunity,
    planned and post-sale activities, and a complaint; the colleagues they are shared with
    ("viewer", "editor") and the hand-off area's notified records."""

    def __init__(self, personas):
        self.personas = dict(personas)
        self.project = ProjectFactory.create(contractors=[ContractorFactory.create()])
        self.contractor = self.project.contractors.first()
        executive = self.executive = personas["executive"]
        self.admin_user = personas["admin"]
        executive.calendar_token = "token-secreto-del-ejecutivo-0123456789abcdefghijk"
        executive.save()
        self.calendar_token = executive.calendar_token
        self.client = ClientFactory.create(owner=executive)
        ContactFactory.create(client=self.client, is_primary=True)
        self.opportunity = OpportunityFactory.create(client=self.client, owner=executive)
        self.post_sale_activity = ActivityFactory.create(
            opportunity=self.opportunity,
            type="satisfaction_call",
            scheduled_at=None,
            done_at=timezone.now(),
            satisfaction_level=2,
            problems="Factura con error",
            upselling="Ampliar el contrato de mantenimiento",
        )
        self.activity = ActivityFactory.create(opportunity=self.opportunity)
        self.document = make_document(executive, opportunity=self.opportunity)
        self.quote_document = make_quote(executive, opportunity=self.opportunity)
        self.complaint = complaint_create(
            user=executive,
            client=self.client,
            data={"subject": "Retraso", "description": "x", "area": "quality"},
        )

    def build_the_rest(self) -> "World":
        for persona in ("viewer", "editor", "ops_notified", "ops_other"):
            getattr(self, persona)
        return self

    def user(self, persona: str):
        return self.personas[persona]

    # Sharing: "viewer" got the world's records with level "view", "editor" with "edit".
    @cached_property
    def viewer(self):
        return self._colleague("viewer", "ejecutivo_lector")

    @cached_property
    def editor(self):
        return self._colleague("editor", "ejecutivo_editor")

    def _colleague(self, persona: str, username: str):
        self.personas[persona] = UserFactory.create(username=username, roles=[Role.EXECUTIVE])
        self.share(self.opportunity)
        self.grant_client(self.client)
        return self.personas[persona]

    def share(self, opportunity) -> None:
        """Through the service ("Compartir"), at each colleague's level."""
        for persona, level in (("viewer", ShareLevel.VIEW), ("editor", ShareLevel.EDIT)):
            if persona in self.personas:
                opportunity_share(
                    user=self.executive,
                    opportunity=opportunity,
                    colleague=self.personas[persona],
                    level=level,
                )

    def grant_client(self, client) -> None:
        """Clients have no "Compartir" screen yet: the same guardian grants, given directly."""
        if "viewer" in self.personas:
            assign_perm("crm.view_client", self.personas["viewer"], client)
        if "editor" in self.personas:
            assign_perm("crm.view_client", self.personas["editor"], client)
            assign_perm("crm.change_client", self.personas["editor"], client)

    # Hand-offs: an Operaciones user notified of a complaint and of a sale, and one who
    # joined later (notified of nothing).
    @cached_property
    def ops_notified(self):
        self.personas["ops_notified"] = UserFactory.create(
            username="operaciones", roles=[Role.OPERATIONS]
        )
        self.handoff_complaint = complaint_create(
            user=self.executive,
            client=self.client,
            data={"subject": "Instalación incompleta", "description": "x", "area": "operations"},
        )
        won = OpportunityFactory.create(
            client=self.client, owner=self.executive, stage="negotiation"
        )
        self.won_opportunity = opportunity_move_stage(
            user=self.executive,
            opportunity_id=won.pk,
            expected_version=won.version,
            to_stage="won",
            won=WonDetails(
                actual_value=Decimal("25000.00"),
                closed_on=date.today(),
                agreed_terms="Pago a 30 días",
                requires_contract=False,
            ),
        )
        return self.personas["ops_notified"]

    @cached_property
    def ops_other(self):
        self.ops_notified  # the records exist before this user does
        self.personas["ops_other"] = UserFactory.create(
            username="operaciones2", roles=[Role.OPERATIONS]
        )
        return self.personas["ops_other"]


def build_personas() -> dict:
    """The users of PERSONAS, for a world built once per module."""
    return {
        name: None if entry is None else UserFactory.create(username=entry[0], roles=list(entry[1]))
        for name, entry in PERSONAS.items()
    }


class Sessions:
    """One signed-in test client per persona, signed in once for the module. Each request
    starts from the session cookie saved at sign-in (a row that signs out or rotates the
    session only changes rows the test rolls back), so a row costs its requests only."""

    def __init__(self):
        self.clients: dict[str, Client] = {}
        self.cookies: dict[str, SimpleCookie] = {}

    def client(self, persona: str, user) -> Client:
        if persona not in self.clients:
            client = self.clients[persona] = Client()
            if user is not None:
                client.force_login(user)
            self.cookies[persona] = copy.deepcopy(client.cookies)
        client = self.clients[persona]
        client.cookies = copy.deepcopy(self.cookies[persona])
        return client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built ONCE for the module, inside a transaction rolled back at its end (what
    TestCase.setUpTestData does): each row runs in a savepoint of it, so whatever a row
    writes is undone and the next row sees the same world. Documents go to a private
    storage of the module's own."""
    storages = {
        **django_settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path_factory.mktemp("privado"), "base_url": None},
        },
    }
    # What tests/conftest.py's autouse fixtures set for each test, for the module's sign-ins.
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(STORAGES=storages, PASSWORD_HASHERS=hashers, OTP_REQUIRED_ROLES=[]),
        django_db_blocker.unblock(),
    ):
        PRIVATE_STORAGE._wrapped = empty
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = World(build_personas()).build_the_rest()
            world.sessions = Sessions()
            for persona in world.personas:
                world.sessions.client(persona, world.user(persona))
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            PRIVATE_STORAGE._wrapped = empty


def set_visibility(level: str) -> None:
    settings = CompanySettings.load()
    settings.client_visibility = level
    settings.opportunity_visibility = level
    settings.save()


def answer_matches(expected, status: int) -> bool:
    if expected == "ok":
        return status < 400
    return status == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row", ROWS + LEVEL_ROWS + HANDOFF_ROWS + admin_rows(), ids=lambda row: row.id
)
def test_authorization_matrix(row, world, db):
    set_visibility(row.visibility)
    mismatches = []
    for persona, expected in row.expected.items():
        if expected is None:
            continue
        client = world.sessions.client(persona, world.user(persona))
        # Built per persona, so a destructive row acts on a fresh record each time.
        url = reverse(row.name, kwargs=row.kwargs(world))
        data = row.data(world) if callable(row.data) else row.data
        response = getattr(client, row.method.lower())(url, data=data)
        if not answer_matches(expected, response.status_code):
            mismatches.append(f"{persona} {url}: expected {expected}, got {response.status_code}")
    assert not mismatches, f"{row.id}: " + "; ".join(mismatches)


def test_every_role_is_a_persona():
    assert {role for name in PERSONAS for role in _roles(name)} == set(Role)


def test_every_row_asks_every_persona():
    rows = [row for row in ROWS + admin_rows() if set(row.expected) != set(PERSONAS)]
    assert not rows, [row.id for row in rows]


def test_every_url_has_a_row_in_the_matrix():
    covered = {row.name for row in ROWS} | {row.name for row in admin_rows()}
    names = all_url_names()
    unnamed_outside_admin = [
        str(pattern.pattern)
        for name, pattern, namespace in walk(get_resolver().url_patterns)
        if name is None and namespace != "admin"
    ]
    assert not unnamed_outside_admin, f"Name these URLs: {unnamed_outside_admin}"
    missing = sorted(n for n in names if n and n not in covered)
    assert not missing, f"URLs without a row in the authorization matrix: {missing}"


def test_every_row_names_a_real_url():
    names = all_url_names()
    assert not [row.name for row in ROWS if row.name not in names]
