"""Writes of documents: upload (with its quote when Tipo is Cotización), new versions,
"Anulado", the record of each download, and the administrator-only deletion."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_administrator
from audit.models import EventKind
from audit.services import record_security_event
from crm.models import Client, Opportunity
from documents.models import (
    Document,
    DocumentDeletion,
    DocumentDownload,
    DocumentKind,
    DocumentVersion,
    private_storage,
)
from documents.quotes import QuoteInput, quote_create
from documents.selectors import user_can_attach_to
from documents.uploads import check_upload
from projects_ro.models import Project


@dataclass
class DocumentInput:
    kind: str
    title: str
    client: Client | None = None
    opportunity: Opportunity | None = None
    project: Project | None = None


@contextmanager
def _atomic_with_files() -> Iterator[list[str]]:
    """A transaction that also removes the files it stored when it rolls back."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        for name in stored:
            private_storage().delete(name)
        raise


def _check_links(*, user: User, data: DocumentInput) -> None:
    """An opportunity's document belongs to its client too; a project's own document stays
    the project's (it follows project visibility)."""
    if data.opportunity is not None:
        if data.client is not None and data.client.pk != data.opportunity.client_id:
            raise ValidationError(
                {"opportunity": _("The opportunity must belong to the chosen client.")}
            )
        data.client = data.opportunity.client
    if data.client is None and data.project is None:
        raise ValidationError(_("Link the document to a client, an opportunity or a project."))
    if data.kind == DocumentKind.QUOTE and data.opportunity is None:
        raise ValidationError({"opportunity": _("A quote belongs to an opportunity.")})
    if not user_can_attach_to(user=user, client=data.client, opportunity=data.opportunity):
        raise PermissionDenied


def _store_version(
    *,
    user: User,
    document: Document,
    upload: UploadedFile,
    number: int,
    reason: str,
    stored: list[str],
) -> DocumentVersion:
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        reason=reason,
        uploaded_by=user,
    )
    version.file.save(checked.original_name, upload, save=False)  # a generated name
    if version.file.name:  # set by the save (django-stubs type FieldFile.name optional)
        stored.append(version.file.name)
    version.full_clean(exclude=["file", "document"])
    version.save()
    document.current_version = version
    document.refresh_search_text()
    document.save(update_fields=["current_version", "search_text"])
    return version


def document_upload(
    *, user: User, data: DocumentInput, upload: UploadedFile, quote: QuoteInput | None = None
) -> Document:
    """ "Subir Documento": the document, its version 1 and, for Tipo Cotización, its quote
    (`quote`: its number, validity and amount). All or nothing, file included."""

    _check_links(user=user, data=data)
    if data.kind == DocumentKind.QUOTE and quote is None:
        raise ValidationError(_("Enter the quote's number, validity date and total amount."))
    with _atomic_with_files() as stored:
        document = Document(
            kind=data.kind,
            title=data.title.strip(),
            client=data.client,
            opportunity=data.opportunity,
            project=data.project,
            uploaded_by=user,
        )
        document.full_clean(exclude=["current_version"])
        document.save()
        _store_version(
            user=user, document=document, upload=upload, number=1, reason="", stored=stored
        )
        if data.kind == DocumentKind.QUOTE and quote is not None:  # None refused above
            quote_create(user=user, document=document, data=quote)
            document.refresh_search_text()
            document.save(update_fields=["search_text"])
    return document


def document_add_version(
    *, user: User, document_id: int, upload: UploadedFile, reason: str
) -> DocumentVersion:
    """A new file for a document: version n+1 with its "Motivo del cambio"; the old ones
    stay downloadable."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the file changes.")})
    with _atomic_with_files() as stored:
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.is_void:
            raise ValidationError(_("A voided document takes no new versions."))
        if not user_can_attach_to(
            user=user, client=document.client, opportunity=document.opportunity
        ):
            raise PermissionDenied
        number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        return _store_version(
            user=user,
            document=document,
            upload=upload,
            number=number,
            reason=reason.strip(),
            stored=stored,
        )


@transaction.atomic
def document_void(*, user: User, document_id: int, reason: str) -> Document:
    """ "Anulado": the document stays (greyed out, downloadable) with who, when and why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the document is voided.")})
    document = Document.objects.select_for_update().get(pk=document_id)
    if document.is_void:
        raise ValidationError(_("The document is already voided."))
    if not user_can_attach_to(user=user, client=document.client, opportunity=document.opportunity):
        raise PermissionDenied
    document.voided_at = timezone.now()
    document.voided_by = user
    document.void_reason = reason.strip()[:300]
    document.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return document


def document_record_download(
    *, user: User, version: DocumentVersion, request: HttpRequest | None = None
) -> None:
    DocumentDownload.objects.create(version=version, user=user)
    record_security_event(
        kind=EventKind.DOCUMENT_DOWNLOAD,
        user=user,
        request=request,
        target=f"document #{version.document_id} v{version.number}",
        detail=version.original_name,
    )


@transaction.atomic
def document_delete(*, user: User, document_id: int) -> DocumentDeletion:
    """Only an Administrador deletes a document (Django admin or a POST): the deletion is
    recorded with who, when and each file's name and hash; the files go after commit."""
    if not is_administrator(user):
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document_id)
    versions = list(document.versions.order_by("number"))
    record = DocumentDeletion.objects.create(
        document_id=document.pk,
        title=document.title,
        kind=document.kind,
        files=[
            {
                "version": v.number,
                "name": v.original_name,
                "sha256": v.sha256,
                "size": v.size,
                "stored_as": v.file.name,
            }
            for v in versions
        ],
        deleted_by=user,
        deleted_by_name=user.get_username(),
    )
    names = [v.file.name for v in versions if v.file.name]
    Document.objects.filter(pk=document.pk).update(current_version=None)
    document.delete()

    def delete_files() -> None:
        for name in names:
            private_storage().delete(name)

    transaction.on_commit(delete_files)
    return record
