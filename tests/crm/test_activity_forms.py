"""A new activity, an activity's page, and the actions on a planned one: mark it done (inline
through htmx, or as a page), reschedule, cancel; the unanswered-attempts proposal; scope."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from crm.models import Activity, ActivityType, Stage
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("crm:activity_create")
HTMX = {"HTTP_HX_REQUEST": "true"}


def local(moment) -> str:
    """A datetime as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def in_hours(hours: float) -> str:
    return local(timezone.now() + timedelta(hours=hours))


def activity_of(user, **kwargs) -> Activity:
    if "opportunity" not in kwargs:
        kwargs["opportunity"] = OpportunityFactory.create(client=ClientFactory.create(owner=user))
    return ActivityFactory.create(owner=user, **kwargs)


def url(name: str, activity: Activity) -> str:
    return reverse(f"crm:{name}", args=[activity.pk])


def errors(response) -> dict:
    return response.context["form"].errors


# "Nueva actividad" ---------------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_client_the_opportunity_and_the_type(client_as, executive):
    client = ClientFactory.create(owner=executive)
    contact = ContactFactory.create(client=client, is_primary=True)
    opportunity = OpportunityFactory.create(client=client, contact=contact)
    user_client = client_as(executive)

    by_client = user_client.get(CREATE, {"client": client.pk, "type": "satisfaction_call"})
    by_opportunity = user_client.get(CREATE, {"opportunity": opportunity.pk})

    form = by_client.context["form"]
    assert form["client"].value() == client.pk
    assert form["type"].value() == "satisfaction_call"
    # planned: the results are asked when it is done
    assert "Nivel de satisfacción" not in by_client.content.decode()
    assert list(form.fields["opportunity"].queryset) == [opportunity]
    form = by_opportunity.context["form"]
    assert (form["client"].value(), form["opportunity"].value()) == (client.pk, opportunity.pk)
    assert form["contact"].value() == contact.pk


def test_the_types_offered_are_all_but_sale_closed(client_as, executive):
    response = client_as(executive).get(CREATE, {"type": ActivityType.SALE_CLOSED})

    offered = [value for value, _label in response.context["form"].fields["type"].choices]
    assert ActivityType.SALE_CLOSED not in offered
    assert {"call", "meeting", "email", "whatsapp", "quote_sent", "task"} <= set(offered)
    assert {"satisfaction_call", "review_meeting", "satisfaction_survey"} <= set(offered)
    assert response.context["form"]["type"].value() != ActivityType.SALE_CLOSED


def test_a_client_the_user_cannot_see_is_not_prefilled_nor_accepted(
    client_as, executive, other_executive
):
    CompanySettings.objects.update_or_create(pk=1, defaults={"client_visibility": Visibility.OWN})
    theirs = ClientFactory.create(owner=other_executive)
    user_client = client_as(executive)

    page = user_client.get(CREATE, {"client": theirs.pk})
    response = user_client.post(
        CREATE,
        {"type": "call", "client": theirs.pk, "status": "planned", "scheduled_at": in_hours(5)},
    )

    assert page.context["form"]["client"].value() is None
    assert "client" in errors(response)
    assert not Activity.objects.exists()


def test_it_schedules_a_planned_activity(client_as, executive):
    client = ClientFactory.create(owner=executive)
    when = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)

    response = client_as(executive).post(
        CREATE,
        {
            "type": "meeting",
            "client": client.pk,
            "subject": "",
            "status": "planned",
            "scheduled_at": local(when),
        },
    )

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("crm:activity_detail", args=[activity.pk])
    assert (activity.subject, activity.owner, activity.scheduled_at) == ("Reunión", executive, when)
    assert activity.done_at is None


def test_an_activity_without_a_client_is_refused_and_keeps_what_was_typed(client_as, executive):
    response = client_as(executive).post(
        CREATE,
        {
            "type": "call",
            "client": "",
            "subject": "Llamar a Carmen",
            "status": "planned",
            "scheduled_at": in_hours(5),
        },
    )

    assert response.status_code == 200
    assert errors(response)["client"] == [
        "Elija el cliente: toda actividad pertenece a un cliente."
    ]
    assert 'value="Llamar a Carmen"' in response.content.decode()
    assert not Activity.objects.exists()


def test_a_planned_activity_in_the_past_is_refused(client_as, executive):
    client = ClientFactory.create(owner=executive)

    response = client_as(executive).post(
        CREATE,
        {"type": "call", "client": client.pk, "status": "planned", "scheduled_at": in_hours(-2)},
    )

    assert errors(response)["scheduled_at"] == ["Elija una fecha y hora en el futuro."]
    assert not Activity.objects.exists()


def test_it_records_an_activity_already_done_with_its_result(client_as, executive):
    client = ClientFactory.create(owner=executive)
    opportunity = OpportunityFactory.create(client=client)
    done = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)

    response = client_as(executive).post(
        CREATE,
        {
            "type": "call",
            "client": client.pk,
            "opportunity": opportunity.pk,
            "subject": "Llamada a Carmen",
            "status": "done",
            "done_at": local(done),
            "answered": "no",
            "notes": "Buzón de voz",
        },
    )

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.done_at, activity.answered, activity.notes) == (done, False, "Buzón de voz")
    assert activity.opportunity == opportunity


def test_a_done_activity_in_the_future_is_refused(client_as, executive):
    client = ClientFactory.create(owner=executive)

    response = client_as(executive).post(
        CREATE,
        {"type": "task", "client": client.pk, "status": "done", "done_at": in_hours(3)},
    )

    assert errors(response)["done_at"] == ["Una actividad realizada no puede estar en el futuro."]
    assert not Activity.objects.exists()


def test_a_done_meeting_records_its_minutes_and_schedules_the_next_follow_up(client_as, executive):
    client = ClientFactory.create(owner=executive)
    next_at = timezone.now().replace(second=0, microsecond=0) + timedelta(days=7)

    client_as(executive).post(
        CREATE,
        {
            "type": "meeting",
            "client": client.pk,
            "subject": "Revisión de alcance",
            "status": "done",
            "done_at": in_hours(-2),
            "participants": "Carmen, José",
            "topics": "Alcance",
            "agreements": "Enviar propuesta",
            "next_steps": "Cotizar",
            "next_follow_up_at": local(next_at),
            "next_follow_up_type": "call",
        },
    )

    meeting = Activity.objects.get(type=ActivityType.MEETING)
    follow_up = Activity.objects.get(type=ActivityType.CALL)
    assert (meeting.participants, meeting.agreements) == ("Carmen, José", "Enviar propuesta")
    assert (follow_up.scheduled_at, follow_up.client) == (next_at, client)
    assert follow_up.subject == "Seguimiento: Revisión de alcance"


def test_an_opportunity_of_another_client_is_refused(client_as, executive):
    client = ClientFactory.create(owner=executive)
    elsewhere = OpportunityFactory.create(client=ClientFactory.create(owner=executive))

    response = client_as(executive).post(
        CREATE,
        {
            "type": "call",
            "client": client.pk,
            "opportunity": elsewhere.pk,
            "status": "planned",
            "scheduled_at": in_hours(4),
        },
    )

    assert "opportunity" in errors(response)
    assert not Activity.objects.exists()


def test_changing_the_type_redraws_the_form_without_saving_or_complaining(client_as, executive):
    client = ClientFactory.create(owner=executive)
    data = {"type": "satisfaction_call", "client": client.pk, "status": "done", "refresh": "1"}

    htmx = client_as(executive).post(CREATE, data, **HTMX)
    plain = client_as(executive).post(CREATE, data)

    content = htmx.content.decode()
    assert "<html" not in content and 'id="activity-form"' in content
    assert "Nivel de satisfacción" in content and "Problemas identificados" in content
    assert "invalid-feedback" not in content
    assert "<html" in plain.content.decode()
    assert not Activity.objects.exists()


def test_changing_the_type_swaps_only_the_type_specific_fields(client_as, executive):
    """Issue 8.2: the redraw for the type holds only the type's own fields, so the
    opportunity, the subject and the rest typed meanwhile are never replaced."""
    client = ClientFactory.create(owner=executive)
    data = {
        "type": "satisfaction_call",
        "client": client.pk,
        "status": "done",
        "subject": "Llamada de satisfacción con el gerente",
        "refresh": "type",
    }

    content = client_as(executive).post(CREATE, data, **HTMX).content.decode()

    assert content.lstrip().startswith('<div id="activity-type-fields">')
    assert "Nivel de satisfacción" in content and "Problemas identificados" in content
    for other in ("<form", 'name="subject"', 'name="opportunity"', 'name="done_at"'):
        assert other not in content
    assert "invalid-feedback" not in content


def test_a_planned_activity_has_no_type_specific_fields_to_swap(client_as, executive):
    data = {"type": "call", "client": ClientFactory.create(owner=executive).pk, "refresh": "type"}
    content = client_as(executive).post(CREATE, data, **HTMX).content.decode()
    assert 'id="activity-type-fields"' in content
    assert "<input" not in content and "<select" not in content and "<form" not in content


def test_changing_the_client_swaps_only_its_opportunities_and_contacts(client_as, executive):
    client = ClientFactory.create(owner=executive)
    opportunity = OpportunityFactory.create(client=client, name="Ampliación de planta")
    data = {"type": "call", "client": client.pk, "subject": "Visita", "refresh": "client"}

    content = client_as(executive).post(CREATE, data, **HTMX).content.decode()

    assert 'id="activity-client-fields"' in content
    assert f'<option value="{opportunity.pk}">Ampliación de planta</option>' in content
    assert 'name="subject"' not in content and 'name="type"' not in content


def test_switching_planned_or_done_swaps_only_the_when_fields(client_as, executive):
    data = {
        "type": "call",
        "client": ClientFactory.create(owner=executive).pk,
        "status": "done",
        "subject": "Visita",
        "refresh": "status",
    }

    content = client_as(executive).post(CREATE, data, **HTMX).content.decode()

    assert content.lstrip().startswith('<div id="activity-when">')
    assert 'name="done_at"' in content and "¿El cliente respondió?" in content
    assert 'name="subject"' not in content and 'name="status"' not in content


# The activity's page ------------------------------------------------------------------------


def test_the_page_shows_everything_recorded(client_as, executive):
    activity = activity_of(
        executive,
        type=ActivityType.REVIEW_MEETING,
        subject="Revisión trimestral",
        scheduled_at=None,
        done_at=timezone.now() - timedelta(hours=2),
        participants="Carmen Rodríguez",
        topics="Entregas",
        agreements="Nuevo calendario",
        next_steps="Enviar minuta",
        satisfaction_level=4,
        client_comments="Conformes",
        problems="",
        upselling="",
        notes="Todo bien",
    )

    content = client_as(executive).get(url("activity_detail", activity)).content.decode()

    for text in (
        "Revisión trimestral",
        "Carmen Rodríguez",
        "Entregas",
        "Nuevo calendario",
        "Enviar minuta",
        "4/5",
        "Conformes",
        "Todo bien",
        activity.client.name,
    ):
        assert text in content
    assert "Marcar como realizada" not in content


def test_a_planned_activity_page_offers_its_actions(client_as, executive):
    activity = activity_of(executive)

    content = client_as(executive).get(url("activity_detail", activity)).content.decode()

    for name in ("activity_complete", "activity_reschedule", "activity_cancel"):
        assert url(name, activity) in content


def test_another_executives_activity_is_404_in_own_mode(client_as, executive, other_executive):
    CompanySettings.objects.update_or_create(pk=1, defaults={"client_visibility": Visibility.OWN})
    theirs = activity_of(other_executive)
    user_client = client_as(executive)

    for name in (
        "activity_detail",
        "activity_complete",
        "activity_reschedule",
        "activity_cancel",
        "activity_complaint",
        "activity_upsell",
    ):
        assert user_client.get(url(name, theirs)).status_code == 404
    assert user_client.post(url("activity_cancel", theirs), {"version": 1}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


def test_a_manager_opens_and_acts_on_an_executives_activity(client_as, manager, executive):
    CompanySettings.objects.update_or_create(pk=1, defaults={"client_visibility": Visibility.OWN})
    activity = activity_of(executive)

    response = client_as(manager).post(url("activity_cancel", activity), {"version": 1})

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.cancelled_at is not None


# "Marcar como realizada" ----------------------------------------------------------------------


def test_mark_done_opens_an_inline_form_in_place_of_the_row(client_as, executive):
    activity = activity_of(executive)

    response = client_as(executive).get(url("activity_complete", activity), **HTMX)

    content = response.content.decode()
    assert "<html" not in content
    assert f'id="activity-{activity.pk}"' in content
    assert f'hx-post="{url("activity_complete", activity)}"' in content
    assert "¿El cliente respondió?" in content  # a call
    assert "Participantes" not in content and "Nivel de satisfacción" not in content


def test_completing_inline_swaps_the_row_for_the_done_one(client_as, executive):
    activity = activity_of(executive)

    response = client_as(executive).post(
        url("activity_complete", activity),
        {
            "version": 1,
            "done_at": in_hours(-0.5),
            "answered": "yes",
            "notes": "Pidió la cotización",
        },
        **HTMX,
    )

    content = response.content.decode()
    activity.refresh_from_db()
    assert response.status_code == 200 and "<html" not in content
    assert f'id="activity-{activity.pk}"' in content and "Realizada" in content
    assert url("activity_complete", activity) not in content
    assert (activity.is_done, activity.answered, activity.notes) == (
        True,
        True,
        "Pidió la cotización",
    )


def test_completing_without_javascript_goes_to_the_activity_page(client_as, executive):
    activity = activity_of(executive)

    page = client_as(executive).get(url("activity_complete", activity))
    response = client_as(executive).post(
        url("activity_complete", activity),
        {"version": 1, "done_at": in_hours(-1), "answered": "no"},
    )

    assert "<html" in page.content.decode()
    assert response.status_code == 302
    assert response.url == url("activity_detail", activity)
    activity.refresh_from_db()
    assert activity.answered is False


def test_a_call_needs_to_say_whether_the_client_answered(client_as, executive):
    activity = activity_of(executive)

    response = client_as(executive).post(
        url("activity_complete", activity), {"version": 1, "done_at": in_hours(-1)}, **HTMX
    )

    assert "Indique si el cliente respondió." in response.content.decode()
    activity.refresh_from_db()
    assert activity.done_at is None


def test_meeting_minutes_schedule_the_next_follow_up(client_as, executive):
    meeting = activity_of(executive, type=ActivityType.MEETING, subject="Reunión de alcance")
    next_at = timezone.now().replace(second=0, microsecond=0) + timedelta(days=5)

    client_as(executive).post(
        url("activity_complete", meeting),
        {
            "version": 1,
            "done_at": in_hours(-1),
            "participants": "Carmen, José",
            "topics": "Alcance y plazos",
            "agreements": "Propuesta el viernes",
            "next_steps": "Preparar propuesta",
            "next_follow_up_at": local(next_at),
            "next_follow_up_type": "quote_sent",
        },
        **HTMX,
    )

    meeting.refresh_from_db()
    follow_up = Activity.objects.exclude(pk=meeting.pk).get()
    assert (meeting.topics, meeting.next_steps) == ("Alcance y plazos", "Preparar propuesta")
    assert (follow_up.type, follow_up.scheduled_at) == (ActivityType.QUOTE_SENT, next_at)
    assert (follow_up.opportunity, follow_up.owner) == (meeting.opportunity, executive)


def test_a_next_follow_up_in_the_past_is_refused(client_as, executive):
    meeting = activity_of(executive, type=ActivityType.MEETING)

    response = client_as(executive).post(
        url("activity_complete", meeting),
        {"version": 1, "done_at": in_hours(-1), "next_follow_up_at": in_hours(-3)},
    )

    assert errors(response)["next_follow_up_at"] == [
        "El próximo seguimiento debe estar en el futuro."
    ]
    meeting.refresh_from_db()
    assert meeting.done_at is None


@pytest.mark.parametrize("level", ["0", "6", "x"])
def test_a_satisfaction_level_outside_1_to_5_is_refused(client_as, executive, level):
    activity = activity_of(executive, type=ActivityType.SATISFACTION_CALL)

    response = client_as(executive).post(
        url("activity_complete", activity),
        {"version": 1, "done_at": in_hours(-1), "satisfaction_level": level},
    )

    assert errors(response)["satisfaction_level"] == ["El nivel de satisfacción va de 1 a 5."]
    activity.refresh_from_db()
    assert activity.done_at is None


def test_a_done_date_in_the_future_is_refused_when_completing(client_as, executive):
    activity = activity_of(executive, type=ActivityType.TASK)

    response = client_as(executive).post(
        url("activity_complete", activity), {"version": 1, "done_at": in_hours(2)}
    )

    assert errors(response)["done_at"] == ["Una actividad realizada no puede estar en el futuro."]


def test_a_stale_version_keeps_what_was_typed_and_saves_nothing(client_as, executive):
    activity = activity_of(executive, type=ActivityType.TASK)
    Activity.objects.filter(pk=activity.pk).update(version=2, notes="Otra persona")

    response = client_as(executive).post(
        url("activity_complete", activity),
        {"version": 1, "done_at": in_hours(-1), "notes": "Lo mío"},
    )

    activity.refresh_from_db()
    assert activity.done_at is None and activity.notes == "Otra persona"
    assert "Otra persona modificó esta actividad" in response.content.decode()
    assert response.context["form"]["version"].value() == "2"
    assert response.context["form"]["notes"].value() == "Lo mío"


def test_an_activity_already_done_cannot_be_completed_again(client_as, executive):
    activity = activity_of(executive, scheduled_at=None, done_at=timezone.now())

    response = client_as(executive).get(url("activity_complete", activity))

    assert response.status_code == 302
    assert response.url == url("activity_detail", activity)


# "N intentos sin respuesta" -------------------------------------------------------------------


def unanswered_calls(executive, opportunity, count: int) -> None:
    for n in range(count):
        activity_of(
            executive,
            opportunity=opportunity,
            scheduled_at=None,
            done_at=timezone.now() - timedelta(days=count - n),
            answered=False,
        )


def test_the_lost_proposal_appears_when_the_unanswered_attempts_reach_the_threshold(
    client_as, executive
):
    CompanySettings.objects.update_or_create(pk=1, defaults={"no_answer_attempts": 3})
    opportunity = OpportunityFactory.create(
        client=ClientFactory.create(owner=executive), stage=Stage.PROPOSAL
    )
    unanswered_calls(executive, opportunity, 1)
    call = activity_of(executive, opportunity=opportunity)

    below = client_as(executive).post(
        url("activity_complete", call),
        {"version": 1, "done_at": in_hours(-0.1), "answered": "no"},
        **HTMX,
    )
    third = activity_of(executive, opportunity=opportunity, type=ActivityType.WHATSAPP)
    at_threshold = client_as(executive).post(
        url("activity_complete", third),
        {"version": 1, "done_at": in_hours(-0.05), "answered": "no"},
        **HTMX,
    )

    assert "sin respuesta" not in below.content.decode()
    content = at_threshold.content.decode()
    assert "3 intentos sin respuesta. ¿Mover la oportunidad a Perdida – Sin respuesta?" in content
    assert f'action="{reverse("crm:opportunity_lose", args=[opportunity.pk])}"' in content
    assert 'name="loss_reason" value="no_response"' in content
    assert f'name="version" value="{opportunity.version}"' in content


def test_the_activity_page_proposes_lost_after_the_attempts(client_as, executive):
    opportunity = OpportunityFactory.create(client=ClientFactory.create(owner=executive))
    unanswered_calls(executive, opportunity, 5)
    last = opportunity.activities.order_by("-done_at").first()

    content = client_as(executive).get(url("activity_detail", last)).content.decode()

    assert "5 intentos sin respuesta." in content


def test_an_answer_resets_the_count_and_a_closed_opportunity_gets_no_proposal(client_as, executive):
    answered = OpportunityFactory.create(client=ClientFactory.create(owner=executive))
    unanswered_calls(executive, answered, 5)
    reply = activity_of(
        executive, opportunity=answered, scheduled_at=None, done_at=timezone.now(), answered=True
    )
    lost = OpportunityFactory.create(client=ClientFactory.create(owner=executive), stage=Stage.LOST)
    unanswered_calls(executive, lost, 5)
    user_client = client_as(executive)

    first = user_client.get(url("activity_detail", reply)).content.decode()
    second = user_client.get(url("activity_detail", lost.activities.first())).content.decode()

    assert "sin respuesta." not in first and "sin respuesta." not in second


def test_the_one_click_proposal_moves_the_opportunity_to_lost_no_response(client_as, executive):
    opportunity = OpportunityFactory.create(client=ClientFactory.create(owner=executive))
    unanswered_calls(executive, opportunity, 5)

    response = client_as(executive).post(
        reverse("crm:opportunity_lose", args=[opportunity.pk]),
        {"loss_reason": "no_response", "version": opportunity.version},
    )

    opportunity.refresh_from_db()
    assert response.status_code == 302
    assert (opportunity.stage, opportunity.loss_reason) == (Stage.LOST, "no_response")


# "Reprogramar" and "Cancelar" ----------------------------------------------------------------


def test_rescheduling_moves_the_activity_and_swaps_the_row(client_as, executive):
    activity = activity_of(executive)
    when = timezone.now().replace(second=0, microsecond=0) + timedelta(days=9)

    form = client_as(executive).get(url("activity_reschedule", activity), **HTMX)
    response = client_as(executive).post(
        url("activity_reschedule", activity), {"version": 1, "scheduled_at": local(when)}, **HTMX
    )

    assert 'type="datetime-local"' in form.content.decode()
    activity.refresh_from_db()
    assert activity.scheduled_at == when
    assert f'id="activity-{activity.pk}"' in response.content.decode()


def test_rescheduling_to_the_past_is_refused(client_as, executive):
    activity = activity_of(executive)
    before = activity.scheduled_at

    response = client_as(executive).post(
        url("activity_reschedule", activity), {"version": 1, "scheduled_at": in_hours(-1)}
    )

    assert errors(response)["scheduled_at"] == ["Elija una fecha y hora en el futuro."]
    activity.refresh_from_db()
    assert activity.scheduled_at == before


def test_rescheduling_without_javascript_goes_to_the_activity_page(client_as, executive):
    activity = activity_of(executive)

    response = client_as(executive).post(
        url("activity_reschedule", activity), {"version": 1, "scheduled_at": in_hours(30)}
    )

    assert response.status_code == 302 and response.url == url("activity_detail", activity)


def test_cancelling_asks_for_confirmation_first(client_as, executive):
    activity = activity_of(executive)

    page = client_as(executive).get(url("activity_cancel", activity))
    inline = client_as(executive).get(url("activity_cancel", activity), **HTMX)

    assert "¿Cancelar" in page.content.decode() and "Sí, cancelarla" in page.content.decode()
    assert "<html" not in inline.content.decode()
    activity.refresh_from_db()
    assert activity.cancelled_at is None


def test_cancelling_marks_the_activity_cancelled(client_as, executive):
    activity = activity_of(executive)
    other = activity_of(executive)

    plain = client_as(executive).post(url("activity_cancel", activity), {"version": 1})
    inline = client_as(executive).post(url("activity_cancel", other), {"version": 1}, **HTMX)

    assert plain.status_code == 302 and plain.url == reverse("crm:activity_list")
    assert "Cancelada" in inline.content.decode()
    assert Activity.objects.filter(cancelled_at__isnull=False).count() == 2


def test_cancel_only_accepts_get_and_post(client_as, executive):
    activity = activity_of(executive)

    assert client_as(executive).delete(url("activity_cancel", activity)).status_code == 405


def test_switching_to_already_done_fills_in_now_as_its_date(client_as, executive):
    client = ClientFactory.create(owner=executive)

    response = client_as(executive).post(
        CREATE,
        {"type": "call", "client": client.pk, "status": "done", "refresh": "1"},
        **HTMX,
    )

    done_at = response.context["form"]["done_at"].value()
    assert done_at.startswith(timezone.localdate().isoformat())


def test_a_done_activity_page_offers_to_schedule_the_next_one(client_as, executive):
    activity = activity_of(executive, scheduled_at=None, done_at=timezone.now())

    content = client_as(executive).get(url("activity_detail", activity)).content.decode()

    next_url = f"{CREATE}?client={activity.client_id}&amp;opportunity={activity.opportunity_id}"
    assert next_url in content and "Programar próxima actividad" in content
