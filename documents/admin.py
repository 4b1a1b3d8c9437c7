"""Django admin for documents: only an Administrador reaches it; deleting goes through the
service, so every deletion is recorded (who, when, which files and their hashes)."""

from typing import cast

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounts.models import User
from documents.models import Document, DocumentDeletion, DocumentVersion
from documents.services import document_delete


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = (
        "number",
        "original_name",
        "size",
        "content_type",
        "sha256",
        "reason",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "client", "opportunity", "project", "uploaded_at", "voided_at")
    list_filter = ("kind",)
    search_fields = ("title", "current_version__original_name")
    list_select_related = ("client", "opportunity", "project")
    readonly_fields = ("uploaded_by", "uploaded_at", "voided_at", "voided_by", "void_reason")
    raw_id_fields = ("client", "opportunity", "project")
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # documents are uploaded through "Subir Documento" (checked files)

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        document_delete(user=_admin_user(request), document_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            document_delete(user=_admin_user(request), document_id=pk)


def _admin_user(request: HttpRequest) -> User:
    # Admin answers only a signed-in Administrador (config.admin_site), never AnonymousUser.
    return cast(User, request.user)


@admin.register(DocumentDeletion)
class DocumentDeletionAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "deleted_by_name", "deleted_at")
    readonly_fields = (
        "document_id",
        "title",
        "kind",
        "files",
        "deleted_by",
        "deleted_by_name",
        "deleted_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
