"""The opportunity form: "Nueva Oportunidad" (create), edit, and the contacts of a client."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Notification
from crm.models import Activity, ActivityType, Opportunity, ProductService, Stage, StageChange
from crm.opportunities.services import opportunity_share, opportunity_update
from tests.factories import ClientFactory, ContactFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("crm:opportunity_create")
CONTACTS_URL = reverse("crm:opportunity_client_contacts")
BANT_ANSWERED = {
    "bant_budget": "true",
    "bant_budget_note": "Aprobado en el presupuesto 2027",
    "bant_authority": "true",
    "bant_need": "true",
    "bant_timeline": "false",
    "bant_timeline_note": "Compra el próximo año",
}


def set_visibility(**values) -> None:
    settings = CompanySettings.load()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def local_datetime(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def form_data(client, **overrides) -> dict:
    data = {
        "name": "Mantenimiento de planta 2027",
        "client": client.pk,
        "contact": "",
        "estimated_value": "25000.00",
        "expected_close_date": in_days(45),
        "probability": "",
        "stage": Stage.PROSPECTING,
        "bant_budget": "unknown",
        "bant_budget_note": "",
        "bant_authority": "unknown",
        "bant_authority_note": "",
        "bant_need": "unknown",
        "bant_need_note": "",
        "bant_timeline": "unknown",
        "bant_timeline_note": "",
        "customer_needs": "",
        "competition": "",
        "decision_factors": "",
        "owner": client.owner.pk,
        "activity_type": "",
        "activity_at": "",
        "activity_subject": "",
    }
    data.update(overrides)
    return data


def edit_data(opportunity, **overrides) -> dict:
    data = form_data(
        opportunity.client,
        name=opportunity.name,
        estimated_value=str(opportunity.estimated_value),
        expected_close_date=opportunity.expected_close_date.isoformat(),
        stage=opportunity.stage,
        owner=opportunity.owner_id,
        version=opportunity.version,
    )
    data.update(overrides)
    return data


# Access -------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302 and "/login" in response.url


def test_users_without_a_commercial_role_are_refused(client_as, no_role_user):
    assert client_as(no_role_user).get(CREATE_URL).status_code == 403


# The empty form -----------------------------------------------------------------------------


def test_it_shows_the_seed_fields_in_order_with_the_company_currency(client_as, executive):
    ClientFactory(owner=executive)
    page = client_as(executive).get(CREATE_URL).content.decode()
    form = page[page.index('class="opportunity-form"') :]
    labels = [
        "Nombre de la oportunidad",
        "Cliente",
        "Contacto principal",
        "Valor estimado",
        "Fecha estimada de cierre",
        "Probabilidad de cierre (%)",
        "Etapa",
        "Budget: ¿Tiene presupuesto?",
        "Authority: ¿Es el decisor?",
        "Need: ¿Tiene una necesidad real?",
        "Timeline: ¿Cuándo planea comprar?",
        "Ingresar detalles",
        "Productos/servicios de interés",
        "Necesidades del cliente",
        "Competencia",
        "Factores de decisión",
        "Responsable",
        "Programar próxima actividad",
        "Guardar",
    ]
    positions = [form.index(label) for label in labels]
    assert positions == sorted(positions)
    assert "Por defecto: 10 % para Prospección" in page
    assert "Por defecto: 90 % para Cierre" in page
    assert "¿Cómo califico un lead?" in page
    assert "Prospección → Calificación: Cuando confirmas que es un lead calificado" in page
    # The amount's currency, USD unless the user picks VES (crm.services.currency).
    assert '<option value="USD" selected>' in page and '<option value="VES">' in page
    for kind in ("Llamada", "Reunión", "Email", "WhatsApp", "Envío de cotización", "Tarea"):
        assert f">{kind}</option>" in page


def test_the_owner_defaults_to_the_current_user(client_as, executive):
    response = client_as(executive).get(CREATE_URL)
    assert response.context["form"]["owner"].value() == executive.pk


def test_only_the_five_open_stages_are_offered(client_as, executive):
    form = client_as(executive).get(CREATE_URL).context["form"]
    assert [value for value, _label in form.fields["stage"].choices] == [
        Stage.PROSPECTING,
        Stage.QUALIFICATION,
        Stage.PROPOSAL,
        Stage.NEGOTIATION,
        Stage.CLOSING,
    ]


def test_only_active_products_are_offered(client_as, executive):
    ProductService.objects.create(name="Producto retirado", is_active=False)
    page = client_as(executive).get(CREATE_URL).content.decode()
    assert "Consultoría" in page and "Producto retirado" not in page


def test_client_param_prefills_the_client_and_its_primary_contact(client_as, executive):
    client = ClientFactory(owner=executive)
    ContactFactory(client=client, name="Ana Suárez")
    primary = ContactFactory(client=client, name="Luis Rivas", is_primary=True)
    ContactFactory(name="De otro cliente")
    response = client_as(executive).get(CREATE_URL, {"client": client.pk})
    form = response.context["form"]
    assert form["client"].value() == client.pk
    assert form["contact"].value() == primary.pk
    page = response.content.decode()
    assert "Ana Suárez" in page and "De otro cliente" not in page


def test_a_client_param_out_of_scope_is_ignored(client_as, executive):
    set_visibility(client_visibility="own")
    stranger = ClientFactory()
    response = client_as(executive).get(CREATE_URL, {"client": stranger.pk})
    assert response.status_code == 200
    assert response.context["form"]["client"].value() is None
    assert stranger.name not in response.content.decode()


def test_in_own_mode_the_client_select_lists_only_the_users_clients(client_as, executive):
    set_visibility(client_visibility="own")
    mine = ClientFactory(owner=executive, name="Cliente propio")
    ClientFactory(name="Cliente ajeno")
    form = client_as(executive).get(CREATE_URL).context["form"]
    assert list(form.fields["client"].queryset) == [mine]


# Creating -----------------------------------------------------------------------------------


def test_it_creates_an_opportunity_with_products_bant_and_next_activity(client_as, executive):
    client = ClientFactory(owner=executive)
    contact = ContactFactory(client=client, is_primary=True)
    products = list(ProductService.objects.filter(name__in=["Consultoría", "Obras civiles"]))
    when = timezone.localtime() + timedelta(days=2)
    data = form_data(
        client,
        contact=contact.pk,
        stage=Stage.QUALIFICATION,
        products=[p.pk for p in products],
        customer_needs="Reducir paradas de planta",
        competition="Servicios del Lago",
        decision_factors="Precio y tiempo de respuesta",
        activity_type=ActivityType.MEETING,
        activity_at=when.strftime("%Y-%m-%dT%H:%M"),
        activity_subject="Reunión de descubrimiento",
        **BANT_ANSWERED,
    )

    response = client_as(executive).post(CREATE_URL, data)

    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert opportunity.stage == Stage.QUALIFICATION
    assert opportunity.probability == 25 and not opportunity.probability_overridden
    assert opportunity.estimated_value == Decimal("25000.00")
    assert opportunity.contact == contact and opportunity.owner == executive
    assert set(opportunity.products.all()) == set(products)
    assert opportunity.bant_answered and opportunity.bant_timeline is False
    assert opportunity.bant_timeline_note == "Compra el próximo año"
    assert opportunity.decision_factors == "Precio y tiempo de respuesta"
    row = StageChange.objects.get(opportunity=opportunity)
    assert (row.from_stage, row.to_stage, row.changed_by) == ("", Stage.QUALIFICATION, executive)
    activity = Activity.objects.get(opportunity=opportunity)
    assert activity.type == ActivityType.MEETING and activity.subject == "Reunión de descubrimiento"
    assert activity.done_at is None and activity.contact == contact
    assert activity.scheduled_at == when.replace(second=0, microsecond=0)


def test_it_takes_the_estimated_value_written_the_venezuelan_way(client_as, executive):
    client = ClientFactory(owner=executive)

    response = client_as(executive).post(
        CREATE_URL, form_data(client, estimated_value="1.500.000,50")
    )

    assert response.status_code == 302
    assert Opportunity.objects.get().estimated_value == Decimal("1500000.50")


def test_the_estimated_value_is_a_decimal_text_box_showing_the_amount_formatted(
    client_as, executive
):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive), estimated_value=Decimal("1500000.50")
    )

    page = client_as(executive).get(reverse("crm:opportunity_edit", args=[opportunity.pk]))

    html = str(page.context["form"]["estimated_value"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'value="1.500.000,50"' in html


def test_a_probability_typed_by_hand_is_kept_as_an_override(client_as, executive):
    client = ClientFactory(owner=executive)
    client_as(executive).post(CREATE_URL, form_data(client, probability="40"))
    opportunity = Opportunity.objects.get()
    assert opportunity.probability == 40 and opportunity.probability_overridden


def test_the_activity_subject_defaults_to_its_type(client_as, executive):
    client = ClientFactory(owner=executive)
    data = form_data(
        client, activity_type=ActivityType.CALL, activity_at=local_datetime(timedelta(days=1))
    )
    client_as(executive).post(CREATE_URL, data)
    assert Activity.objects.get().subject == "Llamada"


def test_saving_without_next_activity_warns(client_as, executive):
    client = ClientFactory(owner=executive)
    response = client_as(executive).post(CREATE_URL, form_data(client))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "No tiene próxima actividad: programe una pronto." in texts
    assert not Activity.objects.exists()


def test_assigning_it_to_someone_else_in_own_mode_goes_back_to_the_list(
    client_as, executive, other_executive
):
    set_visibility(opportunity_visibility="own")
    client = ClientFactory(owner=executive)
    response = client_as(executive).post(CREATE_URL, form_data(client, owner=other_executive.pk))
    assert response.url == reverse("crm:opportunity_list")
    assert Opportunity.objects.get().owner == other_executive


def _bad_inputs():
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    return [
        pytest.param(
            {"probability": "101"},
            "probability",
            "La probabilidad va de 0 a 100 %.",
            'value="101"',
            id="probability-101",
        ),
        pytest.param(
            {"probability": "-1"},
            "probability",
            "La probabilidad va de 0 a 100 %.",
            'value="-1"',
            id="probability-minus-1",
        ),
        pytest.param(
            {"expected_close_date": yesterday},
            "expected_close_date",
            "La fecha estimada de cierre no puede estar en el pasado.",
            f'value="{yesterday}"',
            id="close-date-in-the-past",
        ),
        pytest.param(
            {"estimated_value": "-5"},
            "estimated_value",
            "El valor estimado no puede ser negativo.",
            'value="-5"',
            id="negative-value",
        ),
        pytest.param(
            {"estimated_value": "1,500,000"},
            "estimated_value",
            "Escriba un monto como 1.500.000,50.",
            'value="1,500,000"',
            id="amount-in-us-format",
        ),
        pytest.param(
            {"stage": Stage.QUALIFICATION},
            "stage",
            "Primero califique el lead: responda Budget, Authority, Need y Timeline (BANT).",
            f'<option value="{Stage.QUALIFICATION}" selected>',
            id="qualification-without-bant",
        ),
        pytest.param(
            {
                "activity_type": ActivityType.CALL,
                "activity_at": local_datetime(-timedelta(hours=2)),
                "activity_subject": "Llamar al gerente",
            },
            "activity_at",
            "La próxima actividad debe estar en el futuro.",
            'value="Llamar al gerente"',
            id="next-activity-in-the-past",
        ),
        pytest.param(
            {"activity_subject": "Llamar al gerente"},
            "activity_type",
            "Elija el tipo de la próxima actividad.",
            'value="Llamar al gerente"',
            id="next-activity-without-type",
        ),
    ]


@pytest.mark.parametrize(("overrides", "field", "message", "kept"), _bad_inputs())
def test_bad_input_is_refused_in_spanish_and_keeps_what_was_typed(
    client_as, executive, overrides, field, message, kept
):
    client = ClientFactory(owner=executive)
    data = form_data(client, customer_needs="Reducir paradas de planta", **overrides)
    response = client_as(executive).post(CREATE_URL, data)

    assert response.status_code == 200
    assert not Opportunity.objects.exists()
    assert message in response.context["form"].errors[field]
    page = response.content.decode()
    assert message in page
    assert "La oportunidad no se guardó" in page
    assert kept in page
    assert 'value="Mantenimiento de planta 2027"' in page
    assert "Reducir paradas de planta</textarea>" in page


def test_the_bant_questions_left_unanswered_are_marked(client_as, executive):
    client = ClientFactory(owner=executive)
    data = form_data(client, stage=Stage.PROPOSAL, bant_budget="true", bant_need="false")
    errors = client_as(executive).post(CREATE_URL, data).context["form"].errors
    assert set(errors) == {"stage", "bant_authority", "bant_timeline"}


def test_a_contact_of_another_client_is_refused(client_as, executive):
    client = ClientFactory(owner=executive)
    stranger = ContactFactory(name="Contacto de otra empresa")
    response = client_as(executive).post(CREATE_URL, form_data(client, contact=stranger.pk))
    assert response.status_code == 200 and not Opportunity.objects.exists()
    message = "Elija un contacto del cliente seleccionado."
    assert response.context["form"].errors["contact"] == [message]
    assert message in response.content.decode()


def test_a_client_outside_the_users_scope_is_refused_in_own_mode(client_as, executive):
    set_visibility(client_visibility="own")
    stranger = ClientFactory()
    response = client_as(executive).post(CREATE_URL, form_data(stranger, owner=executive.pk))
    assert response.status_code == 200 and not Opportunity.objects.exists()
    message = "Elija uno de los clientes que puede ver."
    assert response.context["form"].errors["client"] == [message]
    assert message in response.content.decode()


def test_without_javascript_the_contacts_of_the_chosen_client_can_be_listed(client_as, executive):
    client = ClientFactory(owner=executive)
    ContactFactory(client=client, name="Ana Suárez")
    data = form_data(client, name="Borrador", refresh_contacts="1")
    response = client_as(executive).post(CREATE_URL, data)
    page = response.content.decode()
    assert response.status_code == 200 and not Opportunity.objects.exists()
    assert "Ana Suárez" in page and 'value="Borrador"' in page
    assert "La oportunidad no se guardó" not in page


def test_the_form_offers_a_no_javascript_button_for_the_contacts(client_as, executive):
    page = client_as(executive).get(CREATE_URL).content.decode()
    assert "<noscript>" in page and 'name="refresh_contacts"' in page
    assert f'hx-get="{CONTACTS_URL}"' in page


# The contacts of a client (htmx) ------------------------------------------------------------


def test_contacts_endpoint_returns_only_that_clients_contacts(client_as, executive):
    client = ClientFactory(owner=executive)
    ContactFactory(client=client, name="Ana Suárez", position="Compras")
    # A pk above 999: option values must not get a thousands separator ("1.536").
    ContactFactory(id=987654, client=client, name="Luis Rivas", is_primary=True)
    ContactFactory(name="De otro cliente")
    response = client_as(executive).get(CONTACTS_URL, {"client": client.pk}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<option") == 3  # the empty choice and the two contacts
    assert "Ana Suárez (Compras)" in page and "De otro cliente" not in page
    assert '<option value="987654" selected>' in page


def test_contacts_endpoint_answers_404_for_a_client_out_of_scope(client_as, executive):
    set_visibility(client_visibility="own")
    stranger = ClientFactory()
    ContactFactory(client=stranger)
    response = client_as(executive).get(CONTACTS_URL, {"client": stranger.pk})
    assert response.status_code == 404


def test_contacts_endpoint_without_a_client_gives_only_the_empty_choice(client_as, executive):
    response = client_as(executive).get(CONTACTS_URL, {"client": ""})
    assert response.status_code == 200 and response.content.decode().count("<option") == 1


def test_contacts_endpoint_answers_404_for_a_deleted_client(client_as, executive):
    client = ClientFactory(owner=executive, deleted_at=timezone.now())
    assert client_as(executive).get(CONTACTS_URL, {"client": client.pk}).status_code == 404


# Editing ------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_saved_values(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive), name="Planta Norte")
    products = list(ProductService.objects.all()[:2])
    opportunity.products.set(products)
    response = client_as(executive).get(reverse("crm:opportunity_edit", args=[opportunity.pk]))
    form = response.context["form"]
    assert form["name"].value() == "Planta Norte"
    assert form["version"].value() == 1
    assert sorted(form["products"].value()) == sorted(p.pk for p in products)
    assert form["probability"].value() is None  # the stage's default, not set by hand


def test_editing_saves_and_records_the_change(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    response = client_as(executive).post(url, edit_data(opportunity, estimated_value="12000"))
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.estimated_value == Decimal("12000") and opportunity.version == 2


def test_editing_with_a_stale_version_is_refused_and_keeps_the_input(client_as, executive, manager):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    opportunity_update(
        user=manager,
        opportunity_id=opportunity.pk,
        expected_version=1,
        data={"estimated_value": Decimal("30000")},
    )
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    data = edit_data(opportunity, name="Nombre nuevo", estimated_value="11111", version=1)

    response = client_as(executive).post(url, data)

    assert response.status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.estimated_value == Decimal("30000") and opportunity.name != "Nombre nuevo"
    page = response.content.decode()
    assert "Otra persona guardó esta oportunidad mientras usted la editaba" in page
    assert [c.field for c in response.context["conflict"]] == ["estimated_value"]
    assert 'value="Nombre nuevo"' in page and 'value="11.111,00"' in page
    assert response.context["form"]["version"].value() == "2"
    # Saving again now deliberately replaces the other change.
    again = client_as(executive).post(url, {**data, "version": 2})
    assert again.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.estimated_value == Decimal("11111")


def test_the_stale_edit_table_shows_values_as_the_screens_do(client_as, executive, manager):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive), estimated_value=Decimal("27500.00")
    )
    close_date = opportunity.expected_close_date
    opportunity_update(
        user=manager,
        opportunity_id=opportunity.pk,
        expected_version=1,
        data={
            "estimated_value": Decimal("28000"),
            "expected_close_date": close_date + timedelta(days=1),
            "bant_need": True,
        },
    )
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    data = edit_data(opportunity, estimated_value="27.500,00", version=1)

    page = client_as(executive).post(url, data).content.decode()

    table = page[page.index("conflict-row") :]
    assert "27.500,00 → 28.000,00" in table
    later = close_date + timedelta(days=1)
    assert f"{close_date:%d/%m/%Y} → {later:%d/%m/%Y}" in table
    assert "— → Sí" in table  # a BANT answer that was empty
    assert "27500.00" not in table


def test_an_executive_cannot_reassign_the_owner_the_field_is_ignored(
    client_as, executive, other_executive
):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    form = client_as(executive).get(url).context["form"]
    assert form.fields["owner"].disabled

    response = client_as(executive).post(
        url, edit_data(opportunity, owner=other_executive.pk, name="Renombrada")
    )

    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.owner == executive and opportunity.name == "Renombrada"


def test_a_manager_reassigns_the_owner_and_the_new_owner_is_notified(
    client_as, executive, other_executive, manager
):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    assert not client_as(manager).get(url).context["form"].fields["owner"].disabled
    response = client_as(manager).post(url, edit_data(opportunity, owner=other_executive.pk))
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.owner == other_executive
    assert Notification.objects.filter(recipient=other_executive).exists()


def test_changing_the_stage_in_the_form_moves_it_through_the_stage_service(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    data = edit_data(opportunity, stage=Stage.QUALIFICATION, **BANT_ANSWERED)
    assert client_as(executive).post(url, data).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.QUALIFICATION and opportunity.probability == 25
    row = opportunity.stage_changes.get()
    assert (row.from_stage, row.to_stage) == (Stage.PROSPECTING, Stage.QUALIFICATION)


def test_leaving_prospecting_in_the_edit_form_requires_bant_and_saves_nothing(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    data = edit_data(opportunity, stage=Stage.QUALIFICATION, name="No se guarda")
    response = client_as(executive).post(url, data)
    assert response.status_code == 200
    assert "Primero califique el lead" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROSPECTING and opportunity.name != "No se guarda"


def test_a_past_close_date_already_saved_does_not_block_other_edits(client_as, executive):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive),
        expected_close_date=timezone.localdate() - timedelta(days=3),
    )
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    response = client_as(executive).post(url, edit_data(opportunity, name="Sigue abierta"))
    assert response.status_code == 302


def test_the_edit_form_schedules_a_next_activity(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    data = edit_data(
        opportunity,
        activity_type=ActivityType.QUOTE_SENT,
        activity_at=local_datetime(timedelta(days=4)),
    )
    assert client_as(executive).post(url, data).status_code == 302
    assert opportunity.activities.get().subject == "Envío de cotización"


def test_a_closed_opportunity_keeps_its_stage_and_probability_out_of_the_form(client_as, executive):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive), stage=Stage.LOST, probability=0
    )
    form = (
        client_as(executive)
        .get(reverse("crm:opportunity_edit", args=[opportunity.pk]))
        .context["form"]
    )
    assert "stage" not in form.fields and "probability" not in form.fields


def test_a_colleague_it_was_shared_with_edits_it_keeping_the_clients_contact(
    client_as, executive, other_executive
):
    set_visibility(client_visibility="own", opportunity_visibility="own")
    client = ClientFactory(owner=executive)
    contact = ContactFactory(client=client, is_primary=True)
    opportunity = OpportunityFactory(client=client, contact=contact)
    opportunity_share(
        user=executive, opportunity=opportunity, colleague=other_executive, level="edit"
    )
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    data = edit_data(opportunity, contact=contact.pk, decision_factors="Plazo de entrega")
    assert client_as(other_executive).post(url, data).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.contact == contact and opportunity.decision_factors == "Plazo de entrega"


def test_editing_an_opportunity_out_of_scope_answers_404(client_as, executive):
    set_visibility(opportunity_visibility="own")
    opportunity = OpportunityFactory()
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    assert client_as(executive).get(url).status_code == 404


# Query counts -------------------------------------------------------------------------------


def _queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_create_form_costs_the_same_queries_for_1_and_50_clients_and_products(
    client_as, executive, django_assert_num_queries
):
    http = client_as(executive)
    client = ClientFactory(owner=executive)
    ContactFactory(client=client, is_primary=True)
    url = f"{CREATE_URL}?client={client.pk}"
    http.get(url)  # settings row, content types: created on the first request
    one = _queries(http, url)
    for n in range(49):
        ClientFactory(owner=executive)
        ProductService.objects.create(name=f"Producto {n}")
        ContactFactory(client=client)
    with django_assert_num_queries(one):
        http.get(url)


def test_the_edit_form_costs_the_same_queries_for_1_and_50_products(
    client_as, executive, django_assert_num_queries
):
    http = client_as(executive)
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    opportunity.products.set(ProductService.objects.all()[:1])
    url = reverse("crm:opportunity_edit", args=[opportunity.pk])
    http.get(url)
    one = _queries(http, url)
    for n in range(49):
        opportunity.products.add(ProductService.objects.create(name=f"Producto {n}"))
        ClientFactory(owner=executive)
    with django_assert_num_queries(one):
        http.get(url)
