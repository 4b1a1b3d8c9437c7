"""The client form (create and edit), the client page with its tabs, and deletion."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import CompanySettings
from accounts.roles import ADD, CHANGE, DELETE, VIEW, is_manager, module_rights
from config.pagination import paginate
from crm.client_tabs import ClientTab, client_tabs, register_client_tab
from crm.concurrency import StaleVersionError
from crm.duplicates import likely_duplicates
from crm.forms.base import int_or_none
from crm.forms.clients import TOTAL_FORMS_KEY, ClientForm, with_another_contact_row
from crm.history import client_changes_since
from crm.models import SATISFACTION_TYPES, ChangeRecord, Client
from crm.money import display_currency
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.ownership import check_may_delete, may_delete
from crm.recycle_bin import RETENTION_DAYS
from crm.selectors.activities import activities_visible_to
from crm.selectors.clients import (
    client_history,
    client_shared_with,
    clients_visible_to,
    contacts_of,
    get_client_for_user_or_404,
    get_editable_client_or_403,
    user_can_edit_client,
)
from crm.selectors.complaints import complaints_visible_to
from crm.services import client_create, client_delete, client_update
from crm.services.clients import client_share, client_unshare
from crm.services.shares import may_share
from crm.views.sharing import share_page

FORM_TEMPLATE = "crm/client_form.html"


def _form_page(request: AuthenticatedHttpRequest, form: ClientForm, **context: Any) -> HttpResponse:
    if request.htmx and "add_contact" in request.POST:
        return _new_contact_row(request, form)
    return render(request, FORM_TEMPLATE, {"form": form, **context})


def _new_contact_row(request: AuthenticatedHttpRequest, form: ClientForm) -> HttpResponse:
    """ "Agregar otro contacto" with htmx: only the added row (the rows on the page keep what
    was typed in them during the round trip); nothing when the form is at its maximum."""
    rows = form.contacts.forms
    if int_or_none(request.POST.get(TOTAL_FORMS_KEY)) == len(rows):
        return HttpResponse(status=204)
    context = {"form": form, "contact_form": rows[-1], "number": len(rows)}
    return render(request, FORM_TEMPLATE + "#new_contact", context)


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
def client_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Nuevo Cliente": warns about likely duplicates before saving, unless told to go on."""
    if request.method == "GET":
        return _form_page(request, ClientForm(user=request.user))
    if "add_contact" in request.POST:
        data = with_another_contact_row(request.POST)
        form = ClientForm(data, user=request.user, draft=True, added_contact=True)
        return _form_page(request, form)
    form = ClientForm(request.POST, user=request.user)
    duplicates = []
    if form.is_valid() and not form.cleaned_data["save_anyway"]:
        duplicates = list(likely_duplicates(user=request.user, **form.duplicate_lookup()))
    if form.is_valid() and not duplicates:
        try:
            client = client_create(
                user=request.user, data=form.service_data(), contacts=form.contact_inputs()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Client %(name)s created.") % {"name": client.name})
            if not clients_visible_to(user=request.user).filter(pk=client.pk).exists():
                return redirect("crm:client_list")  # assigned to someone else in "own" mode
            return redirect(client)
    return _form_page(request, form, duplicates=duplicates)


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def client_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit a client and its contacts; a save based on an old version is refused. Out of
    the user's scope 404; visible but not theirs to edit 403."""
    client = get_editable_client_or_403(user=request.user, pk=pk)
    context = {"client": client, "client_name": client.name}
    if request.method == "GET":
        return _form_page(request, ClientForm(user=request.user, instance=client), **context)
    if "add_contact" in request.POST:
        data = with_another_contact_row(request.POST)
        form = ClientForm(data, user=request.user, instance=client, draft=True, added_contact=True)
        return _form_page(request, form, **context)
    form = ClientForm(request.POST, user=request.user, instance=client)
    if form.is_valid():
        try:
            client = client_update(
                user=request.user,
                client_id=client.pk,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
                contacts=form.contact_inputs(),
            )
        except StaleVersionError:
            changes = _changes_by_others(client=client, form=form)
            form = form.rebased(data=request.POST)
            return _form_page(request, form, conflict=changes, **context)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": client.name})
            return redirect(client)
    return _form_page(request, form, **context)


def _changes_by_others(*, client: Client, form: ClientForm) -> list[ChangeRecord]:
    contact_versions = {
        row.cleaned_data["id"]: row.cleaned_data["version"] or 0
        for row in form.contacts.forms
        if row.cleaned_data.get("id")
    }
    return client_changes_since(
        client=client, version=form.cleaned_data["version"], contact_versions=contact_versions
    )


@require_http_methods(["GET", "POST"])
@module_required("crm", DELETE)
def client_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks "¿Enviar a la papelera?"; POST moves the client there (30 days to restore).
    Only its owner or a manager (`crm.ownership.may_delete`); anyone else 403."""
    client = get_editable_client_or_403(user=request.user, pk=pk)
    check_may_delete(user=request.user, record=client)
    errors = []
    if request.method == "POST":
        try:
            client_delete(user=request.user, client_id=client.pk)
        except ValidationError as error:
            errors = error.messages
        else:
            text = _("%(name)s was moved to the recycle bin.") % {"name": client.name}
            link = _("Open the recycle bin")
            messages.success(
                request,
                format_html('{} <a href="{}">{}</a>', text, reverse("crm:recycle_bin"), link),
            )
            return redirect("crm:client_list")
    context = {"client": client, "errors": errors, "retention_days": RETENTION_DAYS}
    return render(request, "crm/client_delete.html", context)


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def client_share_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Compartir" a client: the owner or a manager lets a colleague see it ("own only"
    visibility) or also edit it ("Editar")."""
    client = get_editable_client_or_403(user=request.user, pk=pk)
    return share_page(
        request,
        record=client,
        visibility=CompanySettings.load().client_visibility,
        shared_with=list(client_shared_with(client=client)),
        share=lambda **kwargs: client_share(user=request.user, client=client, **kwargs),
        unshare=lambda **kwargs: client_unshare(user=request.user, client=client, **kwargs),
        template="crm/client_share.html",
        url_name="crm:client_share",
    )


# The client page ----------------------------------------------------------------------------


def _summary(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    duplicates: QuerySet[Client] | list[Client] = []
    if is_manager(request.user):  # managers merge them ("Fusionar"): show who looks the same
        duplicates = likely_duplicates(
            user=request.user,
            name=client.name,
            tax_id=client.tax_id,
            email=client.email,
            phone=client.phone,
            exclude_pk=client.pk,
        )[:5]
    return {
        "primary_contact": contacts_of(client=client).filter(is_primary=True).first(),
        "duplicates": list(duplicates),
    }


def _contacts(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    return {"contacts": list(contacts_of(client=client))}


def _opportunities(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    opportunities = (
        opportunities_visible_to(user=request.user)
        .filter(client=client)
        .select_related("owner")
        .with_activity_dates()
    )
    return {"page_obj": paginate(request, opportunities.order_by("-stage_changed_at", "-pk"))}


def _activities(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    activities = (
        activities_visible_to(user=request.user)
        .filter(client=client)
        .select_related("owner", "contact", "opportunity")
        .order_by(F("scheduled_at").desc(nulls_last=True), "-done_at", "-pk")
    )
    return {"page_obj": paginate(request, activities), "satisfaction_types": SATISFACTION_TYPES}


def _complaints(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    complaints = complaints_visible_to(user=request.user).filter(client=client)
    return {"page_obj": paginate(request, complaints)}


def _history(request: AuthenticatedHttpRequest, client: Client) -> dict[str, Any]:
    return {"page_obj": paginate(request, client_history(client=client))}


# The CRM's own tabs; projects_ro (Proyectos, 50) and documents (Documentos, 70) add theirs.
for _tab in (
    ClientTab("resumen", gettext_lazy("Summary"), "crm", 10, _summary),
    ClientTab("contactos", gettext_lazy("Contacts"), "crm", 20, _contacts),
    ClientTab("oportunidades", gettext_lazy("Opportunities"), "crm", 30, _opportunities),
    ClientTab("actividades", gettext_lazy("Activities"), "crm", 40, _activities),
    ClientTab("reclamos", gettext_lazy("Complaints"), "crm", 60, _complaints),
    ClientTab("historial", gettext_lazy("History"), "crm", 80, _history),
):
    register_client_tab(_tab)


@require_GET
@module_required("crm", VIEW)
def client_detail_view(
    request: AuthenticatedHttpRequest, pk: int, tab: str = "resumen"
) -> HttpResponse:
    """The client page; an htmx request gets only the tabs and the open panel."""
    client = get_client_for_user_or_404(user=request.user, pk=pk)
    shown = {t.slug: t for t in client_tabs() if VIEW in module_rights(request.user, t.module)}
    if tab not in shown:
        raise Http404
    crm_rights = module_rights(request.user, "crm")
    editable = user_can_edit_client(user=request.user, client=client)
    context = {
        "client": client,
        "currency": display_currency(request.user),  # amounts at their frozen rates
        "tab": tab,
        "tabs": [(slug, shown[slug].label) for slug in shown],
        "can_edit": CHANGE in crm_rights and editable,
        "can_delete": DELETE in crm_rights and may_delete(request.user, client),
        "can_merge": CHANGE in crm_rights and is_manager(request.user),
        # The share page itself says when the company's visibility makes sharing moot.
        "can_share": CHANGE in crm_rights and editable and may_share(request.user, client),
        # Activities and complaints hang off the client: logging one is a change to it.
        "can_add_linked": ADD in crm_rights and editable,
        "can_add_opportunity": ADD in crm_rights,
        **shown[tab].context(request, client),
    }
    template = "crm/client_detail.html"
    if request.htmx and not (request.htmx.boosted or request.htmx.history_restore_request):
        template += "#tabs"
    return render(request, template, context)
