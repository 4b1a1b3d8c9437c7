"""CRM → Oportunidades, the pipeline board: columns, totals, cards, badges, "Ver más",
filters, visibility and a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from accounts.roles import Role
from crm.models import OPEN_STAGES, Stage
from crm.opportunities.selectors.board import BOARD_PAGE_SIZE, StageTotals
from crm.opportunities.services import opportunity_share
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("crm:opportunity_board")
HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = datetime.date.today()


def column_url(stage: str) -> str:
    return reverse("crm:opportunity_board_column", args=[stage])


def columns(response) -> dict:
    return {column.stage: column for column in response.context["columns"]}


def card_names(response, stage: str) -> list[str]:
    return [card.name for card in columns(response)[stage].cards]


@pytest.fixture
def own_mode(db):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()


def test_it_has_one_column_per_open_stage_with_count_total_and_weighted_value(client_as, executive):
    client = ClientFactory(owner=executive)
    OpportunityFactory(client=client, estimated_value=Decimal("1000"), probability=10)
    OpportunityFactory(client=client, estimated_value=Decimal("3000.50"), probability=20)
    OpportunityFactory(
        client=client, stage=Stage.PROPOSAL, estimated_value=Decimal("5000"), probability=50
    )
    OpportunityFactory(client=client, stage=Stage.WON, probability=100)
    OpportunityFactory(client=client, stage=Stage.LOST, probability=0)

    response = client_as(executive).get(URL)

    assert response.status_code == 200
    board = columns(response)
    assert list(board) == list(OPEN_STAGES)
    assert board[Stage.PROSPECTING].totals == StageTotals(
        count=2, total=Decimal("4000.50"), weighted=Decimal("700.10")
    )
    assert board[Stage.PROPOSAL].totals == StageTotals(
        count=1, total=Decimal("5000.00"), weighted=Decimal("2500.00")
    )
    assert board[Stage.CLOSING].totals == StageTotals()
    html = response.content.decode()
    assert "USD 4.000,50" in html and "USD 700,10" in html  # Venezuelan formatting
    assert 'data-drop-stage="qualification"' in html


def test_the_header_totals_are_one_aggregate_for_every_column(client_as, executive):
    """Closed opportunities do not count; a deleted one neither."""
    client = ClientFactory(owner=executive)
    OpportunityFactory(client=client, stage=Stage.NEGOTIATION, estimated_value=Decimal("10"))
    deleted = OpportunityFactory(client=client, stage=Stage.NEGOTIATION)
    deleted.deleted_at = timezone.now()
    deleted.save()

    response = client_as(executive).get(URL)

    assert columns(response)[Stage.NEGOTIATION].totals.count == 1


def test_cards_show_the_opportunity_soonest_close_first(client_as, executive):
    client = ClientFactory(owner=executive, name="Alimentos La Sabana, C.A.")
    later = OpportunityFactory(
        client=client, name="Planta 2", expected_close_date=TODAY + datetime.timedelta(days=90)
    )
    sooner = OpportunityFactory(
        client=client,
        name="Planta 1",
        expected_close_date=TODAY + datetime.timedelta(days=10),
        estimated_value=Decimal("1234567.89"),
        probability=35,
    )

    response = client_as(executive).get(URL)

    assert card_names(response, Stage.PROSPECTING) == [sooner.name, later.name]
    html = response.content.decode()
    assert f'href="{reverse("crm:opportunity_detail", args=[sooner.pk])}"' in html
    assert "Alimentos La Sabana, C.A." in html
    assert "USD 1.234.567,89" in html
    assert "35 %" in html
    assert executive.get_full_name() in html


def test_a_card_shows_its_next_activity_without_badge(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    when = timezone.now() + datetime.timedelta(days=3)
    ActivityFactory(opportunity=opportunity, subject="Llamar a compras", scheduled_at=when)

    response = client_as(executive).get(URL)

    card = columns(response)[Stage.PROSPECTING].cards[0]
    assert card.next_activity_subject == "Llamar a compras"
    html = response.content.decode()
    assert f"{timezone.localtime(when):%d/%m/%Y} · Llamar a compras" in html
    assert "text-bg-danger" not in html and "text-bg-warning" not in html


def test_a_card_with_an_overdue_activity_is_marked_vencida(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    ActivityFactory(
        opportunity=opportunity, scheduled_at=timezone.now() - datetime.timedelta(days=2)
    )

    response = client_as(executive).get(URL)

    assert columns(response)[Stage.PROSPECTING].cards[0].has_overdue_activity
    assert 'data-follow-up="overdue">Vencida</span>' in response.content.decode()


def test_a_card_without_a_planned_activity_is_marked_sin_proxima_actividad(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    # Done activities are history, not follow-up.
    ActivityFactory(opportunity=opportunity, scheduled_at=None, done_at=timezone.now())

    response = client_as(executive).get(URL)

    html = response.content.decode()
    assert 'data-follow-up="unplanned">Sin próxima actividad</span>' in html


def test_each_card_has_a_stage_selector_and_a_move_button_that_work_without_javascript(
    client_as, executive
):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))

    html = client_as(executive).get(URL).content.decode()

    move_url = reverse("crm:opportunity_move", args=[opportunity.pk])
    assert f'<form method="post" action="{move_url}"' in html
    assert f'name="version" value="{opportunity.version}"' in html
    assert '<option value="qualification" selected>Calificación</option>' in html
    assert '<option value="prospecting"' not in html  # not its own stage
    assert ">Mover</button>" in html
    assert f'data-move-url="{move_url}"' in html and 'draggable="true"' in html


def test_card_ids_and_versions_are_not_written_with_thousand_separators(client_as, executive):
    """The ids are htmx targets and the version is posted back: never "12.345"."""
    OpportunityFactory(id=12345, version=1234, client=ClientFactory(owner=executive))

    html = client_as(executive).get(URL).content.decode()

    assert 'id="opportunity-12345"' in html and 'for="move-12345"' in html
    assert 'data-version="1234"' in html and 'name="version" value="1234"' in html


def test_the_page_links_the_list_the_new_opportunity_form_and_its_script(client_as, executive):
    html = client_as(executive).get(URL, {"segment": "A"}).content.decode()

    assert f'href="{reverse("crm:opportunity_create")}"' in html
    assert f'href="{reverse("crm:opportunity_list")}?segment=A"' in html
    assert static("js/board.js") in html and static("css/board.css") in html
    assert "Prospección → Calificación: Cuando confirmas que es un lead calificado" in html


def test_a_column_shows_a_page_of_cards_and_a_ver_mas_link(client_as, executive):
    client = ClientFactory(owner=executive)
    for day in range(BOARD_PAGE_SIZE + 5):
        OpportunityFactory(
            client=client,
            name=f"Oportunidad {day:02d}",
            expected_close_date=TODAY + datetime.timedelta(days=day + 1),
        )

    response = client_as(executive).get(URL)

    column = columns(response)[Stage.PROSPECTING]
    assert len(column.cards) == BOARD_PAGE_SIZE and column.has_more
    assert column.totals.count == BOARD_PAGE_SIZE + 5
    more = f"{column_url(Stage.PROSPECTING)}?page=2"
    assert f'hx-get="{more}"' in response.content.decode()
    assert f'href="{more}"' in response.content.decode()


def test_ver_mas_returns_the_next_cards_for_htmx_to_append(client_as, executive):
    client = ClientFactory(owner=executive)
    for day in range(BOARD_PAGE_SIZE + 5):
        OpportunityFactory(
            client=client,
            name=f"Oportunidad {day:02d}",
            expected_close_date=TODAY + datetime.timedelta(days=day + 1),
        )

    response = client_as(executive).get(column_url(Stage.PROSPECTING), {"page": 2}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert html.count('data-testid="opportunity-card"') == 5
    assert "Oportunidad 20" in html and "Oportunidad 24" in html and "Oportunidad 19" not in html
    assert "page=3" not in html  # nothing more


def test_ver_mas_without_javascript_shows_that_page_of_the_column(client_as, executive):
    client = ClientFactory(owner=executive)
    for day in range(BOARD_PAGE_SIZE + 1):
        OpportunityFactory(client=client, expected_close_date=TODAY + datetime.timedelta(day + 1))

    response = client_as(executive).get(column_url(Stage.PROSPECTING), {"page": "2"})

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    (column,) = response.context["columns"]
    assert (column.stage, column.page, len(column.cards)) == (Stage.PROSPECTING, 2, 1)
    assert f'href="{URL}"' in response.content.decode()  # back to the board


@pytest.mark.parametrize("stage", ["won", "lost", "nope"])
def test_a_column_exists_only_for_open_stages(client_as, executive, stage):
    assert client_as(executive).get(column_url(stage)).status_code == 404


def test_ver_mas_keeps_the_filters(client_as, executive):
    client = ClientFactory(owner=executive, segment="A")
    for day in range(BOARD_PAGE_SIZE + 1):
        OpportunityFactory(client=client, expected_close_date=TODAY + datetime.timedelta(day + 1))
    OpportunityFactory(client=ClientFactory(owner=executive, segment="C"))

    response = client_as(executive).get(URL, {"segment": "A"})

    assert f"{column_url(Stage.PROSPECTING)}?segment=A&amp;page=2" in response.content.decode()
    page_2 = client_as(executive).get(
        column_url(Stage.PROSPECTING), {"segment": "A", "page": 2}, **HTMX
    )
    assert page_2.content.decode().count('data-testid="opportunity-card"') == 1


def test_it_filters_by_executive(client_as, manager, executive, other_executive):
    mine = OpportunityFactory(client=ClientFactory(owner=executive))
    OpportunityFactory(client=ClientFactory(owner=other_executive))

    response = client_as(manager).get(URL, {"owner": executive.pk})

    assert card_names(response, Stage.PROSPECTING) == [mine.name]
    assert columns(response)[Stage.PROSPECTING].totals.count == 1


def test_it_filters_by_client_segment(client_as, executive):
    wanted = OpportunityFactory(client=ClientFactory(owner=executive, segment="A"))
    OpportunityFactory(client=ClientFactory(owner=executive, segment="B"))

    response = client_as(executive).get(URL, {"segment": "A"})

    assert card_names(response, Stage.PROSPECTING) == [wanted.name]


def test_it_filters_by_expected_close_period(client_as, executive):
    client = ClientFactory(owner=executive)
    OpportunityFactory(client=client, expected_close_date=datetime.date(2030, 1, 31))
    inside = OpportunityFactory(client=client, expected_close_date=datetime.date(2030, 2, 15))
    OpportunityFactory(client=client, expected_close_date=datetime.date(2030, 3, 1))

    response = client_as(executive).get(URL, {"close_from": "2030-02-01", "close_to": "28/02/2030"})

    assert card_names(response, Stage.PROSPECTING) == [inside.name]
    assert columns(response)[Stage.PROSPECTING].totals.count == 1


def test_a_bad_filter_gives_an_empty_board_not_an_error(client_as, executive):
    OpportunityFactory(client=ClientFactory(owner=executive))

    response = client_as(executive).get(URL, {"close_from": "mañana"})

    assert response.status_code == 200
    assert columns(response)[Stage.PROSPECTING].totals.count == 0


def test_filtering_with_htmx_returns_only_the_board(client_as, executive):
    OpportunityFactory(client=ClientFactory(owner=executive))

    response = client_as(executive).get(URL, {"segment": "B"}, **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html
    assert "?segment=B" in html  # the cards return to the filtered board after a move


def test_in_own_mode_an_executive_sees_only_his_and_shared_opportunities(
    client_as, own_mode, executive, other_executive
):
    mine = OpportunityFactory(client=ClientFactory(owner=executive), estimated_value=100)
    theirs = OpportunityFactory(client=ClientFactory(owner=other_executive), estimated_value=200)
    shared = OpportunityFactory(client=ClientFactory(owner=other_executive), estimated_value=400)
    opportunity_share(user=other_executive, opportunity=shared, colleague=executive)

    response = client_as(executive).get(URL)

    names = card_names(response, Stage.PROSPECTING)
    assert sorted(names) == sorted([mine.name, shared.name]) and theirs.name not in names
    totals = columns(response)[Stage.PROSPECTING].totals
    assert (totals.count, totals.total) == (2, Decimal("500.00"))


def test_in_own_mode_ver_mas_follows_the_scope_too(client_as, own_mode, executive, other_executive):
    OpportunityFactory(client=ClientFactory(owner=other_executive))

    response = client_as(executive).get(column_url(Stage.PROSPECTING), **HTMX)

    assert 'data-testid="opportunity-card"' not in response.content.decode()


def test_a_manager_sees_every_opportunity_in_own_mode(
    client_as, own_mode, manager, executive, other_executive
):
    OpportunityFactory(client=ClientFactory(owner=executive))
    OpportunityFactory(client=ClientFactory(owner=other_executive))

    response = client_as(manager).get(URL)

    assert columns(response)[Stage.PROSPECTING].totals.count == 2


def test_an_anonymous_user_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def fill_board(per_column: int) -> None:
    """`per_column` opportunities in each open stage, each with a planned activity."""
    client = ClientFactory(owner=UserFactory(roles=[Role.EXECUTIVE]))
    with ActivityFactory.facts_at_end():
        for stage in OPEN_STAGES:
            for opportunity in OpportunityFactory.create_batch(
                per_column, client=client, stage=stage
            ):
                ActivityFactory(opportunity=opportunity)


@pytest.mark.parametrize("per_column", [1, 50])
def test_the_board_runs_a_fixed_number_of_queries(
    client_as, executive, django_assert_num_queries, per_column
):
    fill_board(per_column)
    user_client = client_as(executive)
    user_client.get(URL)  # the first request of a session stamps it; measure the next one

    # session, user, permissions x2, roles, company settings (once per request), the totals
    # of every column (one GROUP BY), one page of cards per column (5), the executive options
    # of the filter
    with django_assert_num_queries(14):  # + the follow-up rule's frequencies
        response = user_client.get(URL, {"segment": "B"})

    assert columns(response)[Stage.PROSPECTING].totals.count == per_column


@pytest.mark.parametrize("per_column", [1, 50])
def test_ver_mas_runs_a_fixed_number_of_queries(
    client_as, executive, django_assert_num_queries, per_column
):
    fill_board(per_column)
    user_client = client_as(executive)
    user_client.get(URL)

    # session, user, permissions x2, roles, company settings (once per request), the page of
    # cards
    with django_assert_num_queries(8):  # + the follow-up rule's frequencies
        user_client.get(column_url(Stage.PROPOSAL), {"page": 2}, **HTMX)


def test_a_large_amount_is_compact_on_its_card_and_totals_with_the_full_value_on_hover(
    client_as, executive
):
    OpportunityFactory(
        client=ClientFactory(owner=executive),
        estimated_value=Decimal("1000000000"),
        probability=10,
    )

    html = client_as(executive).get(URL).content.decode()

    full = '<span class="amount-compact" title="USD 1.000.000.000,00">USD 1.000 MM</span>'
    assert html.count(full) == 1  # the column total
    # The card's, with the amount as it was typed (crm.money) in the same title.
    card = 'title="USD 1.000.000.000,00 · Original: USD 1.000.000.000,00">USD 1.000 MM</span>'
    assert card in html
    assert '<span class="amount-compact" title="USD 100.000.000,00">USD 100 MM</span>' in html
