"""Reads of documents, scoped to what the user may see.

A document is visible when its opportunity is (documents of an opportunity), else when its
client is, else (a project's own documents) when its project is: the CRM's row-scope
selectors decide, so "own" visibility hides another executive's documents everywhere.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404

from accounts.models import User
from crm.models import Client, Opportunity
from crm.opportunities.selectors.visibility import (
    opportunities_editable_by,
    opportunity_is_visible,
    sees_every_opportunity,
)
from crm.selectors.clients import (
    client_is_visible,
    clients_editable_by,
    sees_every_client,
)
from documents.filters import DocumentFilter
from documents.models import Document, DocumentDownload, DocumentQuerySet, DocumentVersion
from projects_ro.models import Project
from projects_ro.selectors import projects_visible_to


def documents_visible_to(*, user: User) -> DocumentQuerySet:
    """Documents whose opportunity, client or project the user may see (see module doc).

    Who sees every client and opportunity (a manager, or "all" visibility) sees every
    document except those of records in the recycle bin: excluding that short list costs a
    fraction of matching 100,000 visible opportunities."""
    if sees_every_client(user=user) and sees_every_opportunity(user=user):
        deleted_clients = Client.all_objects.filter(deleted_at__isnull=False).values("pk")
        deleted_opportunities = Opportunity.all_objects.filter(deleted_at__isnull=False)
        return Document.objects.exclude(client__in=deleted_clients).exclude(
            opportunity__in=deleted_opportunities.values("pk")
        )
    # The rules as conditions on the document's row (a correlated EXISTS per branch), not
    # semi-joins against every visible opportunity: in "own" mode PostgreSQL then reads each
    # branch along its index instead of the whole table (Documentos, executive: 98 -> 60 ms).
    return Document.objects.filter(
        opportunity_is_visible(user, column="opportunity_id")
        | (Q(opportunity__isnull=True) & client_is_visible(user, column="client_id"))
        | Q(
            opportunity__isnull=True,
            client__isnull=True,
            project__in=projects_visible_to(user=user).values("pk"),
        )
    )


def get_document_for_user_or_404(*, user: User, pk: int) -> Document:
    return get_object_or_404(
        documents_visible_to(user=user).for_list().select_related("voided_by", "uploaded_by"),
        pk=pk,
    )


def document_list(
    *, user: User, params: QueryDict, request: HttpRequest | None = None
) -> tuple[DocumentFilter, QuerySet[Document]]:
    """The menu's Documentos list: filtered and searched inside the user's scope."""
    base = documents_visible_to(user=user).for_list()
    filterset = DocumentFilter(params, queryset=base, request=request)
    return filterset, (filterset.qs if filterset.is_valid() else base.none())


def versions_of(*, document: Document) -> QuerySet[DocumentVersion]:
    """Every version, newest first, each with who downloaded it (two queries in all)."""
    downloads = DocumentDownload.objects.select_related("user")
    return document.versions.select_related("uploaded_by").prefetch_related(
        Prefetch("downloads", queryset=downloads)
    )


def get_version_or_404(*, document: Document, number: int) -> DocumentVersion:
    return get_object_or_404(document.versions, number=number)


def user_can_attach_to(
    *, user: User, client: Client | None = None, opportunity: Opportunity | None = None
) -> bool:
    """May the user upload a document to (or send a quote of) this client / opportunity?
    When they may change it: the edit rule of the visibility levels and of sharing
    (`opportunities_editable_by` / `clients_editable_by`); a project's documents are open
    to whoever sees the project."""
    if opportunity is not None:
        return opportunities_editable_by(user=user).filter(pk=opportunity.pk).exists()
    if client is not None:
        return clients_editable_by(user=user).filter(pk=client.pk).exists()
    return True


def attachable_opportunity(*, user: User, pk: int) -> Opportunity | None:
    """The opportunity a "Subir Documento" link names (?opportunity=), if the user may use it."""
    return opportunities_editable_by(user=user).select_related("client").filter(pk=pk).first()


def attachable_client(*, user: User, pk: int) -> Client | None:
    return clients_editable_by(user=user).filter(pk=pk).first()


def documents_of_opportunity(*, user: User, opportunity: Opportunity) -> DocumentQuerySet:
    """An opportunity's Documentos tab (the opportunity is already in the user's scope)."""
    return Document.objects.filter(opportunity=opportunity).for_list()


def documents_of_client(*, user: User, client: Client) -> DocumentQuerySet:
    """A client's Documentos tab: its own and its opportunities' documents in the user's
    scope."""
    return documents_visible_to(user=user).filter(client=client).for_list()


def documents_of_project(*, user: User, project: Project) -> DocumentQuerySet:
    return documents_visible_to(user=user).filter(project=project).for_list()


def quote_emails_of(*, document: Document) -> list:
    quote = getattr(document, "quote", None)
    if quote is None:
        return []
    return list(quote.emails.select_related("sent_by", "version"))
