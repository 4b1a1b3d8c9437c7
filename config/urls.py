from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("dashboard.urls")),
    path("cuentas/", include("accounts.urls")),
    path("crm/", include("crm.urls")),
    path("proyectos/", include("projects_ro.urls")),
    path("contratistas/", include("contractors_ro.urls")),
    path("documentos/", include("documents.urls")),
    path("admin/", admin.site.urls),
]

# A database outage answers 503 with Retry-After instead of the 500 page (config/outage.py).
handler500 = "config.outage.server_error"
