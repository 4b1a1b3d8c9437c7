"""In a real browser, "Nueva actividad" never loses what was typed while it redraws the
fields that depend on the type, the client or planned/done (issue 8.2): the user changes
the type, then at once picks the opportunity and types the subject before the server
answered; both stay, and the activity is saved with them. The same for the client's
options and for the suggested date of "Dar Seguimiento"."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.forms.activities import ActivityForm
from crm.models import Activity, ActivityType, Stage
from crm.opportunities.forms.flows import FollowUpForm
from tests.factories import TEST_PASSWORD, ClientFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBJECT = "Llamada de satisfacción con el gerente de planta"


@pytest.fixture
def slow_redraws(monkeypatch):
    """Each draft redraw takes 0.8 s on the server: the user is faster than the answer."""
    original = ActivityForm.__init__

    def slow(self, *args, draft=False, **kwargs):
        if draft:
            time.sleep(0.8)
        original(self, *args, draft=draft, **kwargs)

    monkeypatch.setattr(ActivityForm, "__init__", slow)


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Nueva actividad")).to_be_visible()


def test_typing_while_the_type_fields_redraw_keeps_what_was_typed(
    live_server, page: Page, slow_redraws
):
    maria = UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    client = ClientFactory.create(name="Cementos Caribe, C.A.", owner=maria)
    opportunity = OpportunityFactory.create(client=client, name="Silos")
    sign_in(page, f"{live_server.url}{reverse('crm:activity_create')}?client={client.pk}")
    form = page.locator("#activity-form")

    form.get_by_label("Ya realizada").check()
    expect(form.get_by_text("¿El cliente respondió?")).to_be_visible()

    form.get_by_label("Tipo de actividad").select_option("satisfaction_call")
    form.get_by_label("Oportunidad", exact=True).select_option(label="Silos")
    form.get_by_label("Asunto").fill(SUBJECT)

    expect(form.get_by_label("Nivel de satisfacción")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(form.get_by_label("Oportunidad", exact=True)).to_have_value(str(opportunity.pk))
    expect(form.get_by_label("Asunto")).to_have_value(SUBJECT)
    expect(form.get_by_text("¿El cliente respondió?")).to_have_count(0)

    form.get_by_label("Nivel de satisfacción").select_option("4")
    form.get_by_role("button", name="Guardar").click()

    expect(page.get_by_text("Actividad guardada.")).to_be_visible()
    activity = Activity.objects.get()
    assert (activity.type, activity.subject, activity.opportunity) == (
        ActivityType.SATISFACTION_CALL,
        SUBJECT,
        opportunity,
    )
    assert activity.satisfaction_level == 4 and activity.done_at is not None


def test_typing_while_the_client_options_redraw_keeps_the_subject(
    live_server, page: Page, slow_redraws
):
    maria = UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    ClientFactory.create(name="Alimentos La Sabana, C.A.", owner=maria)
    other = ClientFactory.create(name="Cementos Caribe, C.A.", owner=maria)
    OpportunityFactory.create(client=other, name="Silos")
    sign_in(page, f"{live_server.url}{reverse('crm:activity_create')}")
    form = page.locator("#activity-form")

    # The <select> is a combobox too until picker.js puts the search box in its place: the
    # label moves to the box once it is ready (typing earlier would target the <select>).
    box = form.get_by_label("Cliente", exact=True)
    expect(box).to_have_attribute("role", "combobox")
    box.fill("cementos")
    expect(page.get_by_role("option", name=re.compile("Cementos Caribe"))).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    form.get_by_label("Asunto").fill(SUBJECT)

    expect(
        form.get_by_label("Oportunidad", exact=True).locator("option", has_text="Silos")
    ).to_have_count(1)
    page.wait_for_load_state("networkidle")
    expect(form.get_by_label("Asunto")).to_have_value(SUBJECT)


def test_typing_while_the_follow_up_suggestion_redraws_keeps_the_subject(
    live_server, page: Page, monkeypatch
):
    """Dar Seguimiento: a stage change redraws the suggested date, never the subject."""
    original = FollowUpForm.__dict__["with_suggestion_for_stage"].__func__

    def slow(cls, *args, **kwargs):
        time.sleep(0.8)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(FollowUpForm, "with_suggestion_for_stage", classmethod(slow))
    maria = UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    opportunity = OpportunityFactory.create(
        client=ClientFactory.create(owner=maria),
        stage=Stage.PROPOSAL,
        bant_budget=True,
        bant_authority=True,
        bant_need=True,
        bant_timeline=True,
    )
    url = reverse("crm:opportunity_follow_up", args=[opportunity.pk])
    page.goto(f"{live_server.url}{url}")
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    next_activity = page.locator("#next-activity")

    page.get_by_label("Mover a siguiente etapa si aplica").select_option("negotiation")
    next_activity.get_by_label("Asunto").fill("Llamar para conocer la decisión")

    expect(page.locator("#follow-up-suggestion")).to_contain_text("Negociación")
    page.wait_for_load_state("networkidle")
    expect(next_activity.get_by_label("Asunto")).to_have_value("Llamar para conocer la decisión")
