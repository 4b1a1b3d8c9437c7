from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list_view, name="list"),
    path("subir/", views.document_upload_view, name="upload"),
    path("<int:pk>/", views.document_detail_view, name="detail"),
    path("<int:pk>/nueva-version/", views.document_version_view, name="new_version"),
    path("<int:pk>/anular/", views.document_void_view, name="void"),
    path("<int:pk>/eliminar/", views.document_delete_view, name="delete"),
    path("<int:pk>/descargar/", views.document_download_view, name="download"),
    path(
        "<int:pk>/versiones/<int:number>/descargar/",
        views.document_download_view,
        name="download_version",
    ),
    path("<int:pk>/enviar/", views.quote_send_view, name="quote_send"),
    path("<int:pk>/respuesta/", views.quote_answer_view, name="quote_answer"),
    path("oportunidad/<int:pk>/", views.opportunity_documents_view, name="opportunity_tab"),
    path("proyecto/<int:pk>/", views.project_documents_view, name="project_tab"),
]
