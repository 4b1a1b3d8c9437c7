from django.urls import path

from crm.views import client_list, clients, imports, recycle_bin

app_name = "crm"

urlpatterns = [
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
    path("clientes/<int:pk>/<slug:tab>/", clients.client_detail_view, name="client_tab"),
    path("papelera/", recycle_bin.recycle_bin_view, name="recycle_bin"),
    path(
        "papelera/<slug:kind>/<int:pk>/restaurar/",
        recycle_bin.restore_view,
        name="recycle_bin_restore",
    ),
]
