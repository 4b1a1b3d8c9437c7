"""The opportunity form (create and edit, "Nueva Oportunidad"), the client's contacts it
offers (htmx), the opportunity page (header, BANT, activities, one timeline; read-only for a
hand-off area), "Compartir" and deletion to the recycle bin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import CompanySettings, User, Visibility
from accounts.roles import ADD, CHANGE, DELETE, VIEW, module_rights
from crm.concurrency import StaleVersionError
from crm.forms.base import field_label
from crm.history import changes_since
from crm.models import BANT_QUESTIONS, Client, Opportunity, Stage
from crm.money import display_currency
from crm.opportunities.forms.page import (
    OpportunityForm,
    OpportunityQuery,
    contact_label,
)
from crm.opportunities.selectors.page import (
    contacts_for_form,
    opportunity_shared_with,
    opportunity_timeline,
)
from crm.opportunities.selectors.visibility import (
    get_editable_opportunity_or_403,
    get_notified_opportunity_or_403,
    get_opportunity_for_user_or_404,
    opportunities_visible_to,
    user_can_edit_opportunity,
)
from crm.opportunities.services import (
    opportunity_create,
    opportunity_delete,
    opportunity_edit,
    opportunity_share,
    opportunity_unshare,
)
from crm.ownership import check_may_delete, may_delete
from crm.recycle_bin import RETENTION_DAYS
from crm.selectors.activities import no_answer_offer_for
from crm.selectors.clients import clients_visible_to
from crm.services.activities import consecutive_unanswered_attempts
from crm.services.shares import may_share
from crm.views.sharing import share_page

FORM_TEMPLATE = "crm/opportunity_form.html"
MAX_TIMELINE_PAGES = 50
STAGE_BADGES: dict[str, str] = {Stage.WON: "text-bg-success", Stage.LOST: "text-bg-danger"}


def _visible_client(user: User, pk: int | None) -> Client | None:
    if pk is None:
        return None
    return clients_visible_to(user=user).filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
@module_required("crm", ADD)
def opportunity_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Nueva Oportunidad"; ?client=<pk> (from a client's page) fills in the client."""
    if request.method == "GET":
        client = _visible_client(request.user, OpportunityQuery(request.GET).values()["client"])
        form = OpportunityForm(user=request.user, initial_client=client)
        return render(request, FORM_TEMPLATE, {"form": form})
    if "refresh_contacts" in request.POST:  # no-JavaScript way to list the client's contacts
        form = OpportunityForm(request.POST, user=request.user, draft=True)
        return render(request, FORM_TEMPLATE, {"form": form})
    form = OpportunityForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            opportunity = opportunity_create(
                user=request.user,
                data=form.service_data(),
                stage=form.cleaned_data["stage"],
                probability=form.cleaned_data["probability"],
                products=form.cleaned_data["products"],
                next_activity=form.next_activity(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Opportunity %(name)s created.") % {"name": opportunity})
            if form.next_activity() is None:
                messages.warning(request, _("It has no next activity: schedule one soon."))
            if not opportunities_visible_to(user=request.user).filter(pk=opportunity.pk).exists():
                return redirect("crm:opportunity_list")  # assigned to someone else, "own" mode
            return redirect(opportunity)
    return render(request, FORM_TEMPLATE, {"form": form})


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def opportunity_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit an opportunity; a save based on an old version is refused and explained."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    context = {"opportunity": opportunity}
    if request.method == "GET":
        form = OpportunityForm(user=request.user, instance=opportunity)
        return render(request, FORM_TEMPLATE, {"form": form, **context})
    draft = "refresh_contacts" in request.POST
    form = OpportunityForm(request.POST, user=request.user, instance=opportunity, draft=draft)
    if not draft and form.is_valid():
        try:
            opportunity_edit(
                user=request.user,
                opportunity_id=opportunity.pk,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
                products=form.cleaned_data["products"],
                stage=form.cleaned_data.get("stage"),
                next_activity=form.next_activity(),
            )
        except StaleVersionError as error:
            version = form.cleaned_data["version"]
            conflict = list(changes_since(instance=opportunity, version=version))
            form = form.rebased(data=request.POST, current=error.current)
            return render(request, FORM_TEMPLATE, {"form": form, "conflict": conflict, **context})
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": opportunity})
            return redirect(opportunity)
    return render(request, FORM_TEMPLATE, {"form": form, **context})


@require_GET
@module_required("crm", VIEW)
def client_contacts_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the <option>s of the chosen client's contacts for "Contacto principal"."""
    raw = request.GET.get("client", "")
    contacts = []
    if raw:
        client = _visible_client(request.user, OpportunityQuery(request.GET).values()["client"])
        if client is None:
            raise Http404
        options = contacts_for_form(user=request.user, client_id=client.pk)
        contacts = [(c.pk, contact_label(c), c.is_primary) for c in options]
    return render(request, "crm/_contact_options.html", {"contacts": contacts})


# The opportunity page -----------------------------------------------------------------------


def _bant(opportunity: Opportunity) -> list[tuple]:
    """(question, answer, note) of each BANT question; None = not answered yet."""
    return [
        (
            field_label(Opportunity, name),
            getattr(opportunity, name),
            getattr(opportunity, f"{name}_note"),
        )
        for name in BANT_QUESTIONS
    ]


def _actions(user: User, opportunity: Opportunity, settings: CompanySettings) -> dict:
    """The page's write controls: the role's rights on the CRM and the visibility rule on
    this record (`user_can_edit_opportunity`); a hand-off reader gets none."""
    rights = module_rights(user, "crm")
    editable = user_can_edit_opportunity(user=user, opportunity=opportunity)
    can_change = CHANGE in rights and editable
    shares_matter = settings.opportunity_visibility != Visibility.EDIT_ALL
    return {
        "can_edit": can_change,
        "can_follow_up": can_change and opportunity.is_open,
        "can_move": can_change and opportunity.is_open,
        "can_win": can_change and opportunity.is_open,
        "can_lose": can_change and opportunity.is_open,
        "can_share": can_change and shares_matter and may_share(user, opportunity),
        "can_delete": DELETE in rights and may_delete(user, opportunity),
    }


def _unanswered_attempts(opportunity: Opportunity) -> int:
    """The count shown on the page ("3 intentos sin respuesta"); 0 once it is closed."""
    if not opportunity.is_open:
        return 0
    return consecutive_unanswered_attempts(opportunity=opportunity)


@require_GET
@login_required
def opportunity_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The opportunity page: header, BANT, last/next activity and one timeline.

    ?timeline=N shows N pages of the timeline ("Ver más"); htmx gets only the timeline.
    Without the CRM module (a hand-off area) only an opportunity the user was notified
    about opens, read-only; anything else answers 403."""
    handoff = VIEW not in module_rights(request.user, "crm")
    if handoff:
        opportunity = get_notified_opportunity_or_403(user=request.user, pk=pk)
    else:
        opportunity = get_opportunity_for_user_or_404(
            user=request.user, pk=pk, follow_up_state=True
        )
    pages = min(OpportunityQuery(request.GET).values()["timeline"] or 1, MAX_TIMELINE_PAGES)
    settings = CompanySettings.load()
    attempts = _unanswered_attempts(opportunity)
    context = {
        "opportunity": opportunity,
        "currency": display_currency(request.user, settings),
        "stage_badge": STAGE_BADGES.get(opportunity.stage, "text-bg-primary"),
        "bant": _bant(opportunity),
        "products": list(opportunity.products.all()),
        "timeline": opportunity_timeline(opportunity=opportunity, pages=pages),
        "unanswered_attempts": attempts,
        "no_answer": no_answer_offer_for(opportunity, attempts=attempts),
        "max_timeline_pages": MAX_TIMELINE_PAGES,
        "can_see_documents": VIEW in module_rights(request.user, "documents"),
        "expiring_quotes": list(
            opportunity.quotes.expiring_within(settings.quote_expiry_notice_days)
        ),
        "handoff": handoff,
        **_actions(request.user, opportunity, settings),
    }
    template = "crm/opportunity_detail.html"
    if request.htmx and not (request.htmx.boosted or request.htmx.history_restore_request):
        template += "#timeline"
    return render(request, template, context)


# Sharing and deletion -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def opportunity_share_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Compartir": the owner or a manager lets colleagues see it ("own only" visibility)
    or edit it ("view all, edit own")."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    return share_page(
        request,
        record=opportunity,
        visibility=CompanySettings.load().opportunity_visibility,
        shared_with=list(opportunity_shared_with(opportunity=opportunity)),
        share=lambda **kwargs: opportunity_share(
            user=request.user, opportunity=opportunity, **kwargs
        ),
        unshare=lambda **kwargs: opportunity_unshare(
            user=request.user, opportunity=opportunity, **kwargs
        ),
        template="crm/opportunity_share.html",
        url_name="crm:opportunity_share",
    )


@require_http_methods(["GET", "POST"])
@module_required("crm", DELETE)
def opportunity_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST sends it to the recycle bin (30 days to restore).
    Only its owner or a manager (`crm.ownership.may_delete`); anyone else 403."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    check_may_delete(user=request.user, record=opportunity)
    if request.method == "POST":
        opportunity_delete(user=request.user, opportunity_id=opportunity.pk)
        text = _("%(name)s was moved to the recycle bin.") % {"name": opportunity.name}
        link = _("Open the recycle bin")
        messages.success(
            request, format_html('{} <a href="{}">{}</a>', text, reverse("crm:recycle_bin"), link)
        )
        return redirect("crm:opportunity_list")
    context = {"opportunity": opportunity, "retention_days": RETENTION_DAYS}
    return render(request, "crm/opportunity_delete.html", context)
