"""CRM → Oportunidades: the pipeline board (kanban), the opportunity list and stage moves.

A move arrives from a dragged card (static/js/board.js, through htmx), from the "Mover"
form of a card (htmx or plain POST) or from the move page; all go through
`services.opportunity_move_stage`, the only writer of a stage.
"""

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import ADD, CHANGE, VIEW, module_rights
from config.filtering import active_filter_count
from config.pagination import paginate
from config.redirects import next_path
from crm.concurrency import StaleVersionError
from crm.filters.opportunities import BoardFilter
from crm.forms.pipeline import BantForm, BoardQuery, MoveForm
from crm.list_columns import OPPORTUNITY_COLUMNS
from crm.models import OPEN_STAGES, Opportunity, Stage
from crm.money import display_currency
from crm.selectors.opportunities import get_editable_opportunity_or_403
from crm.selectors.pipeline import (
    board_column,
    move_options,
    opportunity_list,
    pipeline_board,
    with_card_facts,
)
from crm.services import opportunity_move_stage
from crm.services.pipeline import opportunity_qualify_and_move
from crm.stage_rules import RULE_TO_ENTER, needs_bant

STALE_MESSAGE = gettext_lazy("Someone else moved or changed this opportunity. Reload the board.")
FLOW_OF_STAGE = {Stage.WON: "crm:opportunity_win", Stage.LOST: "crm:opportunity_lose"}


@require_GET
@module_required("crm", VIEW)
def opportunity_board_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset, columns = pipeline_board(
        user=request.user,
        params=request.GET,
        request=request,
        currency=display_currency(request.user),
    )
    context = {
        **_board_context(request, params=request.GET, next_url=request.get_full_path()),
        "filter": filterset,
        "columns": columns,
        "can_add": ADD in module_rights(request.user, "crm"),
    }
    template = "crm/opportunity_board.html"
    if request.htmx and not request.htmx.boosted:
        template += "#board"
    return render(request, template, context)


@require_GET
@module_required("crm", VIEW)
def opportunity_board_column_view(request: AuthenticatedHttpRequest, stage: str) -> HttpResponse:
    """A column's next page of cards ("Ver más"): the cards for htmx to append, or a page
    with that one column when JavaScript is off."""
    if stage not in OPEN_STAGES:
        raise Http404
    page = BoardQuery(request.GET).values()["page"] or 1
    column = board_column(
        user=request.user,
        params=request.GET,
        stage=stage,
        page=page,
        with_totals=not request.htmx,
        request=request,
        currency=display_currency(request.user),
    )
    board_url = reverse("crm:opportunity_board") + _query(_filter_query(request.GET))
    if request.htmx:
        context = _board_context(request, params=request.GET, next_url=board_url)
        return render(request, "crm/_board_cards.html", {**context, "column": column})
    context = {
        **_board_context(request, params=request.GET, next_url=request.get_full_path()),
        "columns": [column],
        "single_column": True,
        "htmx_moves": False,
    }
    return render(request, "crm/opportunity_board.html", context)


@require_GET
@module_required("crm", VIEW)
def opportunity_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset, opportunities, totals = opportunity_list(
        user=request.user,
        params=request.GET,
        request=request,
        currency=display_currency(request.user),
    )
    filter_query = _filter_query(request.GET)
    context = {
        "filter": filterset,
        "columns": OPPORTUNITY_COLUMNS.for_user(request.user),
        # The count is known from the totals query: no second COUNT.
        "page_obj": paginate(request, opportunities, count=totals.count),
        "totals": totals,
        "currency": display_currency(request.user),
        "can_add": ADD in module_rights(request.user, "crm"),
        "can_move": CHANGE in module_rights(request.user, "crm"),
        "board_url": reverse("crm:opportunity_board") + _query(filter_query),
        "filtered": active_filter_count(filterset) > 0,
    }
    template = "crm/opportunity_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def opportunity_move_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the move page (stage selector, FAQ rules, BANT when needed). POST: the move.
    Out of the user's scope 404; visible but not theirs to edit 403."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    next_url = _safe_next(request, opportunity)
    if request.method == "GET":
        return _move_page(
            request,
            opportunity,
            next_url=next_url,
            to_stage=request.GET.get("to_stage"),
            version=BoardQuery(request.GET).values()["version"] or opportunity.version,
        )
    form = MoveForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _refused(request, opportunity, next_url, _("Choose the stage to move to."))
        return _move_page(request, opportunity, next_url=next_url, form=form)
    to_stage, version = form.cleaned_data["to_stage"], form.cleaned_data["version"]
    if to_stage in FLOW_OF_STAGE:
        return _go(request, reverse(FLOW_OF_STAGE[to_stage], args=[opportunity.pk]))
    if needs_bant(opportunity, to_stage=to_stage):
        return _qualify_and_move(request, opportunity, to_stage, version, next_url)
    try:
        opportunity_move_stage(
            user=request.user,
            opportunity_id=opportunity.pk,
            expected_version=version,
            to_stage=to_stage,
        )
    except StaleVersionError:
        return _refused(request, opportunity, next_url, str(STALE_MESSAGE))
    except ValidationError as error:
        return _refused(request, opportunity, next_url, " ".join(error.messages))
    return _moved(request, opportunity, to_stage, next_url)


def _qualify_and_move(
    request: AuthenticatedHttpRequest,
    opportunity: Opportunity,
    to_stage: str,
    version: int,
    next_url: str,
) -> HttpResponse:
    """Leaving Prospección unqualified: ask BANT on the move page, then save the answers
    and move in one request."""
    if request.htmx:
        query = urlencode({"to_stage": to_stage, "version": version, "next": next_url})
        url = reverse("crm:opportunity_move", args=[opportunity.pk])
        return HttpResponseClientRedirect(f"{url}?{query}")
    page = {"next_url": next_url, "to_stage": to_stage, "version": version}
    if "bant" not in request.POST:  # coming from a card or the move form: ask the questions
        return _move_page(request, opportunity, **page)
    bant_form = BantForm(request.POST)
    if not bant_form.is_valid():
        return _move_page(request, opportunity, bant_form=bant_form, **page)
    try:
        opportunity_qualify_and_move(
            user=request.user,
            opportunity_id=opportunity.pk,
            expected_version=version,
            bant=bant_form.cleaned_data,
            to_stage=to_stage,
        )
    except StaleVersionError:
        # The answers stay as typed; the page now shows the current state and version.
        page["version"] = opportunity.version
        return _move_page(
            request, opportunity, bant_form=bant_form, error=str(STALE_MESSAGE), **page
        )
    except ValidationError as error:
        error_text = " ".join(error.messages)
        return _move_page(request, opportunity, bant_form=bant_form, error=error_text, **page)
    return _moved(request, opportunity, to_stage, next_url)


def _move_page(
    request: AuthenticatedHttpRequest,
    opportunity: Opportunity,
    *,
    next_url: str,
    to_stage: str | None = None,
    version: int | None = None,
    form: MoveForm | None = None,
    bant_form: BantForm | None = None,
    error: str = "",
) -> HttpResponse:
    if to_stage not in Stage.values or to_stage == opportunity.stage:
        to_stage = _following_stage(opportunity.stage)
    version = version or opportunity.version
    if form is None:
        form = MoveForm.for_page(opportunity=opportunity, to_stage=to_stage, version=version)
    if bant_form is None and not form.is_bound and needs_bant(opportunity, to_stage=to_stage):
        bant_form = BantForm(initial=BantForm.initial_for(opportunity))
    if bant_form is not None and not needs_bant(opportunity, to_stage=to_stage):
        bant_form = None  # someone else qualified or moved it meanwhile
    context = {
        "opportunity": opportunity,
        "form": form,
        "bant_form": bant_form,
        "to_stage": to_stage,
        "to_stage_label": Stage(to_stage).label,
        "version": version,
        "next_url": next_url,
        "error": error,
        "rules": list(RULE_TO_ENTER.items()),
        "currency": display_currency(request.user),
    }
    return render(request, "crm/opportunity_move.html", context)


def _moved(
    request: AuthenticatedHttpRequest, opportunity: Opportunity, to_stage: str, next_url: str
) -> HttpResponse:
    """After a move: the refreshed board for htmx (totals and cards of every column),
    else back where the user came from."""
    notice = _("“%(name)s” moved to %(stage)s.") % {
        "name": opportunity.name,
        "stage": Stage(to_stage).label,
    }
    if not request.htmx:
        messages.success(request, notice)
        return redirect(next_url)
    params = QueryDict(urlsplit(next_url).query)
    _filterset, columns = pipeline_board(
        user=request.user, params=params, request=request, currency=display_currency(request.user)
    )
    context = {
        **_board_context(request, params=params, next_url=next_url),
        "columns": columns,
        "board_notice": notice,
        "moved_pk": opportunity.pk,
    }
    return render(request, "crm/opportunity_board.html#board", context)


def _refused(
    request: AuthenticatedHttpRequest, opportunity: Opportunity, next_url: str, message: str
) -> HttpResponse:
    """A refused move: never saved. htmx re-renders the card as it is now, with the reason;
    a plain request goes back with the message."""
    if not request.htmx:
        messages.error(request, message)
        return redirect(next_url)
    context = {
        **_board_context(request, params=QueryDict(urlsplit(next_url).query), next_url=next_url),
        "opportunity": with_card_facts([opportunity])[0],
        "move_options": move_options(
            opportunity.stage, suggested=_following_stage(opportunity.stage)
        ),
        "card_message": message,
    }
    response = render(request, "crm/_opportunity_card.html", context)
    return reswap(retarget(response, f"#opportunity-{opportunity.pk}"), "outerHTML")


def _go(request: AuthenticatedHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _board_context(request: AuthenticatedHttpRequest, *, params: QueryDict, next_url: str) -> dict:
    """What the board's columns and cards need besides the cards themselves."""
    filter_query = _filter_query(params)
    return {
        "currency": display_currency(request.user),
        "can_move": CHANGE in module_rights(request.user, "crm"),
        "next_url": next_url,
        "filter_query": filter_query,
        "board_url": reverse("crm:opportunity_board") + _query(filter_query),
        "list_url": reverse("crm:opportunity_list") + _query(filter_query),
        "htmx_moves": True,
        "current_stage": _current_stage(params),
        # The cards' fixed words, translated once per page instead of once per card.
        "card_labels": {
            "value": _("Value"),
            "probability": _("Probability"),
            "owner": _("Owner"),
            "next_activity": _("Next activity"),
            "move": _("Move"),
            "current_stage": _("Current stage:"),
        },
    }


def _current_stage(params: QueryDict) -> str:
    """The column a phone shows (?column=<stage>; the board's stage switcher), else the first."""
    stage = params.get("column")
    return stage if stage in OPEN_STAGES else OPEN_STAGES[0]


def _following_stage(stage: str) -> str:
    stages = list(Stage.values)
    return stages[min(stages.index(stage) + 1, len(stages) - 1)]


def _filter_query(params: QueryDict) -> str:
    """The board filters of `params`, url-encoded ("owner=3&segment=A"), without the page."""
    kept = QueryDict(mutable=True)
    for name in BoardFilter.base_filters:
        values = [value for value in params.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def _query(query: str) -> str:
    return f"?{query}" if query else ""


def _safe_next(request: AuthenticatedHttpRequest, opportunity: Opportunity) -> str:
    """Where to go back after a move: a local path the form carried, else the opportunity."""
    return next_path(request, fallback=opportunity.get_absolute_url())
