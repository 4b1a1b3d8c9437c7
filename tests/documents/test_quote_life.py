"""Quote life: Aceptada offers Cerrar Venta with its total, Rechazada, supersession, and the
daily expiry with its notice N days before."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Notification
from crm.models import Client, Opportunity, Quote, QuoteStatus, Stage
from documents.quotes import QuoteInput, quote_create
from tests.documents.files import make_quote
from tests.factories import ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(
        client=ClientFactory(owner=executive), owner=executive, stage=Stage.PROPOSAL
    )


def test_an_accepted_quote_offers_cerrar_venta_with_its_total_prefilled(
    client_as, executive, opportunity
):
    document = make_quote(executive, opportunity=opportunity, total="48750.25")
    http = client_as(executive)
    response = http.post(
        reverse("documents:quote_answer", args=[document.pk]), {"status": "accepted"}
    )
    assert response.url == reverse("crm:opportunity_win", args=[opportunity.pk])
    form = http.get(response.url).context["form"]
    assert form.initial["actual_value"] == Decimal("48750.25")
    page = http.get(document.get_absolute_url()).content.decode()
    assert reverse("crm:opportunity_win", args=[opportunity.pk]) in page


def test_a_rejected_quote_can_no_longer_be_sent(client_as, executive, opportunity):
    document = make_quote(executive, opportunity=opportunity)
    http = client_as(executive)
    http.post(reverse("documents:quote_answer", args=[document.pk]), {"status": "rejected"})
    assert Quote.objects.get().status == QuoteStatus.REJECTED
    assert http.get(reverse("documents:quote_send", args=[document.pk])).status_code == 403


def test_a_new_quote_can_supersede_the_previous_one(executive, opportunity):
    first = make_quote(executive, opportunity=opportunity, number="COT-1")
    second = make_quote(executive, opportunity=opportunity, number="COT-2", supersede_previous=True)
    first.quote.refresh_from_db()
    assert first.quote.superseded_by == second.quote and not first.quote.is_pending


def test_the_validity_date_cannot_be_in_the_past(executive, opportunity):
    document = make_quote(executive, opportunity=opportunity, number="COT-1")
    with pytest.raises(ValidationError) as error:
        quote_create(
            user=executive,
            document=document,
            data=QuoteInput("COT-2", timezone.localdate() - timedelta(days=1), Decimal(1)),
        )
    assert "valid_until" in error.value.message_dict


def test_the_daily_run_expires_past_quotes_and_notifies_the_owner_once(executive, opportunity):
    settings = CompanySettings.load()
    settings.quote_expiry_notice_days = 3
    settings.save()
    past = make_quote(executive, opportunity=opportunity, number="COT-OLD", days=10)
    Quote.objects.filter(pk=past.quote.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    make_quote(executive, opportunity=opportunity, number="COT-SOON", days=2)
    make_quote(executive, opportunity=opportunity, number="COT-LATER", days=20)
    call_command("expire_quotes")
    assert Quote.objects.get(number="COT-OLD").status == QuoteStatus.EXPIRED
    [notice] = Notification.objects.filter(recipient=executive)
    assert "COT-SOON" in notice.subject
    call_command("expire_quotes")
    assert Notification.objects.filter(recipient=executive).count() == 1


def test_the_opportunity_page_shows_the_quotes_about_to_expire(client_as, executive, opportunity):
    make_quote(executive, opportunity=opportunity, number="COT-SOON", days=1)
    make_quote(executive, opportunity=opportunity, number="COT-LATER", days=30)
    http = client_as(executive)
    for url in (
        reverse("crm:opportunity_detail", args=[opportunity.pk]),
        reverse("documents:opportunity_tab", args=[opportunity.pk]),
    ):
        html = http.get(url).content.decode()
        assert "Cotizaciones por vencer" in html
        assert "COT-SOON" in html.split('data-testid="expiring-quotes"')[1].split("</div>")[0]
        assert "COT-LATER" not in html.split('data-testid="expiring-quotes"')[1].split("</div>")[0]


def test_the_dashboard_shows_the_executives_quotes_about_to_expire(
    client_as, executive, other_executive, opportunity
):
    make_quote(executive, opportunity=opportunity, number="COT-MIA", days=1)
    theirs = OpportunityFactory(client=ClientFactory(owner=other_executive), owner=other_executive)
    make_quote(other_executive, opportunity=theirs, number="COT-AJENA", days=1)
    html = client_as(executive).get(reverse("dashboard:home")).content.decode()
    section = html.split('data-testid="dashboard-expiring-quotes"')[1].split("</section>")[0]
    assert "COT-MIA" in section and "COT-AJENA" not in section


def test_the_dashboard_leaves_out_the_quotes_of_what_is_in_the_recycle_bin(
    client_as, manager, executive, opportunity
):
    make_quote(executive, opportunity=opportunity, number="COT-VIVA", days=1)
    in_bin = OpportunityFactory(client=opportunity.client, owner=executive)
    make_quote(executive, opportunity=in_bin, number="COT-PAPELERA", days=1)
    Opportunity.all_objects.filter(pk=in_bin.pk).update(deleted_at=timezone.now())
    gone_client = ClientFactory(owner=executive)
    of_gone_client = OpportunityFactory(client=gone_client, owner=executive)
    make_quote(executive, opportunity=of_gone_client, number="COT-CLIENTE-BORRADO", days=1)
    Client.all_objects.filter(pk=gone_client.pk).update(deleted_at=timezone.now())

    for user in (executive, manager):
        html = client_as(user).get(reverse("dashboard:home")).content.decode()
        section = html.split('data-testid="dashboard-expiring-quotes"')[1].split("</section>")[0]
        assert "COT-VIVA" in section
        assert "COT-PAPELERA" not in section and "COT-CLIENTE-BORRADO" not in section
