from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import security_views, views
from accounts.forms import LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm

app_name = "accounts"

urlpatterns = [
    path("preferencias/", views.preferences_view, name="preferences"),
    path("preferencias/calendario/", views.calendar_token_view, name="calendar_token"),
    path("columnas/<slug:list_name>/", views.list_columns_view, name="list_columns"),
    path("moneda/", views.display_currency_view, name="display_currency"),
    path("notificaciones/", views.notification_list_view, name="notifications"),
    path("notificaciones/sin-leer/", views.unread_count_view, name="notifications_unread_count"),
    path("notificaciones/<int:pk>/leer/", views.notification_read_view, name="notification_read"),
    path(
        "notificaciones/leer-todas/",
        views.notification_read_all_view,
        name="notifications_read_all",
    ),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("verificacion/", security_views.otp_verify_view, name="otp_verify"),
    path("seguridad/", security_views.security_view, name="security"),
    path("seguridad/codigos/", security_views.recovery_codes_view, name="otp_recovery_codes"),
    path("seguridad/desactivar/", security_views.otp_disable_view, name="otp_disable"),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            form_class=PasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=SetPasswordForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            form_class=PasswordChangeForm,
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
