"""Moving an opportunity's stage from the board (drag and drop or the card's "Mover", htmx
or plain POST) and from the move page: BANT, won/lost hand-offs, stale versions, access."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.models import Opportunity, Stage, StageChange
from tests.factories import ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("crm:opportunity_board")
HTMX = {"HTTP_HX_REQUEST": "true"}
BANT_ANSWERS = {
    "bant": "1",
    "bant_budget": "yes",
    "bant_budget_note": "Presupuesto aprobado para 2026",
    "bant_authority": "yes",
    "bant_authority_note": "",
    "bant_need": "yes",
    "bant_need_note": "Planta al límite de capacidad",
    "bant_timeline": "no",
    "bant_timeline_note": "Compra el próximo año",
}
QUALIFIED = {
    "bant_budget": True,
    "bant_authority": True,
    "bant_need": True,
    "bant_timeline": True,
}


def move_url(opportunity) -> str:
    return reverse("crm:opportunity_move", args=[opportunity.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def qualified(executive):
    """An opportunity of the executive in Calificación, BANT answered."""
    return OpportunityFactory(
        client=ClientFactory(owner=executive),
        stage=Stage.QUALIFICATION,
        probability=25,
        **QUALIFIED,
    )


@pytest.fixture
def lead(executive):
    """An unqualified lead of the executive in Prospección."""
    return OpportunityFactory(client=ClientFactory(owner=executive), name="Planta Valencia")


# The move page --------------------------------------------------------------------------


def test_the_move_page_shows_the_stage_selector_and_the_faq_rules(client_as, executive, qualified):
    response = client_as(executive).get(move_url(qualified))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<select name="to_stage"' in html
    assert '<option value="proposal" selected>Propuesta</option>' in html
    assert '<option value="qualification"' not in html  # where it already is
    assert f'name="version" value="{qualified.version}"' in html
    assert "Calificación → Propuesta: Cuando cliente solicita cotización" in html
    assert "Negociación → Cierre: Cuando cliente está listo para firmar" in html
    assert response.context["bant_form"] is None


def test_the_move_page_asks_bant_when_a_lead_leaves_prospecting(client_as, executive, lead):
    response = client_as(executive).get(
        move_url(lead), {"to_stage": "qualification", "version": lead.version}
    )

    html = response.content.decode()
    assert response.context["bant_form"] is not None
    assert "¿Cómo califico un lead?" in html
    for label in (
        "Budget: ¿Tiene presupuesto?",
        "Authority: ¿Es el decisor?",
        "Need: ¿Tiene una necesidad real?",
        "Timeline: ¿Cuándo planea comprar?",
    ):
        assert label in html
    assert '<input type="hidden" name="to_stage" value="qualification">' in html


# Plain POST (no JavaScript) -------------------------------------------------------------


def test_a_plain_move_writes_the_stage_row_and_goes_back_to_the_board(
    client_as, executive, qualified
):
    next_url = f"{BOARD}?segment=B"
    response = client_as(executive).post(
        move_url(qualified),
        {"to_stage": "proposal", "version": qualified.version, "next": next_url},
    )

    assert response.status_code == 302 and response["Location"] == next_url
    qualified.refresh_from_db()
    assert (qualified.stage, qualified.probability) == (Stage.PROPOSAL, 50)
    row = StageChange.objects.get(opportunity=qualified)
    assert (row.from_stage, row.to_stage, row.changed_by) == (
        Stage.QUALIFICATION,
        Stage.PROPOSAL,
        executive,
    )
    assert messages_of(response) == [f"«{qualified.name}» se movió a Propuesta."]


def test_a_move_ignores_a_next_url_of_another_site(client_as, executive, qualified):
    response = client_as(executive).post(
        move_url(qualified),
        {"to_stage": "proposal", "version": qualified.version, "next": "https://evil.example"},
    )

    assert response["Location"] == qualified.get_absolute_url()


@pytest.mark.parametrize(
    "next_value",
    ["true", "null", "[]", "crm:opportunity_board", "//evil.example/x", "/\\evil.example", "ftp:x"],
)
def test_a_saved_move_with_a_next_that_is_no_local_path_goes_to_the_opportunity(
    client_as, executive, qualified, next_value
):
    response = client_as(executive).post(
        move_url(qualified),
        {"to_stage": "proposal", "version": qualified.version, "next": next_value},
    )

    assert response.status_code == 302
    assert response["Location"] == qualified.get_absolute_url()
    qualified.refresh_from_db()
    assert qualified.stage == Stage.PROPOSAL


@pytest.mark.parametrize("next_value", ["true", "null", "[]"])
def test_a_refused_move_with_a_next_that_is_no_local_path_goes_to_the_opportunity(
    client_as, executive, qualified, next_value
):
    response = client_as(executive).post(
        move_url(qualified),
        {"to_stage": "qualification", "version": qualified.version, "next": next_value},
    )

    assert response.status_code == 302
    assert response["Location"] == qualified.get_absolute_url()
    assert messages_of(response)  # the reason, shown on the opportunity page


def test_a_stale_move_with_a_bad_next_over_htmx_answers_the_card(client_as, executive, qualified):
    response = client_as(executive).post(
        move_url(qualified),
        {"to_stage": "proposal", "version": qualified.version + 5, "next": "true"},
        **HTMX,
    )

    assert response.status_code == 200


def test_moving_to_the_same_stage_is_refused_with_a_message(client_as, executive, qualified):
    response = client_as(executive).post(
        move_url(qualified), {"to_stage": "qualification", "version": qualified.version}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["La oportunidad ya está en esa etapa."]
    assert not StageChange.objects.exists()


def test_an_unknown_stage_shows_the_form_again_with_the_error(client_as, executive, qualified):
    response = client_as(executive).post(
        move_url(qualified), {"to_stage": "ganadisima", "version": qualified.version}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Elija la etapa a la que mover la oportunidad." in html
    assert f'name="version" value="{qualified.version}"' in html
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(
    ("to_stage", "flow"), [("won", "crm:opportunity_win"), ("lost", "crm:opportunity_lose")]
)
def test_won_and_lost_open_their_flows(client_as, executive, qualified, to_stage, flow):
    response = client_as(executive).post(
        move_url(qualified), {"to_stage": to_stage, "version": qualified.version}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(flow, args=[qualified.pk])
    qualified.refresh_from_db()
    assert qualified.stage == Stage.QUALIFICATION and not StageChange.objects.exists()


def test_a_lead_may_be_lost_without_bant(client_as, executive, lead):
    response = client_as(executive).post(
        move_url(lead), {"to_stage": "lost", "version": lead.version}
    )

    assert response["Location"] == reverse("crm:opportunity_lose", args=[lead.pk])


def test_leaving_prospecting_without_bant_shows_the_bant_form_and_moves_nothing(
    client_as, executive, lead
):
    response = client_as(executive).post(
        move_url(lead), {"to_stage": "qualification", "version": lead.version}
    )

    assert response.status_code == 200
    assert "¿Cómo califico un lead?" in response.content.decode()
    lead.refresh_from_db()
    assert lead.stage == Stage.PROSPECTING and not StageChange.objects.exists()


def test_answering_bant_on_the_move_page_saves_it_and_moves_in_one_request(
    client_as, executive, lead
):
    response = client_as(executive).post(
        move_url(lead),
        {**BANT_ANSWERS, "to_stage": "qualification", "version": lead.version, "next": BOARD},
    )

    assert response.status_code == 302 and response["Location"] == BOARD
    lead.refresh_from_db()
    assert lead.stage == Stage.QUALIFICATION
    assert (lead.bant_budget, lead.bant_authority, lead.bant_need, lead.bant_timeline) == (
        True,
        True,
        True,
        False,
    )
    assert lead.bant_timeline_note == "Compra el próximo año"
    assert lead.version == 3  # answers saved, then moved
    row = StageChange.objects.get(opportunity=lead)
    assert (row.from_stage, row.to_stage) == (Stage.PROSPECTING, Stage.QUALIFICATION)


def test_an_unanswered_bant_question_keeps_the_answers_and_moves_nothing(
    client_as, executive, lead
):
    data = {**BANT_ANSWERS, "bant_need": "", "to_stage": "qualification", "version": 1}

    response = client_as(executive).post(move_url(lead), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Responda sí o no." in html
    assert "Planta al límite de capacidad" in html  # what was typed stays
    lead.refresh_from_db()
    assert lead.stage == Stage.PROSPECTING and lead.bant_budget is None
    assert not StageChange.objects.exists()


# htmx (drag and drop, the card's "Mover") ------------------------------------------------


def test_an_htmx_move_answers_the_refreshed_board(client_as, executive, qualified):
    response = client_as(executive).post(
        move_url(qualified),
        {"to_stage": "proposal", "version": qualified.version, "next": f"{BOARD}?segment=B"},
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html
    columns = {column.stage: column for column in response.context["columns"]}
    assert [card.pk for card in columns[Stage.PROPOSAL].cards] == [qualified.pk]
    assert columns[Stage.PROPOSAL].totals.count == 1
    assert columns[Stage.QUALIFICATION].totals.count == 0
    assert f"«{qualified.name}» se movió a Propuesta." in html
    assert "?segment=B" in html  # the board keeps its filters
    assert StageChange.objects.filter(opportunity=qualified).count() == 1


def test_an_htmx_move_keeps_the_board_filters(client_as, executive, qualified):
    OpportunityFactory(client=ClientFactory(owner=executive, segment="A"), stage=Stage.PROPOSAL)

    response = client_as(executive).post(
        move_url(qualified),
        {"to_stage": "proposal", "version": qualified.version, "next": f"{BOARD}?segment=B"},
        **HTMX,
    )

    columns = {column.stage: column for column in response.context["columns"]}
    assert columns[Stage.PROPOSAL].totals.count == 1


def test_an_htmx_move_out_of_prospecting_without_bant_redirects_to_the_questions(
    client_as, executive, lead
):
    response = client_as(executive).post(
        move_url(lead), {"to_stage": "qualification", "version": 1, "next": BOARD}, **HTMX
    )

    location = urlsplit(response["HX-Redirect"])
    assert location.path == move_url(lead)
    assert parse_qs(location.query) == {
        "to_stage": ["qualification"],
        "version": ["1"],
        "next": [BOARD],
    }
    assert not StageChange.objects.exists()


def test_an_htmx_move_to_an_unknown_stage_re_renders_the_card_with_the_error(
    client_as, executive, qualified
):
    response = client_as(executive).post(
        move_url(qualified), {"to_stage": "ganadisima", "version": qualified.version}, **HTMX
    )

    assert response["HX-Retarget"] == f"#opportunity-{qualified.pk}"
    assert "Elija la etapa a la que mover la oportunidad." in response.content.decode()
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(
    ("to_stage", "flow"), [("won", "crm:opportunity_win"), ("lost", "crm:opportunity_lose")]
)
def test_an_htmx_drop_on_won_or_lost_redirects_to_the_flow(
    client_as, executive, qualified, to_stage, flow
):
    response = client_as(executive).post(
        move_url(qualified), {"to_stage": to_stage, "version": qualified.version}, **HTMX
    )

    assert response["HX-Redirect"] == reverse(flow, args=[qualified.pk])


# Two people, one card -------------------------------------------------------------------


def test_two_moves_from_the_same_version_the_second_is_refused(client_as, executive, qualified):
    version = qualified.version
    user_client = client_as(executive)
    user_client.post(move_url(qualified), {"to_stage": "proposal", "version": version})

    response = user_client.post(
        move_url(qualified), {"to_stage": "negotiation", "version": version}
    )

    assert response.status_code == 302
    assert messages_of(response)[-1] == (
        "Otra persona movió o modificó esta oportunidad. Recargue el tablero."
    )
    qualified.refresh_from_db()
    assert qualified.stage == Stage.PROPOSAL
    assert StageChange.objects.filter(opportunity=qualified).count() == 1


@pytest.mark.usefixtures("edit_all")  # two executives editing one record
def test_a_stale_htmx_move_re_renders_the_card_as_it_is_now(
    client_as, executive, other_executive, qualified
):
    version = qualified.version
    client_as(other_executive).post(
        move_url(qualified), {"to_stage": "proposal", "version": version}
    )

    response = client_as(executive).post(
        move_url(qualified), {"to_stage": "negotiation", "version": version}, **HTMX
    )

    assert response["HX-Retarget"] == f"#opportunity-{qualified.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="card board-card')
    assert "Otra persona movió o modificó esta oportunidad. Recargue el tablero." in html
    assert f'data-version="{version + 1}"' in html and 'data-stage="proposal"' in html
    assert StageChange.objects.filter(opportunity=qualified).count() == 1


@pytest.mark.usefixtures("edit_all")  # two executives editing one record
def test_bant_answers_sent_after_someone_else_moved_the_lead_overwrite_nothing(
    client_as, executive, other_executive, lead
):
    # Someone else qualifies and moves the lead meanwhile: the questions no longer apply.
    client_as(other_executive).post(
        move_url(lead), {**BANT_ANSWERS, "to_stage": "qualification", "version": 1}
    )
    lead.refresh_from_db()
    assert lead.version == 3

    response = client_as(executive).post(
        move_url(lead),
        {
            **BANT_ANSWERS,
            "bant_budget": "no",
            "bant_budget_note": "Sin presupuesto",
            "to_stage": "qualification",
            "version": 1,
        },
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "Otra persona movió o modificó esta oportunidad. Recargue el tablero."
    ]
    lead.refresh_from_db()
    assert lead.bant_budget is True and lead.bant_budget_note == "Presupuesto aprobado para 2026"
    assert StageChange.objects.filter(opportunity=lead).count() == 1


def test_stale_bant_answers_stay_typed_while_the_lead_is_still_in_prospecting(
    client_as, executive, lead
):
    Opportunity.objects.filter(pk=lead.pk).update(version=2, estimated_value=Decimal(5))

    response = client_as(executive).post(
        move_url(lead),
        {
            **BANT_ANSWERS,
            "bant_budget_note": "Lo que escribí",
            "to_stage": "qualification",
            "version": 1,
        },
    )

    html = response.content.decode()
    assert "Otra persona movió o modificó esta oportunidad." in html
    assert "Lo que escribí" in html
    assert '<input type="hidden" name="version" value="2">' in html  # now the current one
    lead.refresh_from_db()
    assert lead.bant_budget is None and not StageChange.objects.exists()


# Access ---------------------------------------------------------------------------------


def test_a_user_without_role_gets_403(client_as, no_role_user, qualified):
    user_client = client_as(no_role_user)
    assert user_client.get(move_url(qualified)).status_code == 403
    data = {"to_stage": "proposal", "version": qualified.version}
    assert user_client.post(move_url(qualified), data).status_code == 403
    assert not StageChange.objects.exists()


def test_an_opportunity_out_of_scope_answers_404(client_as, other_executive, qualified):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    user_client = client_as(other_executive)

    assert user_client.get(move_url(qualified)).status_code == 404
    data = {"to_stage": "proposal", "version": qualified.version}
    assert user_client.post(move_url(qualified), data).status_code == 404
    assert not StageChange.objects.exists()


def test_a_manager_moves_any_opportunity(client_as, manager, qualified):
    data = {"to_stage": "proposal", "version": qualified.version}
    assert client_as(manager).post(move_url(qualified), data).status_code == 302
    assert StageChange.objects.get().changed_by == manager
