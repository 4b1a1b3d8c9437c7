"""Import of clients and contacts: explain and upload → preview (nothing written) → confirm.

Both imports share the steps below; crm/imports/kinds.py says what differs between them.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import ADD, CHANGE
from crm.imports import storage
from crm.imports.files import FileRejected, read_upload, template_csv, template_workbook
from crm.imports.forms import ImportFileForm
from crm.imports.kinds import CLIENTS, CONTACTS, ImportKind
from crm.imports.report import ImportReport
from crm.imports.storage import StoredUpload

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
@module_required("crm", CHANGE)
def client_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _upload_step(request, CLIENTS)


@require_POST
@module_required("crm", ADD)
@module_required("crm", CHANGE)
def client_import_confirm_view(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    return _confirm_step(request, CLIENTS, token)


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
@module_required("crm", CHANGE)
def contact_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _upload_step(request, CONTACTS)


@require_POST
@module_required("crm", ADD)
@module_required("crm", CHANGE)
def contact_import_confirm_view(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    return _confirm_step(request, CONTACTS, token)


def _upload_step(request: AuthenticatedHttpRequest, kind: ImportKind) -> HttpResponse:
    """GET: the columns and the form (or, with ?plantilla=xlsx|csv, the template file).
    POST: check and keep the file, dry-run it and show the preview."""
    if request.method == "GET":
        if "plantilla" in request.GET:
            return _template_download(kind, request.GET["plantilla"])
        form = ImportFileForm(columns=kind.columns)
        return render(request, "crm/import_upload.html", {"kind": kind, "form": form})
    form = ImportFileForm(request.POST, request.FILES, columns=kind.columns)
    if not form.is_valid():
        return render(request, "crm/import_upload.html", {"kind": kind, "form": form})
    upload = storage.save_upload(
        user=request.user,
        kind=kind.slug,
        filename=form.cleaned_data["file"].name,
        extension=form.extension,
        content=form.content,
    )
    report = kind.run(user=request.user, table=form.table, dry_run=True)
    storage.mark_previewed(upload, has_errors=report.has_errors)
    return _render_preview(request, kind, report, upload=upload)


def _confirm_step(request: AuthenticatedHttpRequest, kind: ImportKind, token: str) -> HttpResponse:
    """Import for real what the user previewed, only if that preview had no errors."""
    upload = storage.load_upload(token=token, user=request.user, kind=kind.slug)
    if upload is None:
        raise Http404
    if upload.claimed or not storage.claim(upload):
        messages.info(request, _("This import is already being processed."))
        return redirect(kind.done_url)
    if upload.is_expired() or upload.has_errors is not False:
        storage.discard(upload)
        if upload.is_expired():
            messages.error(request, _("The preview expired. Upload the file again."))
        else:
            messages.error(request, _("That file had errors, so it cannot be imported."))
        return redirect(kind.upload_url)
    try:
        table = read_upload(upload.content(), upload.path.name, kind.columns)
    except (FileRejected, OSError):
        storage.discard(upload)
        messages.error(request, _("The file could not be read again. Upload it again."))
        return redirect(kind.upload_url)
    report = kind.run(user=request.user, table=table, dry_run=False)
    storage.discard(upload)
    if report.has_errors:
        messages.error(
            request,
            _(
                "Nothing was imported: the data changed after the preview. Check the rows "
                "below, fix the file and upload it again."
            ),
        )
        return _render_preview(request, kind, report, upload=None, status=409)
    messages.success(request, kind.success_message(report))
    return redirect(kind.done_url)


def _render_preview(
    request: AuthenticatedHttpRequest,
    kind: ImportKind,
    report: ImportReport,
    *,
    upload: StoredUpload | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "kind": kind,
        "report": report,
        "totals": report.totals,
        "upload": upload,
        # A preview with errors cannot be confirmed: the user fixes the file and uploads it.
        "can_confirm": upload is not None and not report.has_errors,
        "form": ImportFileForm(columns=kind.columns),
    }
    return render(request, "crm/import_preview.html", context, status=status)


def _template_download(kind: ImportKind, file_format: str) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(template_workbook(kind.columns), content_type=XLSX_TYPE)
    elif file_format == "csv":
        response = HttpResponse(template_csv(kind.columns), content_type="text/csv")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{kind.template_stem}.{file_format}"'
    return response
