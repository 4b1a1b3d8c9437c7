"""CRM → Documentos: the list, "Subir Documento", the document page with its versions,
"Anulado", the permission-checked download, the Documentos tabs of an opportunity and a
project, and "Enviar cotización" (seed "Enviar Cotización", steps 9-11)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import CompanySettings, User
from accounts.roles import ADD, CHANGE, DELETE, VIEW, module_rights
from config.amounts import format_amount
from config.pagination import paginate
from crm.client_tabs import ClientTab
from crm.forms.base import int_or_none
from crm.models import Client, Opportunity, Quote, QuoteStatus
from crm.money import original_amount
from crm.opportunities.selectors.visibility import get_opportunity_for_user_or_404
from documents.forms import DocumentUploadForm, QuoteSendForm, VersionForm, VoidForm
from documents.models import Document, DocumentKind
from documents.quotes import (
    BEFORE_PROPOSAL,
    QuoteSendError,
    default_follow_up_at,
    quote_answer,
    quote_send,
)
from documents.selectors import (
    attachable_client,
    attachable_opportunity,
    document_list,
    documents_of_client,
    documents_of_opportunity,
    documents_of_project,
    get_document_for_user_or_404,
    get_version_or_404,
    quote_emails_of,
    user_can_attach_to,
    versions_of,
)
from documents.services import (
    document_add_version,
    document_delete,
    document_record_download,
    document_upload,
    document_void,
)
from documents.uploads import TOO_LARGE_UPLOADS
from projects_ro.selectors import get_project_for_user_or_404

# The response of a download never runs anything in the browser, whatever the file holds.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _client_tab(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    """The client page's Documentos tab (crm:client_tab), registered in DocumentsConfig."""
    documents = documents_of_client(user=request.user, client=client)
    return {
        "page_obj": paginate(request, documents),
        "can_upload": ADD in module_rights(request.user, "documents")
        and user_can_attach_to(user=request.user, client=client),
    }


CLIENT_TAB = ClientTab("documentos", gettext_lazy("Documents"), "documents", 70, _client_tab)


@require_GET
@module_required("documents", VIEW)
def document_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """CRM → Documentos: search, filters and pages, inside the user's scope."""
    filterset, documents = document_list(user=request.user, params=request.GET, request=request)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, documents),
        "can_upload": ADD in module_rights(request.user, "documents"),
    }
    template = "documents/document_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _too_large(request: AuthenticatedHttpRequest) -> set:
    """Fields whose file documents.uploads.SizeLimitUploadHandler stopped while streaming."""
    return getattr(request, TOO_LARGE_UPLOADS, set())


def _upload_origin(request: AuthenticatedHttpRequest) -> dict:
    """?opportunity= / ?client= / ?project= from a record's Documentos tab, when in reach."""
    source = request.GET
    origin: dict[str, Model | None] = {}
    if pk := int_or_none(source.get("opportunity")):
        origin["opportunity"] = attachable_opportunity(user=request.user, pk=pk)
    if pk := int_or_none(source.get("client")):
        origin["client"] = attachable_client(user=request.user, pk=pk)
    if pk := int_or_none(source.get("project")):
        origin["project"] = get_project_for_user_or_404(user=request.user, pk=pk)
    if any(value is None for value in origin.values()):
        raise Http404
    return origin


@require_http_methods(["GET", "POST"])
@module_required("documents", ADD)
def document_upload_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Subir Documento"; a quote saved from an opportunity goes on to "Enviar cotización"."""
    origin = _upload_origin(request)
    if request.method == "GET":
        form = DocumentUploadForm(user=request.user, **origin)
        return render(request, "documents/document_upload.html", {"form": form, **origin})
    form = DocumentUploadForm(
        request.POST,
        request.FILES,
        user=request.user,
        too_large=_too_large(request),
        **origin,
    )
    if form.is_valid():
        try:
            document = document_upload(
                user=request.user,
                data=form.document_input(),
                upload=form.cleaned_data["file"],
                quote=form.quote_input(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Document %(title)s saved.") % {"title": document})
            if document.kind == DocumentKind.QUOTE:
                return redirect("documents:quote_send", document.pk)
            return redirect(document)
    return render(request, "documents/document_upload.html", {"form": form, **origin})


def _document_rights(user: User, document: Document) -> dict:
    rights = module_rights(user, "documents")
    crm_rights = module_rights(user, "crm")
    may_attach = ADD in rights and user_can_attach_to(
        user=user, client=document.client, opportunity=document.opportunity
    )
    quote = getattr(document, "quote", None)
    opportunity = document.opportunity  # a quote's document always has one
    quote_open = (
        quote is not None
        and quote.is_pending
        and not document.is_void
        and opportunity is not None
        and opportunity.is_open
    )
    may_handle_quote = quote_open and CHANGE in crm_rights and may_attach
    return {
        "can_add_version": may_attach and not document.is_void,
        "can_void": may_attach and not document.is_void,
        "can_delete": DELETE in rights,
        "can_send": may_handle_quote,
        "can_answer": may_handle_quote,
        "can_close_sale": (
            quote is not None
            and quote.status == QuoteStatus.ACCEPTED
            and opportunity is not None
            and opportunity.is_open
            and CHANGE in crm_rights
        ),
    }


@require_GET
@module_required("documents", VIEW)
def document_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The document page: its data, its quote, every version and who downloaded what."""
    document = get_document_for_user_or_404(user=request.user, pk=pk)
    context = {
        "document": document,
        "quote": getattr(document, "quote", None),
        "versions": list(versions_of(document=document)),
        "emails": quote_emails_of(document=document),
        "version_form": VersionForm(),
        "void_form": VoidForm(),
        **_document_rights(request.user, document),
    }
    return render(request, "documents/document_detail.html", context)


@require_http_methods(["GET", "POST"])
@module_required("documents", ADD)
def document_version_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new version with its "Motivo del cambio"."""
    document = get_document_for_user_or_404(user=request.user, pk=pk)
    if not _document_rights(request.user, document)["can_add_version"]:
        raise PermissionDenied
    form = VersionForm()
    if request.method == "POST":
        form = VersionForm(request.POST, request.FILES, too_large=_too_large(request))
        if form.is_valid():
            try:
                version = document_add_version(
                    user=request.user,
                    document_id=document.pk,
                    upload=form.cleaned_data["file"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error("file" if not hasattr(error, "error_dict") else None, error)
            else:
                messages.success(request, _("Version %(n)s saved.") % {"n": version.number})
                return redirect(document)
    return render(request, "documents/document_version.html", {"document": document, "form": form})


@require_http_methods(["GET", "POST"])
@module_required("documents", ADD)
def document_void_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Anulado" with a reason: the document stays, greyed out and downloadable."""
    document = get_document_for_user_or_404(user=request.user, pk=pk)
    if not _document_rights(request.user, document)["can_void"]:
        raise PermissionDenied
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_void(
                user=request.user, document_id=document.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Document %(title)s voided.") % {"title": document})
            return redirect(document)
    return render(request, "documents/document_void.html", {"document": document, "form": form})


@require_POST
@module_required("documents", DELETE)
def document_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Only an Administrador deletes (commercial roles get 403); the deletion is recorded."""
    document = get_document_for_user_or_404(user=request.user, pk=pk)
    document_delete(user=request.user, document_id=document.pk)
    messages.success(request, _("Document %(title)s deleted.") % {"title": document})
    return redirect("documents:list")


@require_GET
@module_required("documents", VIEW)
def document_download_view(
    request: AuthenticatedHttpRequest, pk: int, number: int | None = None
) -> HttpResponseBase:
    """The only way out for a file: in scope (else 404), as an attachment with an RFC 6266
    name, its validated content type, nosniff and a sandbox CSP; each download recorded."""
    document = get_document_for_user_or_404(user=request.user, pk=pk)
    if number is None:
        version = document.current_version
        if version is None:
            raise Http404
    else:
        version = get_version_or_404(document=document, number=number)
    document_record_download(user=request.user, version=version, request=request)
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Documentos tabs ------------------------------------------------------------------------------


@require_GET
@module_required("documents", VIEW)
def opportunity_documents_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The opportunity's Documentos tab (seed step 4): its quotes and documents."""
    opportunity = get_opportunity_for_user_or_404(user=request.user, pk=pk)
    documents = documents_of_opportunity(user=request.user, opportunity=opportunity)
    settings = CompanySettings.load()
    context = {
        "opportunity": opportunity,
        "page_obj": paginate(request, documents),
        "expiring": list(
            opportunity.quotes.expiring_within(settings.quote_expiry_notice_days).order_by(
                "valid_until"
            )
        ),
        "can_upload": ADD in module_rights(request.user, "documents")
        and user_can_attach_to(user=request.user, opportunity=opportunity),
        "tab": "documentos",
    }
    return render(request, "documents/opportunity_documents.html", context)


@require_GET
@module_required("documents", VIEW)
def project_documents_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user_or_404(user=request.user, pk=pk)
    documents = documents_of_project(user=request.user, project=project)
    context = {
        "project": project,
        "page_obj": paginate(request, documents),
        "can_upload": ADD in module_rights(request.user, "documents"),
        "tab": "documentos",
    }
    return render(request, "documents/project_documents.html", context)


# "Enviar cotización" ----------------------------------------------------------------------------


def _quote_of(request: AuthenticatedHttpRequest, pk: int) -> tuple[Document, Quote]:
    document = get_document_for_user_or_404(user=request.user, pk=pk)
    quote = getattr(document, "quote", None)
    if quote is None:
        raise Http404
    return document, quote


def _send_initial(
    request: AuthenticatedHttpRequest, opportunity: Opportunity, quote: Quote
) -> dict:
    primary = opportunity.contact if opportunity.contact and opportunity.contact.email else None
    if primary is None:
        primary = opportunity.client.contacts.exclude(email="").filter(is_primary=True).first()
    # As typed, in its currency (crm.money).
    typed = original_amount(quote, "total_amount")
    if typed is None:  # a saved quote has its amount, in both currencies
        raise ValueError(f"Quote {quote.pk} has no amount in {quote.currency}.")
    amount = f"{quote.currency} {format_amount(typed)}"
    body = _(
        "Good day,\n\nAttached is our quote %(number)s for %(amount)s, valid until %(date)s.\n\n"
        "We remain at your disposal for any question.\n\nKind regards,\n%(user)s"
    ) % {
        "number": quote.number,
        "amount": amount,
        "date": date_format(quote.valid_until, "SHORT_DATE_FORMAT"),
        "user": request.user,
    }
    return {
        "contact": primary.pk if primary else None,
        "subject": _("Quote %(number)s – %(opportunity)s")
        % {"number": quote.number, "opportunity": opportunity.name},
        "body": body,
        "follow_up_at": timezone.localtime(default_follow_up_at()).replace(tzinfo=None),
        "opportunity_version": opportunity.version,
    }


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def quote_send_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Seed steps 9-11 on one page: the email (to a contact of the client, cc, subject,
    message, the file attached), the activity "Cotización enviada", the move to Propuesta and
    the follow-up. A failing step is named and nothing is half-done."""
    document, quote = _quote_of(request, pk)
    if not _document_rights(request.user, document)["can_send"]:
        raise PermissionDenied
    opportunity = document.opportunity
    if opportunity is None:  # a quote's document always has its opportunity
        raise Http404
    failure = None
    if request.method == "GET":
        form = QuoteSendForm(
            initial=_send_initial(request, opportunity, quote), opportunity=opportunity
        )
    else:
        form = QuoteSendForm(request.POST, opportunity=opportunity)
        if form.is_valid():
            try:
                quote_send(user=request.user, quote_id=quote.pk, data=form.send_input())
            except QuoteSendError as error:
                failure = error
                # Sent again, the form must carry the opportunity's current version.
                opportunity.refresh_from_db(fields=["version", "stage"])
                data = request.POST.copy()  # what the form was bound to
                data["opportunity_version"] = str(opportunity.version)  # as a browser sends it
                form.data = data
            else:
                messages.success(
                    request,
                    _("Quote %(number)s sent to %(email)s; the opportunity was updated.")
                    % {"number": quote.number, "email": form.cleaned_data["contact"].email},
                )
                return redirect("documents:opportunity_tab", opportunity.pk)
    context = {
        "document": document,
        "quote": quote,
        "opportunity": opportunity,
        "form": form,
        "failure": failure,
        "moves_to_proposal": opportunity.stage in BEFORE_PROPOSAL,
        "has_recipients": form.contacts.exists(),
    }
    return render(request, "documents/quote_send.html", context)


@require_POST
@module_required("crm", CHANGE)
def quote_answer_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The client's answer: Aceptada (then "Cerrar Venta" is offered) or Rechazada."""
    document, quote = _quote_of(request, pk)
    if not _document_rights(request.user, document)["can_answer"]:
        raise PermissionDenied
    status = request.POST.get("status", "")
    try:
        quote_answer(user=request.user, quote_id=quote.pk, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(document)
    if status == QuoteStatus.ACCEPTED:
        messages.success(request, _("Quote accepted: close the sale with its total."))
        return redirect("crm:opportunity_win", document.opportunity_id)
    messages.info(request, _("Quote marked as rejected."))
    return redirect(document)
