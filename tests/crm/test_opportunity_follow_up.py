"""CRM → Oportunidades → "Dar Seguimiento a Oportunidad" (crm:opportunity_follow_up)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings
from crm.models import Activity, ActivityType, Stage, StageChange
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    OpportunityFactory,
)

pytestmark = pytest.mark.django_db

BANT = {
    "bant_budget": True,
    "bant_authority": True,
    "bant_need": True,
    "bant_timeline": True,
}
LOCAL = "%Y-%m-%dT%H:%M"
# Session, user, 3 for roles and rights, company settings (visibility), the opportunity with
# its activity dates, stage settings, pending activities (due one, then the select), company
# settings (currency), contacts.
FOLLOW_UP_PAGE_QUERIES = 11


def url(opportunity) -> str:
    return reverse("crm:opportunity_follow_up", args=[opportunity.pk])


def local(moment) -> str:
    return timezone.localtime(moment).strftime(LOCAL)


def form_data(opportunity, **overrides) -> dict:
    now = timezone.now()
    data = {
        "version": opportunity.version,
        "done_type": ActivityType.CALL,
        "done_subject": "",
        "done_contact": "",
        "done_at": local(now - timedelta(minutes=10)),
        "done_answered": "yes",
        "notes": "El cliente revisó la propuesta con su gerente",
        "probability": opportunity.probability,
        "to_stage": "",
        "schedule": "on",
        "next_type": ActivityType.CALL,
        "next_at": local(now + timedelta(days=3)),
        "next_subject": "Llamar para conocer la decisión",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(client__owner=executive, stage=Stage.PROPOSAL, probability=50, **BANT)


# The page -------------------------------------------------------------------------------------


def test_the_page_shows_the_current_stage_last_and_next_activity(client_as, opportunity):
    ActivityFactory(
        opportunity=opportunity,
        subject="Reunión de presentación",
        scheduled_at=None,
        done_at=timezone.now() - timedelta(days=2),
    )
    ActivityFactory(opportunity=opportunity, subject="Llamar a Juan Pérez")

    response = client_as(opportunity.owner).get(url(opportunity))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dar Seguimiento a Oportunidad" in page
    assert "Etapa" in page and "Propuesta" in page
    assert "Última actividad" in page and "Reunión de presentación" in page
    assert "Próxima actividad" in page and "Llamar a Juan Pérez" in page
    for label in ("Llamada", "Reunión", "Envío de cotización", "Notas de la conversación"):
        assert label in page
    assert "Actualizar probabilidad si cambió" in page
    assert "Mover a siguiente etapa si aplica" in page
    assert "Propuesta → Negociación: Cuando cliente está revisando propuesta" in page
    assert "Programar próxima actividad" in page


def test_the_form_starts_with_the_current_probability_and_a_date_per_the_stage_frequency(
    client_as, opportunity
):
    response = client_as(opportunity.owner).get(url(opportunity))

    form = response.context["form"]
    assert form["probability"].value() == 50
    in_five_days = timezone.localdate() + timedelta(days=5)  # FAQ: Propuesta, every 3-5 days
    page = response.content.decode()
    assert f'value="{in_five_days:%Y-%m-%d}T09:00"' in page
    assert "Sugerido: cada 5 días en esta etapa (Propuesta)." in page


def test_choosing_another_stage_suggests_that_stages_frequency(client_as, opportunity):
    suggested = local(timezone.now() + timedelta(days=5))
    response = client_as(opportunity.owner).get(
        url(opportunity),
        {
            "refresh": "1",
            "to_stage": Stage.NEGOTIATION,
            "next_at": suggested,
            "suggested_at": suggested,
            "schedule": "on",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<form" not in page and 'id="follow-up-suggestion"' in page
    in_three_days = timezone.localdate() + timedelta(days=3)  # FAQ: Negociación, 2-3 days
    assert in_three_days.strftime("%Y-%m-%dT09:00") in page
    assert "cada 3 días en esta etapa (Negociación)" in page
    # Issue 8.2: only the suggestion and the date that followed it are redrawn; the type,
    # the subject and the box the user may be typing in meanwhile are not in the answer.
    assert 'id="id_next_at_group" hx-swap-oob="true"' in page
    for other in ('name="next_subject"', 'name="next_type"', 'name="schedule"'):
        assert other not in page


def test_a_date_typed_by_the_user_survives_a_stage_change(client_as, opportunity):
    own_date = "2030-01-15T16:30"
    suggested = local(timezone.now() + timedelta(days=5))
    response = client_as(opportunity.owner).get(
        url(opportunity),
        {
            "refresh": "1",
            "to_stage": Stage.NEGOTIATION,
            "next_at": own_date,
            "suggested_at": suggested,
        },
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "cada 3 días en esta etapa (Negociación)" in page
    assert 'name="next_at"' not in page  # the date the user typed is left as it is


# Saving ---------------------------------------------------------------------------------------


def test_a_follow_up_logs_the_activity_updates_probability_moves_and_schedules(
    client_as, opportunity
):
    contact = ContactFactory(client=opportunity.client, name="Juan Pérez")
    done_at = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    next_at = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)

    response = client_as(opportunity.owner).post(
        url(opportunity),
        form_data(
            opportunity,
            done_type=ActivityType.MEETING,
            done_contact=contact.pk,
            done_at=local(done_at),
            probability=70,
            to_stage=Stage.NEGOTIATION,
            next_at=local(next_at),
        ),
    )

    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    assert texts(response) == ["Seguimiento registrado. La oportunidad está ahora en Negociación."]
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == (Stage.NEGOTIATION, 70)
    assert opportunity.probability_overridden and opportunity.version == 2
    done = Activity.objects.get(opportunity=opportunity, done_at__isnull=False)
    assert (done.type, done.subject, done.contact, done.done_at) == (
        ActivityType.MEETING,
        "Reunión",
        contact,
        done_at,
    )
    assert done.notes == "El cliente revisó la propuesta con su gerente"
    row = StageChange.objects.get(opportunity=opportunity)
    assert (row.from_stage, row.to_stage, row.changed_by) == (
        Stage.PROPOSAL,
        Stage.NEGOTIATION,
        opportunity.owner,
    )
    planned = Activity.objects.get(opportunity=opportunity, done_at__isnull=True)
    assert (planned.scheduled_at, planned.subject, planned.contact) == (
        next_at,
        "Llamar para conocer la decisión",
        contact,
    )


def test_the_seed_quote_step_registers_quote_sent_moves_to_proposal_and_plans_3_to_5_days(
    client_as, executive
):
    """ "Enviar Cotización", step 10: Registrar actividad "Cotización enviada", Mover a etapa
    "Propuesta", Programar seguimiento en 3-5 días."""
    opportunity = OpportunityFactory(
        client__owner=executive, stage=Stage.QUALIFICATION, probability=25, **BANT
    )
    in_four_days = (timezone.now() + timedelta(days=4)).replace(second=0, microsecond=0)

    response = client_as(executive).post(
        url(opportunity),
        form_data(
            opportunity,
            done_type=ActivityType.QUOTE_SENT,
            done_subject="Cotización enviada",
            notes="Cotización COT-2026-014 enviada por email",
            to_stage=Stage.PROPOSAL,
            next_subject="Seguimiento de la cotización",
            next_at=local(in_four_days),
        ),
    )

    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROPOSAL
    assert opportunity.probability == 50 and not opportunity.probability_overridden
    sent = opportunity.activities.get(done_at__isnull=False)
    assert (sent.type, sent.subject) == (ActivityType.QUOTE_SENT, "Cotización enviada")
    follow_up = opportunity.activities.get(done_at__isnull=True)
    assert follow_up.scheduled_at == in_four_days
    assert opportunity.stage_changes.get().to_stage == Stage.PROPOSAL


def test_performing_the_planned_activity_marks_it_done(client_as, opportunity):
    planned = ActivityFactory(
        opportunity=opportunity,
        type=ActivityType.MEETING,
        subject="Reunión con el comité",
        scheduled_at=timezone.now() - timedelta(hours=3),
    )
    browser = client_as(opportunity.owner)
    form = browser.get(url(opportunity)).context["form"]
    assert form["performed"].value() == planned.pk
    assert form["done_type"].value() == ""  # "Como estaba programada"

    browser.post(url(opportunity), form_data(opportunity, performed=planned.pk, done_type=""))

    planned.refresh_from_db()
    assert planned.done_at is not None
    assert planned.type == ActivityType.MEETING
    pending = opportunity.activities.filter(done_at__isnull=True)
    assert list(pending.values_list("subject", flat=True)) == ["Llamar para conocer la decisión"]


def test_performing_a_planned_activity_keeps_what_the_empty_fields_leave_out(
    client_as, opportunity
):
    """Issue 8.1: an empty Asunto (or notes, or contact) keeps the planned activity's own."""
    contact = ContactFactory(client=opportunity.client, name="Ana Rivas")
    planned = ActivityFactory(
        opportunity=opportunity,
        type=ActivityType.CALL,
        subject="Llamada de descubrimiento técnica",
        notes="Preguntar por el presupuesto del segundo semestre",
        contact=contact,
        scheduled_at=timezone.now() - timedelta(hours=1),
    )

    response = client_as(opportunity.owner).post(
        url(opportunity),
        form_data(opportunity, performed=planned.pk, done_subject="", notes="", done_contact=""),
    )

    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.done_at is not None
    assert planned.subject == "Llamada de descubrimiento técnica"
    assert planned.notes == "Preguntar por el presupuesto del segundo semestre"
    assert planned.contact == contact
    # A new done activity left without subject is still named after its type.
    opportunity.refresh_from_db()
    client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, done_type=ActivityType.MEETING)
    )
    assert opportunity.activities.get(type=ActivityType.MEETING).subject == "Reunión"


def test_notes_typed_when_performing_a_planned_activity_are_added_to_its_own(
    client_as, opportunity
):
    planned = ActivityFactory(
        opportunity=opportunity,
        subject="Llamada de descubrimiento técnica",
        notes="Preguntar por el presupuesto",
        scheduled_at=timezone.now() - timedelta(hours=1),
    )

    client_as(opportunity.owner).post(
        url(opportunity),
        form_data(opportunity, performed=planned.pk, done_subject="Llamada con el gerente"),
    )

    planned.refresh_from_db()
    assert planned.subject == "Llamada con el gerente"
    assert planned.notes == (
        "Preguntar por el presupuesto\n\nEl cliente revisó la propuesta con su gerente"
    )


def test_a_cancelled_activity_is_not_offered_as_performed(client_as, opportunity):
    ActivityFactory(
        opportunity=opportunity,
        subject="Llamada cancelada",
        scheduled_at=timezone.now() - timedelta(hours=1),
        cancelled_at=timezone.now(),
    )
    form = client_as(opportunity.owner).get(url(opportunity)).context["form"]
    assert "performed" not in form.fields


def test_a_call_logged_in_a_follow_up_asks_whether_the_client_answered(client_as, opportunity):
    """Issue 8.7: Dar Seguimiento asks "¿El cliente respondió?" for a contact attempt."""
    browser = client_as(opportunity.owner)
    assert "¿El cliente respondió?" in browser.get(url(opportunity)).content.decode()

    refused = browser.post(url(opportunity), form_data(opportunity, done_answered=None))
    assert refused.status_code == 200
    assert "Indique si el cliente respondió." in refused.content.decode()
    assert not opportunity.activities.exists()

    browser.post(url(opportunity), form_data(opportunity, done_answered="no"))
    assert opportunity.activities.get(done_at__isnull=False).answered is False
    # A meeting is not a contact attempt: whatever the radio says, nothing is recorded.
    opportunity.refresh_from_db()
    meeting = form_data(opportunity, done_type=ActivityType.MEETING, done_answered="no")
    browser.post(url(opportunity), meeting)
    assert opportunity.activities.get(type=ActivityType.MEETING).answered is None


def test_performing_a_planned_call_records_whether_the_client_answered(client_as, opportunity):
    planned = ActivityFactory(opportunity=opportunity, scheduled_at=timezone.now())
    client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, performed=planned.pk, done_answered="no")
    )
    planned.refresh_from_db()
    assert planned.done_at is not None and planned.answered is False


def test_the_nth_unanswered_follow_up_offers_lost_no_response(client_as, opportunity):
    settings = CompanySettings.load()
    settings.no_answer_attempts = 3
    settings.save()
    browser = client_as(opportunity.owner)
    for minutes in (30, 20, 10):
        opportunity.refresh_from_db()
        done_at = local(timezone.now() - timedelta(minutes=minutes))
        data = form_data(opportunity, done_answered="no", done_at=done_at, schedule=None)
        assert browser.post(url(opportunity), data).status_code == 302

    page = browser.get(reverse("crm:opportunity_detail", args=[opportunity.pk])).content.decode()

    assert "3 intentos sin respuesta. ¿Mover la oportunidad a Perdida – Sin respuesta?" in page


def test_leaving_the_box_unticked_schedules_nothing(client_as, opportunity):
    client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, schedule=None, next_subject="")
    )
    assert opportunity.activities.filter(done_at__isnull=True).count() == 0
    assert opportunity.activities.filter(done_at__isnull=False).count() == 1


# Bad input: a Spanish message, everything typed kept -------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"done_at": local(timezone.now() + timedelta(days=1))},
            "Una actividad realizada no puede estar en el futuro.",
        ),
        ({"done_at": ""}, "Indique cuándo se realizó la actividad."),
        ({"probability": "150"}, "La probabilidad va de 0 a 100 %."),
        ({"probability": "-5"}, "La probabilidad va de 0 a 100 %."),
        (
            {"next_at": local(timezone.now() - timedelta(days=1))},
            "La próxima actividad debe estar en el futuro.",
        ),
        ({"next_subject": ""}, "Indique el asunto de la actividad."),
        ({"done_type": ""}, "Elija la actividad que realizó."),
        ({"to_stage": Stage.WON}, "Elija una etapa abierta: para cerrarla use"),
    ],
    ids=[
        "done in the future",
        "done without date",
        "probability over 100",
        "negative probability",
        "next activity in the past",
        "next activity without subject",
        "no activity type",
        "won through the follow-up",
    ],
)
def test_bad_input_is_refused_with_a_spanish_message_keeping_the_input(
    client_as, opportunity, overrides, message
):
    response = client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, **overrides)
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "No se registró el seguimiento. Corrija lo marcado abajo." in page
    assert "El cliente revisó la propuesta con su gerente" in page
    assert opportunity.activities.count() == 0
    opportunity.refresh_from_db()
    assert opportunity.version == 1


def test_a_contact_of_another_client_is_refused(client_as, opportunity):
    stranger = ContactFactory()
    response = client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, done_contact=stranger.pk)
    )
    assert "Elija un contacto de este cliente." in response.content.decode()
    assert opportunity.activities.count() == 0


def test_leaving_prospecting_without_bant_shows_the_rule_and_a_link_to_answer_it(
    client_as, executive
):
    opportunity = OpportunityFactory(client__owner=executive)
    browser = client_as(executive)
    edit = reverse("crm:opportunity_edit", args=[opportunity.pk])
    assert edit in browser.get(url(opportunity)).content.decode()

    response = browser.post(url(opportunity), form_data(opportunity, to_stage=Stage.QUALIFICATION))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Primero califique el lead: responda Budget, Authority, Need y Timeline (BANT)." in page
    assert edit in page
    assert "El cliente revisó la propuesta con su gerente" in page
    assert opportunity.activities.count() == 0 and opportunity.stage_changes.count() == 0


def test_a_closed_opportunity_has_no_follow_up(client_as, executive):
    opportunity = OpportunityFactory(client__owner=executive, stage=Stage.WON, probability=100)
    for response in (
        client_as(executive).get(url(opportunity)),
        client_as(executive).post(url(opportunity), form_data(opportunity)),
    ):
        assert response.status_code == 302
        assert response["Location"] == opportunity.get_absolute_url()
        assert texts(response) == [f"{opportunity.name} ya está cerrada (Ganada)."]
    assert opportunity.activities.count() == 0


# Two people at once ---------------------------------------------------------------------------


@pytest.mark.usefixtures("edit_all")  # two executives editing one record
def test_a_follow_up_on_an_older_version_is_refused_and_keeps_what_was_typed(
    opportunity, other_executive
):
    first, second = opportunity.owner, other_executive
    first_browser, second_browser = Client(), Client()
    first_browser.force_login(first)
    second_browser.force_login(second)
    stale_version = second_browser.get(url(opportunity)).context["form"]["version"].value()
    first_browser.post(url(opportunity), form_data(opportunity, probability=60))

    response = second_browser.post(
        url(opportunity),
        form_data(
            opportunity,
            version=stale_version,
            probability=30,
            notes="Lo que escribió la segunda persona",
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Otra persona modificó esta oportunidad mientras usted escribía" in page
    assert "probabilidad de cierre (%)" in page.lower() and "50 → 60" in page
    assert "Lo que escribió la segunda persona" in page
    assert response.context["form"]["version"].value() == "2"
    opportunity.refresh_from_db()
    assert opportunity.probability == 60 and opportunity.version == 2
    assert opportunity.activities.filter(done_at__isnull=False).count() == 1


# Access and cost -----------------------------------------------------------------------------


def test_an_opportunity_out_of_scope_answers_404(client_as, opportunity, other_executive):
    settings = CompanySettings.load()
    settings.opportunity_visibility = "own"
    settings.save()
    browser = client_as(other_executive)
    assert browser.get(url(opportunity)).status_code == 404
    assert browser.post(url(opportunity), form_data(opportunity)).status_code == 404
    assert opportunity.activities.count() == 0


def test_a_user_without_role_gets_403_and_anonymous_goes_to_sign_in(
    client_as, opportunity, no_role_user
):
    assert client_as(no_role_user).get(url(opportunity)).status_code == 403
    response = client_as(None).get(url(opportunity))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("activities", [1, 50])
def test_the_page_costs_the_same_with_1_or_50_activities(
    client_as, opportunity, activities, django_assert_num_queries
):
    ActivityFactory.create_batch(activities, opportunity=opportunity)
    ActivityFactory.create_batch(
        activities, opportunity=opportunity, scheduled_at=None, done_at=timezone.now()
    )
    browser = client_as(opportunity.owner)
    browser.get(url(opportunity))  # session and permission caches warm
    with django_assert_num_queries(FOLLOW_UP_PAGE_QUERIES):
        assert browser.get(url(opportunity)).status_code == 200


def test_choosing_another_planned_activity_keeps_its_own_type_and_contact(client_as, opportunity):
    """Issue 8.1: the activity picked under "Actividad programada realizada" keeps its type and
    contact when those are left "Como estaba programada", whichever one the page proposed."""
    proposed = ActivityFactory(
        opportunity=opportunity,
        type=ActivityType.CALL,
        subject="Llamada de seguimiento",
        scheduled_at=timezone.now() - timedelta(hours=1),
    )
    ana = ContactFactory(client=opportunity.client, name="Ana Rivas")
    chosen = ActivityFactory(
        opportunity=opportunity,
        type=ActivityType.MEETING,
        subject="Reunión técnica",
        contact=ana,
        scheduled_at=timezone.now() + timedelta(hours=2),
    )
    browser = client_as(opportunity.owner)
    assert browser.get(url(opportunity)).context["form"]["performed"].value() == proposed.pk

    response = browser.post(
        url(opportunity),
        form_data(opportunity, performed=chosen.pk, done_type="", done_answered=None),
    )

    assert response.status_code == 302
    chosen.refresh_from_db()
    assert (chosen.type, chosen.contact, chosen.subject) == (
        ActivityType.MEETING,
        ana,
        "Reunión técnica",
    )
    assert chosen.done_at is not None


def test_as_planned_needs_a_planned_activity(client_as, opportunity):
    ActivityFactory(opportunity=opportunity, scheduled_at=timezone.now() + timedelta(days=1))

    response = client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, performed="", done_type="")
    )

    assert response.status_code == 200
    assert "Elija la actividad que realizó" in response.content.decode()
