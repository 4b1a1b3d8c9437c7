from django.urls import path

from projects_ro import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list_view, name="list"),
    path("<int:pk>/", views.project_detail_view, name="detail"),
]
