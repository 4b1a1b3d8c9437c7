"""Every URL of the project × every role persona × method: the expected HTTP answer.

`ROWS` lists the app's own URLs by hand; Django admin URLs are generated from the resolver
with one rule (only the Administrador gets in). The meta-test fails when a URL is added
without a row, so nothing ships unguarded.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import CompanySettings, Notification, Visibility
from crm.services import client_delete
from crm.services.complaints import complaint_create
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    ContractorFactory,
    OpportunityFactory,
    ProjectFactory,
)

PERSONAS = ("anonymous", "no_role", "executive", "other_executive", "manager", "admin")


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
    # The calendar feed has no session: the secret token is the credential.
    Row("crm:calendar_feed", "GET", EVERYWHERE_404, kwargs=lambda world: {"token": "nope"}),
    Row(
        "crm:calendar_feed",
        "GET",
        EVERYONE,
        kwargs=lambda world: {"token": world.calendar_token},
        note="valid token",
    ),
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
    Row("crm:client_edit", "GET", SCOPED_READ, kwargs=lambda world: {"pk": world.client.pk}),
    # An empty form is refused and re-rendered: nothing is written.
    Row("crm:client_edit", "POST", SCOPED_READ, kwargs=lambda world: {"pk": world.client.pk}),
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
    # ---- CRM → Reportes (h-reports) ---------------------------------------------------------
    # Reports follow the "dashboard" module; an executive's plan is out of another's scope.
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
        for slug in ("ventas", "perdidas", "actividades", "conversion")
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
    # The admin login form is shown to anyone who is not an Administrador.
    "admin:login": expect(200, 200, 200, 200, 302),
    # Logout is POST-only; signed-in outsiders are refused before that.
    "admin:logout": expect(302, 403, 403, 403, 405),
    # Autocomplete without its query parameters is refused even to admins.
    "admin:autocomplete": expect(302, 403, 403, 403, 403),
    # Logs and the task queue are read-only, even for admins.
    "admin:django_tasks_database_dbtaskresult_add": expect(302, 403, 403, 403, 403),
    "admin:django_tasks_database_dbtaskresult_delete": expect(302, 403, 403, 403, 403),
    "admin:axes_accesslog_add": expect(302, 403, 403, 403, 403),
    "admin:axes_accesslog_delete": expect(302, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_add": expect(302, 403, 403, 403, 403),
    "admin:axes_accessfailurelog_delete": expect(302, 403, 403, 403, 403),
    "admin:axes_accessattempt_add": expect(302, 403, 403, 403, 403),
    # The company settings row is a singleton: never added twice, never deleted.
    "admin:accounts_companysettings_add": expect(302, 403, 403, 403, 403),
    "admin:accounts_companysettings_delete": expect(302, 403, 403, 403, 403),
    # Import needs a POSTed file; GET on the processing step is refused.
    "admin:crm_client_process_import": expect(302, 403, 403, 403, 405),
    "admin:projects_ro_project_process_import": expect(302, 403, 403, 403, 405),
    "admin:contractors_ro_contractor_process_import": expect(302, 403, 403, 403, 405),
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


def fresh_opportunity(world):
    return OpportunityFactory(client=world.client, owner=world.executive)


@pytest.fixture
def world(personas):
    project = ProjectFactory(contractors=[ContractorFactory()])
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    executive = personas["executive"]
    executive.calendar_token = "token-secreto-del-ejecutivo"
    executive.save()
    client = ClientFactory(owner=executive)
    ContactFactory(client=client, is_primary=True)
    opportunity = OpportunityFactory(client=client, owner=executive)
    post_sale = ActivityFactory(
        opportunity=opportunity,
        type="satisfaction_call",
        scheduled_at=None,
        done_at=timezone.now(),
        satisfaction_level=2,
        problems="Factura con error",
        upselling="Ampliar el contrato de mantenimiento",
    )
    return SimpleNamespace(
        opportunity=opportunity,
        activity=ActivityFactory(opportunity=opportunity),
        post_sale_activity=post_sale,
        complaint=complaint_create(
            user=executive,
            client=client,
            data={"subject": "Retraso", "description": "x", "area": "quality"},
        ),
        calendar_token=executive.calendar_token,
        project=project,
        contractor=project.contractors.first(),
        client=client,
        executive=personas["executive"],
        admin_user=personas["admin"],
    )


def answer_matches(expected, status: int) -> bool:
    if expected == "ok":
        return status < 400
    return status == expected


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS + admin_rows(), ids=lambda row: row.id)
def test_authorization_matrix(row, client, personas, world):
    mismatches = []
    for persona in PERSONAS:
        expected = row.expected[persona]
        if expected is None:
            continue
        # Built per persona, so a destructive row acts on a fresh record each time.
        url = reverse(row.name, kwargs=row.kwargs(world))
        client.logout()
        if personas[persona] is not None:
            client.force_login(personas[persona])
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
