"""Every URL of the project × every role persona × method: the expected HTTP answer.

`ROWS` lists the app's own URLs by hand; Django admin URLs are generated from the resolver
with one rule (only the Administrador gets in). The meta-test fails when a URL is added
without a row, so nothing ships unguarded.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.functional import empty
from guardian.shortcuts import assign_perm

from accounts.models import CompanySettings, Notification, Visibility
from accounts.roles import Role
from crm.services import WonDetails, client_delete, opportunity_move_stage
from crm.services.complaints import complaint_create
from crm.services.opportunities import ShareLevel, opportunity_share
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


def expect(anonymous, no_role, executive, manager, admin, other_executive=None) -> dict:
    return {
        "anonymous": anonymous,
        "no_role": no_role,
        "executive": executive,
        "other_executive": executive if other_executive is None else other_executive,
        "manager": manager,
        "admin": admin,
    }


# Commercial read page: anonymous to the login page, no role 403, every role in.
READ = expect(302, 403, 200, 200, 200)
EVERYWHERE_404 = expect(404, 404, 404, 404, 404)
# A record in someone else's scope answers 404 ("own" visibility).
SCOPED_READ = expect(302, 403, 200, 200, 200, other_executive=404)
EVERYONE = expect(200, 200, 200, 200, 200)
SIGNED_IN = expect(302, 200, 200, 200, 200)
ANONYMOUS_ONLY = expect(200, 302, 302, 302, 302)
NOT_ALLOWED = expect(405, 405, 405, 405, 405)
REDIRECT = expect(302, 302, 302, 302, 302)
# Django admin: only the Administrador. "ok" means any answer below 400.
ADMIN_ONLY = expect(302, 403, 403, 403, "ok")
ADMIN_WRITE = expect(302, 403, 403, 403, None)  # admins' own writes are tested elsewhere


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
    Row("dashboard:home", "GET", expect(302, 302, 200, 200, 200)),
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
        expect(302, 404, 302, 404, 404, other_executive=404),
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
        expect(302, 403, 404, 404, 404),
        kwargs=lambda w: {"kind": "user"},
        note="unknown kind",
    ),
    Row("crm:picker", "POST", NOT_ALLOWED, kwargs=lambda w: {"kind": "client"}),
    # CRM → Reclamos
    Row("crm:complaint_list", "GET", READ),
    Row("crm:complaint_list", "POST", NOT_ALLOWED),
    Row("crm:complaint_create", "GET", READ),
    Row("crm:complaint_create", "POST", expect(302, 403, 200, 200, 200), data={}),
    Row("crm:complaint_detail", "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.complaint.pk}),
    Row("crm:complaint_detail", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.complaint.pk}),
    Row("crm:complaint_edit", "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.complaint.pk}),
    Row("crm:complaint_edit", "POST", SCOPED_READ, kwargs=lambda w: {"pk": w.complaint.pk}),
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
    Row("crm:opportunity_create", "GET", READ),
    Row("crm:opportunity_create", "POST", expect(302, 403, 200, 200, 200), data={}),
    Row(
        "crm:opportunity_client_contacts",
        "GET",
        SCOPED_READ,
        data=lambda world: {"client": world.client.pk},
    ),
    *[
        Row(name, "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.opportunity.pk})
        for name in (
            "crm:opportunity_detail",
            "crm:opportunity_edit",
            "crm:opportunity_delete",
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
        Row(name, "POST", SCOPED_READ, kwargs=lambda w: {"pk": w.opportunity.pk}, data={})
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
        SCOPED_READ,
        kwargs=lambda w: {"pk": w.opportunity.pk},
        data={},
    ),
    Row(
        "crm:opportunity_share",
        "POST",
        expect(302, 403, 200, 200, 200, other_executive=404),
        kwargs=lambda w: {"pk": w.opportunity.pk},
        data={},
    ),
    Row(
        "crm:opportunity_delete",
        "POST",
        expect(302, 403, 302, 302, 302, other_executive=404),
        kwargs=lambda w: {"pk": fresh_opportunity(w).pk},
    ),
    # CRM → Actividades (the world's activity is planned, on the executive's opportunity)
    Row("crm:activity_list", "GET", READ),
    Row("crm:activity_list", "POST", NOT_ALLOWED),
    Row("crm:activity_week", "GET", READ),
    Row("crm:activity_create", "GET", READ),
    Row("crm:activity_create", "POST", expect(302, 403, 200, 200, 200), data={}),
    *[
        Row(name, "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.activity.pk})
        for name in (
            "crm:activity_detail",
            "crm:activity_complete",
            "crm:activity_reschedule",
            "crm:activity_cancel",
        )
    ],
    Row("crm:activity_detail", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.activity.pk}),
    *[
        Row(name, "POST", SCOPED_READ, kwargs=lambda w: {"pk": w.activity.pk}, data={})
        for name in ("crm:activity_complete", "crm:activity_reschedule")
    ],
    Row(
        "crm:activity_cancel",
        "POST",
        SCOPED_READ,
        kwargs=lambda w: {"pk": w.activity.pk},
        data={},
    ),
    *[
        Row(name, "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.post_sale_activity.pk})
        for name in ("crm:activity_complaint", "crm:activity_upsell")
    ],
    *[
        Row(
            name,
            "POST",
            SCOPED_READ,
            kwargs=lambda w: {"pk": w.post_sale_activity.pk},
            data={},
        )
        for name in ("crm:activity_complaint", "crm:activity_upsell")
    ],
    Row("projects:list", "GET", READ),
    Row("projects:list", "POST", NOT_ALLOWED),
    Row("projects:detail", "GET", READ, kwargs=lambda world: {"pk": world.project.pk}),
    Row("projects:detail", "POST", NOT_ALLOWED, kwargs=lambda world: {"pk": world.project.pk}),
    Row("contractors:list", "GET", READ),
    Row("contractors:list", "POST", NOT_ALLOWED),
    Row("contractors:detail", "GET", READ, kwargs=lambda world: {"pk": world.contractor.pk}),
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
    Row("crm:client_create", "GET", READ),
    Row("crm:client_create", "POST", expect(302, 403, 200, 200, 200), data={"name": ""}),
    Row("crm:client_bulk_segment", "GET", NOT_ALLOWED),
    Row("crm:client_bulk_segment", "POST", expect(302, 403, 302, 302, 302), data={}),
    *[
        Row("crm:client_export", "GET", READ, kwargs=lambda w, f=f: {"file_format": f}, note=f)
        for f in ("xlsx", "csv")
    ],
    Row("crm:client_import", "GET", READ),
    Row("crm:client_import", "POST", expect(302, 403, 200, 200, 200), data={}),
    Row("crm:client_import_confirm", "GET", NOT_ALLOWED, kwargs=lambda world: {"token": "x"}),
    Row(
        "crm:client_import_confirm",
        "POST",
        expect(302, 403, 404, 404, 404),
        kwargs=lambda world: {"token": "no-such-token"},
    ),
    Row("crm:contact_import", "GET", READ),
    Row("crm:contact_import", "POST", expect(302, 403, 200, 200, 200), data={}),
    Row("crm:contact_import_confirm", "GET", NOT_ALLOWED, kwargs=lambda world: {"token": "x"}),
    Row(
        "crm:contact_import_confirm",
        "POST",
        expect(302, 403, 404, 404, 404),
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
    Row("crm:client_share", "GET", SCOPED_READ, kwargs=lambda world: {"pk": world.client.pk}),
    Row(
        "crm:client_share",
        "POST",
        SCOPED_READ,
        kwargs=lambda world: {"pk": world.client.pk},
        data={},
    ),
    Row("crm:client_edit", "GET", SCOPED_READ, kwargs=lambda world: {"pk": world.client.pk}),
    # An empty form is refused and re-rendered: nothing is written.
    Row("crm:client_edit", "POST", SCOPED_READ, kwargs=lambda world: {"pk": world.client.pk}),
    # "Fusionar": managers only (an executive's role is refused before any lookup).
    Row(
        "crm:client_merge",
        "GET",
        expect(302, 403, 403, 200, 200),
        kwargs=lambda world: {"pk": world.client.pk},
    ),
    # No client chosen: the picker again; nothing is written.
    Row(
        "crm:client_merge",
        "POST",
        expect(302, 403, 403, 200, 200),
        kwargs=lambda world: {"pk": world.client.pk},
        data={},
    ),
    Row("crm:client_delete", "GET", SCOPED_READ, kwargs=lambda world: {"pk": world.client.pk}),
    Row(
        "crm:client_delete",
        "POST",
        expect(302, 403, 302, 302, 302, other_executive=404),
        kwargs=lambda world: {"pk": ClientFactory(owner=world.executive).pk},
    ),
    Row("crm:recycle_bin", "GET", READ),
    Row("crm:recycle_bin", "POST", NOT_ALLOWED),
    Row(
        "crm:recycle_bin_restore",
        "GET",
        NOT_ALLOWED,
        kwargs=lambda world: {"kind": "cliente", "pk": 1},
    ),
    # Only the person who deleted a client, or an admin, restores it.
    Row(
        "crm:recycle_bin_restore",
        "POST",
        expect(302, 403, 302, 404, 302, other_executive=404),
        kwargs=lambda world: {"kind": "cliente", "pk": deleted_client(world.executive).pk},
    ),
    # "Columnas" of a list: whoever may see the list (here the CRM's) chooses its columns.
    Row("accounts:list_columns", "GET", NOT_ALLOWED, kwargs=lambda world: {"list_name": "clients"}),
    Row(
        "accounts:list_columns",
        "POST",
        expect(302, 403, 302, 302, 302),
        kwargs=lambda world: {"list_name": "clients"},
        data={"columns": ["industry"]},
    ),
    Row(
        "accounts:list_columns",
        "POST",
        expect(302, 404, 404, 404, 404),
        kwargs=lambda world: {"list_name": "unknown"},
        note="unknown list",
    ),
    # The display currency (USD | VES switch): a preference of whoever is signed in.
    Row("accounts:display_currency", "GET", NOT_ALLOWED),
    Row(
        "accounts:display_currency",
        "POST",
        expect(302, 302, 302, 302, 302),
        data={"currency": "VES"},
    ),
    Row(
        "accounts:display_currency",
        "POST",
        expect(302, 400, 400, 400, 400),
        data={"currency": "EUR"},
        note="unknown currency",
    ),
    # --- Documentos and Cotizaciones (h-docs) -------------------------------------------------
    # The world's documents hang on the executive's opportunity ("own" mode), so
    # "other_executive" gets the 404 of an out-of-scope document; commercial roles never delete.
    Row("documents:list", "GET", READ),
    Row("documents:list", "POST", NOT_ALLOWED),
    Row("documents:upload", "GET", READ),
    Row("documents:upload", "POST", expect(302, 403, 200, 200, 200), data={}),
    Row(
        "documents:upload",
        "GET",
        SCOPED_READ,
        data=lambda w: {"opportunity": w.opportunity.pk},
        note="from the opportunity",
    ),
    *[
        Row(name, "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.document.pk})
        for name in (
            "documents:detail",
            "documents:new_version",
            "documents:void",
            "documents:download",
        )
    ],
    Row("documents:detail", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.document.pk}),
    Row("documents:download", "POST", NOT_ALLOWED, kwargs=lambda w: {"pk": w.document.pk}),
    Row(
        "documents:download_version",
        "GET",
        SCOPED_READ,
        kwargs=lambda w: {"pk": w.document.pk, "number": 1},
    ),
    # Empty forms are refused and re-rendered: nothing is written.
    *[
        Row(name, "POST", SCOPED_READ, kwargs=lambda w: {"pk": w.document.pk}, data={})
        for name in ("documents:new_version", "documents:void")
    ],
    Row("documents:delete", "GET", NOT_ALLOWED, kwargs=lambda w: {"pk": w.document.pk}),
    Row(
        "documents:delete",
        "POST",
        expect(302, 403, 403, 403, 302, other_executive=403),
        kwargs=lambda w: {"pk": fresh_document(w).pk},
    ),
    Row("documents:quote_send", "GET", SCOPED_READ, kwargs=lambda w: {"pk": w.quote_document.pk}),
    Row(
        "documents:quote_send",
        "POST",
        SCOPED_READ,
        kwargs=lambda w: {"pk": w.quote_document.pk},
        data={},
    ),
    Row("documents:quote_answer", "GET", NOT_ALLOWED, kwargs=lambda w: {"pk": w.quote_document.pk}),
    Row(
        "documents:quote_answer",
        "POST",
        expect(302, 403, 302, 302, 302, other_executive=404),
        kwargs=lambda w: {"pk": w.quote_document.pk},
        data={},
    ),
    Row(
        "documents:opportunity_tab",
        "GET",
        SCOPED_READ,
        kwargs=lambda w: {"pk": w.opportunity.pk},
    ),
    Row("documents:project_tab", "GET", READ, kwargs=lambda w: {"pk": w.project.pk}),
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
    Row("crm:goal_list", "POST", expect(302, 403, 403, 200, 200), data={}),
    Row("crm:report_index", "GET", READ),
    Row("crm:report_index", "POST", NOT_ALLOWED),
    Row("crm:report_pipeline", "GET", READ),
    Row("crm:report_pipeline", "POST", NOT_ALLOWED),
    Row(
        "crm:report_pipeline_export",
        "GET",
        READ,
        kwargs=lambda world: {"file_format": "excel"},
        note="excel",
    ),
    Row(
        "crm:report_pipeline_export",
        "GET",
        READ,
        kwargs=lambda world: {"file_format": "pdf"},
        note="pdf",
    ),
    Row(
        "crm:report_pipeline_export",
        "POST",
        NOT_ALLOWED,
        kwargs=lambda world: {"file_format": "excel"},
    ),
    Row("crm:report_action_plan_create", "GET", READ),
    Row("crm:report_action_plan_create", "POST", expect(302, 403, 200, 200, 200), data={}),
    Row(
        "crm:report_action_plan_detail",
        "GET",
        SCOPED_READ,
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
        expect(302, 403, 200, 200, 200, other_executive=404),
        kwargs=lambda world: {"pk": executive_action(world).pk},
        data={},
    ),
    *[
        Row(name, method, READ if method == "GET" else NOT_ALLOWED)
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
            READ,
            kwargs=lambda world, slug=slug, fmt=fmt: {"slug": slug, "file_format": fmt},
            note=f"{slug} {fmt}",
        )
        for slug in ("ventas", "perdidas", "actividades", "conversion", "precision")
        for fmt in ("excel", "pdf")
    ],
    Row(
        "crm:report_export",
        "GET",
        expect(302, 403, 404, 404, 404),
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
RECORD_URLS = [
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
    "admin:login": expect(302, 403, 403, 403, 302),
    # Logout is POST-only; signed-in outsiders are refused before that.
    "admin:logout": expect(302, 403, 403, 403, 405),
    # Autocomplete without its query parameters is refused even to admins.
    "admin:autocomplete": expect(302, 403, 403, 403, 403),
    # Logs and the task queue are read-only, even for admins.
    "admin:django_tasks_database_dbtaskresult_add": expect(302, 403, 403, 403, 403),
    "admin:django_tasks_database_dbtaskresult_delete": expect(302, 403, 403, 403, 403),
    # Undelivered emails are listed and sent again, never added or deleted by hand.
    "admin:accounts_undeliveredemail_add": expect(302, 403, 403, 403, 403),
    "admin:accounts_undeliveredemail_delete": expect(302, 403, 403, 403, 403),
    "admin:axes_accesslog_add": expect(302, 403, 403, 403, 403),
    "admin:axes_accesslog_delete": expect(302, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_add": expect(302, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_delete": expect(302, 403, 403, 403, 403),
    "admin:axes_accessattempt_add": expect(302, 403, 403, 403, 403),
    # The security log is append-only: read, never added to or deleted from admin.
    "admin:audit_securityevent_add": expect(302, 403, 403, 403, 403),
    "admin:audit_securityevent_delete": expect(302, 403, 403, 403, 403),
    # Two-factor devices are enrolled by their users; the Administrador views and deletes.
    "admin:accounts_authenticator_add": expect(302, 403, 403, 403, 403),
    "admin:accounts_recoverycodeset_add": expect(302, 403, 403, 403, 403),
    # The company settings row is a singleton: never added twice, never deleted.
    "admin:accounts_companysettings_add": expect(302, 403, 403, 403, 403),
    "admin:accounts_companysettings_delete": expect(302, 403, 403, 403, 403),
    # Import needs a POSTed file; GET on the processing step is refused.
    "admin:crm_client_process_import": expect(302, 403, 403, 403, 405),
    "admin:projects_ro_project_process_import": expect(302, 403, 403, 403, 405),
    "admin:contractors_ro_contractor_process_import": expect(302, 403, 403, 403, 405),
    # Documents come in only through "Subir Documento"; deletion records are never edited.
    "admin:documents_document_add": expect(302, 403, 403, 403, 403),
    "admin:documents_documentdeletion_add": expect(302, 403, 403, 403, 403),
    "admin:documents_documentdeletion_delete": expect(302, 403, 403, 403, 403),
    # Frozen forecasts are evidence: taken by snapshot_forecast only, never deleted.
    "admin:crm_forecastsnapshot_add": expect(302, 403, 403, 403, 403),
    "admin:crm_forecastsnapshot_delete": expect(302, 403, 403, 403, 403),
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
    client = ClientFactory(owner=by)
    client_delete(user=by, client_id=client.pk)
    return client


def fresh_document(world):
    return make_document(world.executive, opportunity=world.opportunity)


def fresh_opportunity(world):
    """A new opportunity of the world's client, shared like the world's one."""
    opportunity = OpportunityFactory(client=world.client, owner=world.executive)
    world.share(opportunity)
    return opportunity


def fresh_client(world):
    client = ClientFactory(owner=world.executive)
    world.grant_client(client)
    return client


class World:
    """The records every row acts on: the executive's client (with a contact), opportunity,
    planned and post-sale activities, and a complaint; the colleagues they are shared with
    ("viewer", "editor") and the hand-off area's notified records."""

    def __init__(self, personas):
        self.personas = dict(personas)
        self.project = ProjectFactory(contractors=[ContractorFactory()])
        self.contractor = self.project.contractors.first()
        executive = self.executive = personas["executive"]
        self.admin_user = personas["admin"]
        executive.calendar_token = "token-secreto-del-ejecutivo-0123456789abcdefghijk"
        executive.save()
        self.calendar_token = executive.calendar_token
        self.client = ClientFactory(owner=executive)
        ContactFactory(client=self.client, is_primary=True)
        self.opportunity = OpportunityFactory(client=self.client, owner=executive)
        self.post_sale_activity = ActivityFactory(
            opportunity=self.opportunity,
            type="satisfaction_call",
            scheduled_at=None,
            done_at=timezone.now(),
            satisfaction_level=2,
            problems="Factura con error",
            upselling="Ampliar el contrato de mantenimiento",
        )
        self.activity = ActivityFactory(opportunity=self.opportunity)
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
        self.personas[persona] = UserFactory(username=username, roles=[Role.EXECUTIVE])
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
        self.personas["ops_notified"] = UserFactory(username="operaciones", roles=[Role.OPERATIONS])
        self.handoff_complaint = complaint_create(
            user=self.executive,
            client=self.client,
            data={"subject": "Instalación incompleta", "description": "x", "area": "operations"},
        )
        won = OpportunityFactory(client=self.client, owner=self.executive, stage="negotiation")
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
        self.personas["ops_other"] = UserFactory(username="operaciones2", roles=[Role.OPERATIONS])
        return self.personas["ops_other"]


def build_personas() -> dict:
    """The personas of tests/conftest.py, for a world built once per module."""
    roles = {
        "executive": ("ejecutivo", [Role.EXECUTIVE]),
        "other_executive": ("ejecutivo2", [Role.EXECUTIVE]),
        "manager": ("gerente", [Role.MANAGER]),
        "admin": ("administrador", [Role.ADMIN]),
        "no_role": ("sin_rol", []),
    }
    personas = {name: UserFactory(username=u, roles=r) for name, (u, r) in roles.items()}
    return {"anonymous": None, **personas}


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
    with override_settings(STORAGES=storages), django_db_blocker.unblock():
        PRIVATE_STORAGE._wrapped = empty
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield World(build_personas()).build_the_rest()
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
def test_authorization_matrix(row, client, world, db):
    set_visibility(row.visibility)
    mismatches = []
    for persona, expected in row.expected.items():
        if expected is None:
            continue
        user = world.user(persona)
        # Built per persona, so a destructive row acts on a fresh record each time.
        url = reverse(row.name, kwargs=row.kwargs(world))
        client.logout()
        if user is not None:
            client.force_login(user)
        data = row.data(world) if callable(row.data) else row.data
        response = getattr(client, row.method.lower())(url, data=data)
        if not answer_matches(expected, response.status_code):
            mismatches.append(f"{persona} {url}: expected {expected}, got {response.status_code}")
    assert not mismatches, f"{row.id}: " + "; ".join(mismatches)


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
