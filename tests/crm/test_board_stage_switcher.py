"""The board on a phone: one stage at a time, chosen with the stage switcher (plain links,
enhanced by htmx), keeping the board's filters."""

import re

import pytest
from django.urls import reverse

from crm.models import OPEN_STAGES, Stage
from tests.factories import ClientFactory, OpportunityFactory
from tests.matching import found

pytestmark = pytest.mark.django_db

URL = reverse("crm:opportunity_board")
HTMX = {"HTTP_HX_REQUEST": "true"}


def switcher(html: str) -> str:
    return found(r'<nav class="board-switcher.*?</nav>', html, re.S).group(0)


def current_columns(html: str) -> list[str]:
    return re.findall(r'class="board-column board-column-current" data-drop-stage="(\w+)"', html)


def test_it_links_to_every_open_stage_with_its_count(client_as, executive):
    client = ClientFactory(owner=executive)
    OpportunityFactory(client=client, stage=Stage.PROPOSAL)
    OpportunityFactory(client=client, stage=Stage.PROPOSAL)

    nav = switcher(client_as(executive).get(URL).content.decode())

    assert 'aria-label="Etapas del tablero"' in nav
    for stage in OPEN_STAGES:
        assert f'href="{URL}?column={stage}"' in nav
        assert f'hx-get="{URL}?column={stage}"' in nav
    assert re.search(r"Propuesta <span[^>]*>2</span>", nav)


def test_the_first_stage_is_shown_until_another_is_chosen(client_as, executive):
    html = client_as(executive).get(URL).content.decode()

    assert current_columns(html) == [Stage.PROSPECTING]
    assert re.search(
        rf'class="nav-link text-nowrap active"\s+href="{URL}\?column=prospecting"', html
    )


def test_the_chosen_stage_is_the_one_shown_and_marked_current(client_as, executive):
    html = client_as(executive).get(URL, {"column": Stage.NEGOTIATION}).content.decode()

    assert current_columns(html) == [Stage.NEGOTIATION]
    nav = switcher(html)
    assert nav.count('aria-current="true"') == 1
    assert re.search(r'column=negotiation"[^>]*aria-current="true"', nav)


def test_an_unknown_stage_falls_back_to_the_first(client_as, executive):
    html = client_as(executive).get(URL, {"column": Stage.WON}).content.decode()

    assert current_columns(html) == [Stage.PROSPECTING]


def test_the_switcher_keeps_the_boards_filters(client_as, executive):
    html = client_as(executive).get(URL, {"segment": "A", "column": "proposal"}).content.decode()

    assert f'href="{URL}?segment=A&amp;column=qualification"' in switcher(html)


def test_the_htmx_board_carries_the_switcher_and_the_filter_count(client_as, executive):
    html = client_as(executive).get(URL, {"segment": "A"}, **HTMX).content.decode()

    assert "<html" not in html
    assert 'data-testid="stage-switcher"' in html
    assert re.search(r'id="filter-count"[^>]*hx-swap-oob="true">1<', html)


def test_a_card_moved_from_the_chosen_stage_keeps_that_stage_on_screen(client_as, executive):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive), stage=Stage.PROPOSAL, probability=50
    )

    response = client_as(executive).post(
        reverse("crm:opportunity_move", args=[opportunity.pk]),
        {
            "to_stage": Stage.NEGOTIATION,
            "version": opportunity.version,
            "next": f"{URL}?column=proposal",
        },
        **HTMX,
    )

    assert current_columns(response.content.decode()) == [Stage.PROPOSAL]
