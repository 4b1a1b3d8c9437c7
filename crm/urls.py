from django.urls import path

from crm.opportunities.views import board as opportunity_board
from crm.opportunities.views import flows as opportunity_flows
from crm.opportunities.views import list as opportunity_list
from crm.opportunities.views import page as opportunity_page
from crm.views import (
    activities,
    calendar,
    client_list,
    client_merge,
    clients,
    complaints,
    goals,
    imports,
    pickers,
    recycle_bin,
    reports,
    search,
)

app_name = "crm"

urlpatterns = [
    path("buscar/", search.global_search_view, name="global_search"),
    path("selector/<slug:kind>/", pickers.picker_view, name="picker"),
    path("clientes/", client_list.client_list_view, name="client_list"),
    path("clientes/nuevo/", clients.client_create_view, name="client_create"),
    path("clientes/segmento/", client_list.client_bulk_segment_view, name="client_bulk_segment"),
    path(
        "clientes/exportar/<str:file_format>/",
        client_list.client_export_view,
        name="client_export",
    ),
    path("clientes/importar/", imports.client_import_view, name="client_import"),
    path(
        "clientes/importar/<str:token>/",
        imports.client_import_confirm_view,
        name="client_import_confirm",
    ),
    path("contactos/importar/", imports.contact_import_view, name="contact_import"),
    path(
        "contactos/importar/<str:token>/",
        imports.contact_import_confirm_view,
        name="contact_import_confirm",
    ),
    path("clientes/<int:pk>/", clients.client_detail_view, name="client_detail"),
    path("clientes/<int:pk>/editar/", clients.client_edit_view, name="client_edit"),
    path("clientes/<int:pk>/eliminar/", clients.client_delete_view, name="client_delete"),
    path("clientes/<int:pk>/compartir/", clients.client_share_view, name="client_share"),
    path("clientes/<int:pk>/fusionar/", client_merge.client_merge_view, name="client_merge"),
    path("clientes/<int:pk>/<slug:tab>/", clients.client_detail_view, name="client_tab"),
    path("oportunidades/", opportunity_list.opportunity_list_view, name="opportunity_list"),
    path(
        "oportunidades/exportar/<str:file_format>/",
        opportunity_list.opportunity_export_view,
        name="opportunity_export",
    ),
    path(
        "oportunidades/tablero/", opportunity_board.opportunity_board_view, name="opportunity_board"
    ),
    path(
        "oportunidades/tablero/<slug:stage>/",
        opportunity_board.opportunity_board_column_view,
        name="opportunity_board_column",
    ),
    path(
        "oportunidades/nueva/", opportunity_page.opportunity_create_view, name="opportunity_create"
    ),
    path(
        "oportunidades/contactos-del-cliente/",
        opportunity_page.client_contacts_view,
        name="opportunity_client_contacts",
    ),
    path(
        "oportunidades/<int:pk>/",
        opportunity_page.opportunity_detail_view,
        name="opportunity_detail",
    ),
    path(
        "oportunidades/<int:pk>/editar/",
        opportunity_page.opportunity_edit_view,
        name="opportunity_edit",
    ),
    path(
        "oportunidades/<int:pk>/eliminar/",
        opportunity_page.opportunity_delete_view,
        name="opportunity_delete",
    ),
    path(
        "oportunidades/<int:pk>/compartir/",
        opportunity_page.opportunity_share_view,
        name="opportunity_share",
    ),
    path(
        "oportunidades/<int:pk>/etapa/",
        opportunity_board.opportunity_move_view,
        name="opportunity_move",
    ),
    path(
        "oportunidades/<int:pk>/seguimiento/",
        opportunity_flows.follow_up_view,
        name="opportunity_follow_up",
    ),
    path("oportunidades/<int:pk>/ganada/", opportunity_flows.win_view, name="opportunity_win"),
    path("oportunidades/<int:pk>/perdida/", opportunity_flows.lose_view, name="opportunity_lose"),
    path("actividades/", activities.activity_list_view, name="activity_list"),
    path("actividades/semana/", activities.activity_week_view, name="activity_week"),
    path("actividades/nueva/", activities.activity_create_view, name="activity_create"),
    path("actividades/<int:pk>/", activities.activity_detail_view, name="activity_detail"),
    path(
        "actividades/<int:pk>/realizar/",
        activities.activity_complete_view,
        name="activity_complete",
    ),
    path(
        "actividades/<int:pk>/reprogramar/",
        activities.activity_reschedule_view,
        name="activity_reschedule",
    ),
    path("actividades/<int:pk>/cancelar/", activities.activity_cancel_view, name="activity_cancel"),
    path(
        "actividades/<int:pk>/reclamo/",
        activities.activity_complaint_view,
        name="activity_complaint",
    ),
    path(
        "actividades/<int:pk>/nueva-oportunidad/",
        activities.activity_upsell_view,
        name="activity_upsell",
    ),
    path("reclamos/", complaints.complaint_list_view, name="complaint_list"),
    path("reclamos/nuevo/", complaints.complaint_create_view, name="complaint_create"),
    path("reclamos/<int:pk>/", complaints.complaint_detail_view, name="complaint_detail"),
    path("reclamos/<int:pk>/editar/", complaints.complaint_edit_view, name="complaint_edit"),
    path("calendario/<str:token>.ics", calendar.calendar_feed_view, name="calendar_feed"),
    path("metas/", goals.goal_list_view, name="goal_list"),
    path("reportes/", reports.report_index_view, name="report_index"),
    path("reportes/pipeline/", reports.report_pipeline_view, name="report_pipeline"),
    path(
        "reportes/pipeline/<slug:file_format>/",
        reports.report_pipeline_export_view,
        name="report_pipeline_export",
    ),
    *[
        path(f"reportes/{slug}/", reports.table_report_view, {"slug": slug}, name=name)
        for slug, name in (
            ("ventas", "report_sales"),
            ("perdidas", "report_losses"),
            ("actividades", "report_activities"),
            ("conversion", "report_conversion"),
            ("precision", "report_forecast"),
        )
    ],
    path(
        "reportes/<slug:slug>/exportar/<slug:file_format>/",
        reports.table_report_export_view,
        name="report_export",
    ),
    path(
        "reportes/planes/nuevo/",
        reports.report_action_plan_create_view,
        name="report_action_plan_create",
    ),
    path(
        "reportes/planes/<int:pk>/",
        reports.report_action_plan_detail_view,
        name="report_action_plan_detail",
    ),
    path(
        "reportes/acciones/<int:pk>/programar/",
        reports.report_action_schedule_view,
        name="report_action_schedule",
    ),
    path("papelera/", recycle_bin.recycle_bin_view, name="recycle_bin"),
    path(
        "papelera/<slug:kind>/<int:pk>/restaurar/",
        recycle_bin.restore_view,
        name="recycle_bin_restore",
    ),
]
