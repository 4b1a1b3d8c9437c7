from datetime import datetime
from typing import Any, cast

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from accounts.models import Authenticator, CompanySettings, RecoveryCodeSet, UndeliveredEmail, User
from accounts.tasks import send_notification_email
from audit.models import EventKind
from audit.services import record_security_event


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Roles are assigned through groups; Django admin opens to the Administrador role."""

    list_display = ("username", "full_name", "email", "roles", "is_active", "last_login")
    list_filter = ("groups", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roles"), {"fields": ("is_active", "groups")}),
        (_("Advanced permissions"), {"classes": ("collapse",), "fields": ("is_superuser",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("name"), ordering="first_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Role (group) and superuser changes go to the security log, with who made them."""
        before = (
            {group.pk: group.name for group in form.initial.get("groups", [])} if change else {}
        )
        super().save_related(request, form, formsets, change)
        user = form.instance
        after = {group.pk: group.name for group in user.groups.all()}
        added = sorted(after[pk] for pk in after.keys() - before.keys())
        removed = sorted(before[pk] for pk in before.keys() - after.keys())
        parts = []
        if added:
            parts.append("added: " + ", ".join(added))
        if removed:
            parts.append("removed: " + ", ".join(removed))
        if "is_superuser" in form.changed_data:
            parts.append(f"superuser: {'yes' if user.is_superuser else 'no'}")
        if parts:
            record_security_event(
                kind=EventKind.ROLES_CHANGED,
                # Admin answers only a signed-in Administrador (config.admin_site).
                user=cast(User, request.user),
                request=request,
                target=user.get_username(),
                detail="; ".join(parts),
            )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not request.user.is_superuser:
            # Only a superuser may create another superuser.
            return tuple(fs for fs in fieldsets if fs[0] != _("Advanced permissions"))
        return fieldsets


@admin.register(CompanySettings)
class CompanySettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("company_name", "currency")}),
        (
            _("Visibility"),
            {
                "fields": ("client_visibility", "opportunity_visibility"),
                "description": _(
                    "What an executive may see and edit of other executives' records. "
                    "Managers and administrators always see and edit everything; sharing an "
                    "opportunity gives one colleague view or edit access to that record."
                ),
            },
        ),
        (_("Follow-up"), {"fields": ("no_answer_attempts", "digest_hour")}),
    )
    radio_fields = {
        "client_visibility": admin.VERTICAL,
        "opportunity_visibility": admin.VERTICAL,
    }

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not CompanySettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(UndeliveredEmail)
class UndeliveredEmailAdmin(admin.ModelAdmin):
    """Notification emails the mail server refused on every attempt (accounts.tasks): who
    did not get what, and the last error. The in-app notification itself was delivered."""

    list_display = (
        "email_failed_at",
        "recipient",
        "recipient_email",
        "subject",
        "email_attempts",
        "email_error",
    )
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "recipient__email", "subject")
    ordering = ("-email_failed_at",)
    fields = (*list_display, "body", "created_at")
    readonly_fields = fields
    actions = ("send_again",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[UndeliveredEmail]:
        return super().get_queryset(request).filter(email_failed_at__isnull=False)

    @admin.display(description=_("email address"))
    def recipient_email(self, obj: UndeliveredEmail) -> str:
        return obj.recipient.email

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected emails again"), permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[UndeliveredEmail]) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        queryset.update(email_failed_at=None, email_attempts=0, email_error="")
        for pk in pks:
            send_notification_email.enqueue(notification_id=pk)
        self.message_user(
            request,
            ngettext("%(count)s email queued again.", "%(count)s emails queued again.", len(pks))
            % {"count": len(pks)},
        )


# Third-party admins whose column titles are plain English in their packages: the same
# admins with the titles in our catalogue (tests/accounts/test_admin_spanish.py).
class LockoutAdmin(AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj: AccessAttempt) -> str:
        return super().status(obj)


class TaskResultAdmin(DBTaskResultAdmin):
    @admin.display(description=_("task"))
    def task_name(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult) -> datetime | str:
        return super().display_run_after(obj)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, LockoutAdmin)
admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


# Two-factor devices: the Administrador sees who enrolled and deletes a lost phone's
# authenticator (the user then enrols again); enrolment itself is the user's, on Seguridad.
# Shown through Spanish-named proxies: django-otp's own labels are not translatable.
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ("owner", "device_name", "is_confirmed")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    fields = ("owner", "device_name", "is_confirmed")
    readonly_fields = fields
    list_select_related = ("user",)

    @admin.display(description=_("user"), ordering="user__username")
    def owner(self, obj: Authenticator) -> str:
        return str(obj.user)

    @admin.display(description=_("name"))
    def device_name(self, obj: Authenticator) -> str:
        return obj.name

    @admin.display(description=_("confirmed"), boolean=True)
    def is_confirmed(self, obj: Authenticator) -> bool:
        return obj.confirmed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


admin.site.register(Authenticator, TwoFactorDeviceAdmin)
admin.site.register(RecoveryCodeSet, TwoFactorDeviceAdmin)
