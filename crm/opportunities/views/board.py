"""CRM → Oportunidades → Tablero: the pipeline board (kanban), a column's "Ver más" and the
stage move (a dragged card, a card's "Mover", the move page).

The move view reads as parse → service → render: `StageMove.parse` (forms/board.py) reads
the request, `opportunity_qualify_and_move` (services.py, through the only writer of a
stage) does it, `move_response` answers: the refreshed board or card for htmx, the move page
when questions remain, else back where the user came from.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from accounts.decorators import module_required
from accounts.http import AuthenticatedHttpRequest
from accounts.roles import ADD, CHANGE, VIEW, module_rights
from crm.concurrency import StaleVersionError
from crm.models import OPEN_STAGES, Stage
from crm.money import display_currency
from crm.opportunities.filters import BoardFilter, board_filter_query
from crm.opportunities.forms.board import (
    CHOOSE_STAGE,
    BoardQuery,
    MoveForm,
    StageMove,
    following_stage,
)
from crm.opportunities.selectors.board import (
    board_column,
    move_options,
    pipeline_board,
    with_card_facts,
)
from crm.opportunities.selectors.visibility import get_editable_opportunity_or_403
from crm.opportunities.services import opportunity_qualify_and_move
from crm.stage_rules import RULE_TO_ENTER


@require_GET
@module_required("crm", VIEW)
def opportunity_board_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = BoardFilter(request.GET, request=request)
    columns = pipeline_board(
        user=request.user, filters=filterset, currency=display_currency(request.user)
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
        filters=BoardFilter(request.GET, request=request),
        stage=stage,
        page=page,
        with_totals=not request.htmx,
        currency=display_currency(request.user),
    )
    board_url = reverse("crm:opportunity_board") + _query(board_filter_query(request.GET))
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


@require_http_methods(["GET", "POST"])
@module_required("crm", CHANGE)
def opportunity_move_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the move page (stage selector, FAQ rules, BANT when needed). POST: the move.
    Out of the user's scope 404; visible but not theirs to edit 403."""
    opportunity = get_editable_opportunity_or_403(user=request.user, pk=pk)
    move = StageMove.parse(request, opportunity=opportunity)
    if move.ready:
        try:
            opportunity_qualify_and_move(
                user=request.user,
                opportunity_id=opportunity.pk,
                expected_version=move.version,
                to_stage=move.to_stage,
                bant=move.bant_answers,
            )
        except (StaleVersionError, ValidationError) as error:
            move.refuse(error)
    return move_response(request, move)


def move_response(request: AuthenticatedHttpRequest, move: StageMove) -> HttpResponse:
    """The answer to a move, whatever came of it: the move page (GET, BANT to ask or to
    answer again, a plain form with errors), the won or lost flow, the refreshed board after
    a move, else the refusal (the card as it is now for htmx, a message otherwise)."""
    if move.form is None:
        return _move_page(request, move)
    if move.flow_url:
        return _go(request, move.flow_url)
    if move.ready and not move.refusal:
        return _moved(request, move)
    if move.bant_form is not None:  # a card cannot ask the questions: the move page does
        return _go(request, move.page_url) if request.htmx else _move_page(request, move)
    if not move.form.is_valid() and not request.htmx:
        return _move_page(request, move)  # the form again, with its errors
    return _refused(request, move)


def _go(request: AuthenticatedHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _move_page(request: AuthenticatedHttpRequest, move: StageMove) -> HttpResponse:
    opportunity = move.opportunity
    form = move.form
    if form is None or not form.errors:
        form = MoveForm.for_page(
            opportunity=opportunity, to_stage=move.to_stage, version=move.version
        )
    context = {
        "opportunity": opportunity,
        "form": form,
        "bant_form": move.bant_form,
        "to_stage": move.to_stage,
        "to_stage_label": Stage(move.to_stage).label,
        "version": move.version,
        "next_url": move.next_url,
        "error": move.refusal,
        "rules": list(RULE_TO_ENTER.items()),
        "currency": display_currency(request.user),
    }
    return render(request, "crm/opportunity_move.html", context)


def _moved(request: AuthenticatedHttpRequest, move: StageMove) -> HttpResponse:
    """After a move: the refreshed board for htmx (totals and cards of every column),
    else back where the user came from."""
    notice = _("“%(name)s” moved to %(stage)s.") % {
        "name": move.opportunity.name,
        "stage": Stage(move.to_stage).label,
    }
    if not request.htmx:
        messages.success(request, notice)
        return redirect(move.next_url)
    params = QueryDict(urlsplit(move.next_url).query)
    columns = pipeline_board(
        user=request.user,
        filters=BoardFilter(params, request=request),
        currency=display_currency(request.user),
    )
    context = {
        **_board_context(request, params=params, next_url=move.next_url),
        "columns": columns,
        "board_notice": notice,
        "moved_pk": move.opportunity.pk,
    }
    return render(request, "crm/opportunity_board.html#board", context)


def _refused(request: AuthenticatedHttpRequest, move: StageMove) -> HttpResponse:
    """A refused move: never saved. htmx re-renders the card as it is now, with the reason;
    a plain request goes back with the message."""
    message = move.refusal or str(CHOOSE_STAGE)  # no refusal: the posted form was invalid
    if not request.htmx:
        messages.error(request, message)
        return redirect(move.next_url)
    opportunity = move.opportunity
    params = QueryDict(urlsplit(move.next_url).query)
    context = {
        **_board_context(request, params=params, next_url=move.next_url),
        "opportunity": with_card_facts([opportunity])[0],
        "move_options": move_options(
            opportunity.stage, suggested=following_stage(opportunity.stage)
        ),
        "card_message": message,
    }
    response = render(request, "crm/_opportunity_card.html", context)
    return reswap(retarget(response, f"#opportunity-{opportunity.pk}"), "outerHTML")


def _board_context(
    request: AuthenticatedHttpRequest, *, params: QueryDict, next_url: str
) -> dict[str, object]:
    """What the board's columns and cards need besides the cards themselves."""
    filter_query = board_filter_query(params)
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


def _query(query: str) -> str:
    return f"?{query}" if query else ""
