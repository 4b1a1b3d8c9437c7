from django.urls import path

from contractors_ro import views

app_name = "contractors"

urlpatterns = [
    path("", views.contractor_list_view, name="list"),
    path("<int:pk>/", views.contractor_detail_view, name="detail"),
]
