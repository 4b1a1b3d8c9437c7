"""What the benchmark requests: every page a user meets, with its deep pages, sort orders,
filters and search variants (issue "Performance at the reference volume", item 8).

A case is a title, a URL and who requests it. "Last page" is asked as a page number past the
end, which the shared paginator answers with the last page, as a user following the "»" link
would see it.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_filters import FilterSet

from crm.filters.clients import ClientFilter
from crm.filters.complaints import ComplaintFilter
from crm.opportunities.filters import OpportunityFilter

EXECUTIVE, MANAGER, BOTH = "ejecutivo", "gerente", "both"
LAST = "page=99999"


@dataclass(frozen=True)
class Case:
    group: str  # "list", "page" (detail, tab, board, agenda, dashboard, report) or "floor"
    title: str
    url: str
    who: str = BOTH

    def for_user(self, label: str) -> bool:
        return self.who in (BOTH, label)


def _orders(filterset: FilterSet) -> list[str]:
    """The sort values a list offers (its OrderingFilter's choices, ascending)."""
    choices = filterset.base_filters["order"].extra["choices"]
    return [value for value, _label in choices if not value.startswith("-")]


def _sorted(group: str, title: str, base: str, filterset: FilterSet) -> list[Case]:
    cases = []
    for order in _orders(filterset):
        cases.append(Case(group, f"{title} ↑{order}", f"{base}?order={order}"))
        cases.append(Case(group, f"{title} ↓{order} última", f"{base}?order=-{order}&{LAST}"))
    return cases


def _optional(name: str, *args: Any) -> str | None:
    """A URL that exists only once its feature is on main (the benchmark never rots)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def page_cases(objects: dict[str, int]) -> list[Case]:
    """`objects`: pks of the benchmark executive's records (client, opportunity, activity,
    complaint, document), of any project and contractor, and their calendar token."""
    client, opportunity = objects["client"], objects["opportunity"]
    clients = reverse("crm:client_list")
    opportunities = reverse("crm:opportunity_list")
    complaints = reverse("crm:complaint_list")
    documents = reverse("documents:list")
    projects = reverse("projects:list")
    contractors = reverse("contractors:list")
    activities = reverse("crm:activity_list")
    today = timezone.localdate()
    wide = (
        f"?periodo=personalizado&desde={(today - timedelta(days=540)).isoformat()}"
        f"&hasta={(today + timedelta(days=540)).isoformat()}"
    )
    cases = [
        Case("floor", "Piso: contador de avisos", reverse("accounts:notifications_unread_count")),
        Case("page", "Dashboard", reverse("dashboard:home")),
        Case(
            "page",
            "Dashboard, un ejecutivo",
            reverse("dashboard:home") + "?ejecutivo={exec}",
            MANAGER,
        ),
        # Clients
        Case("list", "Clientes: lista", clients),
        Case("list", "Clientes: página 200", f"{clients}?page=200"),
        Case("list", "Clientes: última página", f"{clients}?{LAST}"),
        *_sorted("list", "Clientes", clients, ClientFilter),
        Case("list", "Clientes: segmento A", f"{clients}?segment=A"),
        Case("list", "Clientes: por ejecutivo", f"{clients}?owner={{exec}}"),
        Case("list", "Clientes: buscar nombre", f"{clients}?q=Empresa 1234"),
        Case("list", "Clientes: buscar fragmento", f"{clients}?q=presa 99"),
        Case("list", "Clientes: buscar sin acento", f"{clients}?q=petroleos"),
        Case("list", "Clientes: buscar RIF", f"{clients}?q=J-10001234"),
        Case("list", "Clientes: buscar RIF sin guiones", f"{clients}?q=J10001234"),
        Case("list", "Clientes: buscar teléfono", f"{clients}?q=0414 600 2468"),
        Case("list", "Clientes: buscar correo", f"{clients}?q=persona1.2468@"),
        Case("page", "Cliente: resumen", reverse("crm:client_detail", args=[client])),
        *[
            Case("page", f"Cliente: {tab}", reverse("crm:client_tab", args=[client, tab]))
            for tab in (
                "contactos",
                "oportunidades",
                "actividades",
                "proyectos",
                "reclamos",
                "documentos",
                "historial",
            )
        ],
        # Opportunities
        Case("page", "Oportunidades: tablero", reverse("crm:opportunity_board")),
        Case(
            "page",
            "Tablero: por ejecutivo",
            reverse("crm:opportunity_board") + "?owner={exec}",
            MANAGER,
        ),
        Case("list", "Oportunidades: lista", opportunities),
        Case("list", "Oportunidades: página 200", f"{opportunities}?page=200"),
        Case("list", "Oportunidades: última página", f"{opportunities}?{LAST}"),
        *_sorted("list", "Oportunidades", opportunities, OpportunityFilter),
        Case("list", "Oportunidades: por cliente", f"{opportunities}?client=Empresa 1234"),
        Case("list", "Oportunidades: por RIF", f"{opportunities}?client=J100012345"),
        Case("list", "Oportunidades: etapa", f"{opportunities}?stage=proposal"),
        Case("list", "Oportunidades: requiere seguimiento", f"{opportunities}?follow_up=on"),
        Case("list", "Oportunidades: buscar", f"{opportunities}?q=Oportunidad 1234"),
        Case("page", "Oportunidad: página", reverse("crm:opportunity_detail", args=[opportunity])),
        Case(
            "page",
            "Oportunidad: documentos",
            reverse("documents:opportunity_tab", args=[opportunity]),
        ),
        Case(
            "page",
            "Tablero: Ver más",
            reverse("crm:opportunity_board_column", args=["prospecting"]) + "?page=2",
        ),
        # Forms and flows: their selects must not list 20,000 clients.
        Case("page", "Nueva oportunidad", reverse("crm:opportunity_create")),
        Case("page", "Editar oportunidad", reverse("crm:opportunity_edit", args=[opportunity])),
        Case("page", "Mover etapa", reverse("crm:opportunity_move", args=[opportunity])),
        Case("page", "Dar seguimiento", reverse("crm:opportunity_follow_up", args=[opportunity])),
        Case("page", "Cerrar venta", reverse("crm:opportunity_win", args=[opportunity])),
        Case("page", "Perdida", reverse("crm:opportunity_lose", args=[opportunity])),
        Case("page", "Compartir oportunidad", reverse("crm:opportunity_share", args=[opportunity])),
        Case("page", "Eliminar oportunidad", reverse("crm:opportunity_delete", args=[opportunity])),
        Case("page", "Nuevo cliente", reverse("crm:client_create")),
        Case("page", "Editar cliente", reverse("crm:client_edit", args=[client])),
        Case("page", "Compartir cliente", reverse("crm:client_share", args=[client])),
        Case("page", "Eliminar cliente", reverse("crm:client_delete", args=[client])),
        Case("page", "Fusionar clientes", reverse("crm:client_merge", args=[client]), MANAGER),
        Case("page", "Importar clientes", reverse("crm:client_import")),
        Case("page", "Importar contactos", reverse("crm:contact_import")),
        # Activities
        Case("page", "Mis actividades", activities),
        Case("page", "Mis actividades: todo el equipo", f"{activities}?executive=all", MANAGER),
        Case("page", "Mis actividades: última página", f"{activities}?{LAST}"),
        Case("page", "Semana", reverse("crm:activity_week")),
        Case("page", "Actividad", reverse("crm:activity_detail", args=[objects["activity"]])),
        Case("page", "Nueva actividad", reverse("crm:activity_create")),
        Case(
            "page",
            "Realizar actividad",
            reverse("crm:activity_complete", args=[objects["activity"]]),
        ),
        Case(
            "page",
            "Reprogramar actividad",
            reverse("crm:activity_reschedule", args=[objects["activity"]]),
        ),
        Case(
            "page", "Cancelar actividad", reverse("crm:activity_cancel", args=[objects["activity"]])
        ),
        Case(
            "page",
            "Calendario ICS",
            reverse("crm:calendar_feed", args=[objects["calendar_token"]]),
            EXECUTIVE,
        ),
        # Complaints, documents, projects, contractors, bin, notifications
        Case("list", "Reclamos", complaints),
        Case("list", "Reclamos: última página", f"{complaints}?{LAST}"),
        *_sorted("list", "Reclamos", complaints, ComplaintFilter),
        Case("list", "Reclamos: buscar", f"{complaints}?q=demora"),
        Case("page", "Reclamo", reverse("crm:complaint_detail", args=[objects["complaint"]])),
        Case("page", "Editar reclamo", reverse("crm:complaint_edit", args=[objects["complaint"]])),
        Case("page", "Nuevo reclamo", reverse("crm:complaint_create")),
        Case("list", "Documentos: lista", documents),
        Case("list", "Documentos: búsqueda", f"{documents}?q=COT-B-1234"),
        Case("list", "Documentos: cotizaciones, última", f"{documents}?kind=quote&{LAST}"),
        Case("list", "Documentos: última página", f"{documents}?{LAST}"),
        Case("page", "Documento", reverse("documents:detail", args=[objects["document"]])),
        Case("page", "Subir documento", reverse("documents:upload")),
        Case("list", "Proyectos", projects),
        Case("page", "Proyecto", reverse("projects:detail", args=[objects["project"]])),
        Case(
            "page",
            "Proyecto: documentos",
            reverse("documents:project_tab", args=[objects["project"]]),
        ),
        Case("list", "Contratistas", contractors),
        Case("page", "Contratista", reverse("contractors:detail", args=[objects["contractor"]])),
        Case("page", "Metas", reverse("crm:goal_list")),
        Case("page", "Preferencias", reverse("accounts:preferences")),
        Case("page", "Seguridad", reverse("accounts:security")),
        Case("list", "Papelera", reverse("crm:recycle_bin")),
        Case("list", "Notificaciones", reverse("accounts:notifications")),
        # CRM → Reportes
        Case("page", "Reportes: índice", reverse("crm:report_index")),
        Case("page", "Reporte de Pipeline", reverse("crm:report_pipeline")),
        Case("page", "Pipeline: 12 meses", reverse("crm:report_pipeline") + "?periodo=12m"),
        Case("page", "Pipeline: 3 años", reverse("crm:report_pipeline") + wide),
        Case("page", "Reporte de Ventas", reverse("crm:report_sales") + "?periodo=12m"),
        Case("page", "Reporte de Pérdidas", reverse("crm:report_losses") + "?periodo=12m"),
        Case("page", "Reporte de Actividades", reverse("crm:report_activities")),
        Case("page", "Conversión y ciclo", reverse("crm:report_conversion")),
        Case("page", "Precisión del pronóstico", reverse("crm:report_forecast") + "?periodo=12m"),
        Case("page", "Nuevo plan de acción", reverse("crm:report_action_plan_create")),
    ]
    search = _optional("crm:global_search")
    if search:
        cases += [
            Case("list", "Búsqueda global: nombre", f"{search}?q=Empresa 1234"),
            Case("list", "Búsqueda global: RIF sin guiones", f"{search}?q=J100012345"),
            Case("list", "Búsqueda global: teléfono", f"{search}?q=04146002468"),
        ]
    picker = _optional("crm:picker", "client")
    if picker:
        opportunity_picker = reverse("crm:picker", args=["opportunity"])
        cases += [
            # The forms' searchable pickers, as the user types (≤ 20 results).
            Case("list", "Selector: clientes", f"{picker}?q=Empresa 12&field=id_client"),
            Case("list", "Selector: clientes por RIF", f"{picker}?q=J100012345"),
            Case("list", "Selector: oportunidades", f"{opportunity_picker}?q=Oportunidad 12"),
            Case(
                "list",
                "Selector: oportunidades del cliente",
                f"{opportunity_picker}?client={client}",
            ),
        ]
    return cases


@dataclass(frozen=True)
class Export:
    """A file download and its budgets (seconds to the first byte and in all, MB of the
    worker's peak RSS over its idle RSS); None where the issue sets none."""

    title: str
    url: str
    first_byte_s: float | None = 1.0
    total_s: float | None = None
    rss_mb: float | None = 30.0


def export_cases() -> list[Export]:
    today = timezone.localdate()
    wide = (
        f"?periodo=personalizado&desde={(today - timedelta(days=540)).isoformat()}"
        f"&hasta={(today + timedelta(days=540)).isoformat()}&ejecutivo="
    )
    pipeline = reverse("crm:report_pipeline_export", args=["excel"])
    cases = [
        Export("Clientes xlsx (todos)", reverse("crm:client_export", args=["xlsx"])),
        Export("Clientes CSV (todos)", reverse("crm:client_export", args=["csv"])),
        Export(
            "Pipeline PDF",
            reverse("crm:report_pipeline_export", args=["pdf"]),
            first_byte_s=None,
            total_s=2.0,
            rss_mb=None,
        ),
        # The Resumen sheet comes first in the streamed file: its first byte within 2 s.
        Export("Pipeline Excel, trimestre", pipeline, first_byte_s=2.0),
        Export("Pipeline Excel, 3 años", pipeline + wide, first_byte_s=2.0, total_s=10.0),
        Export(
            "Ventas PDF, 12 meses",
            reverse("crm:report_export", args=["ventas", "pdf"]) + "?periodo=12m",
            first_byte_s=None,
            total_s=2.0,
            rss_mb=None,
        ),
        Export(
            "Ventas Excel, 12 meses",
            reverse("crm:report_export", args=["ventas", "excel"]) + "?periodo=12m",
            first_byte_s=2.0,
        ),
    ]
    for file_format, total in (("xlsx", 10.0), ("csv", 3.0)):
        url = _optional("crm:opportunity_export", file_format)
        if url:
            cases.append(Export(f"Oportunidades {file_format} (todas)", url, total_s=total))
    return cases
