"""Seed "Enviar Cotización" steps 9-11: the email with the file, the activity, the move to
Propuesta and the follow-up, all or nothing."""

import email
import socket
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from crm.models import Activity, ActivityType, QuoteEmail, Stage, StageChange
from tests.documents.files import PDF, make_quote
from tests.factories import ClientFactory, ContactFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

BANT = {"bant_budget": True, "bant_authority": True, "bant_need": True, "bant_timeline": True}


@pytest.fixture
def deal(executive):
    client = ClientFactory(owner=executive)
    primary = ContactFactory(client=client, is_primary=True, email="compras@cliente.com.ve")
    ContactFactory(client=client, is_primary=False, email="")
    opportunity = OpportunityFactory(
        client=client, owner=executive, stage=Stage.QUALIFICATION, **BANT
    )
    document = make_quote(executive, opportunity=opportunity, number="COT-2026-014")
    return document, opportunity, primary


def send_url(document):
    return reverse("documents:quote_send", args=[document.pk])


def form_data(opportunity, contact, **extra):
    follow_up = timezone.localtime() + timedelta(days=4)
    return {
        "contact": contact.pk,
        "cc": "gerente@cliente.com.ve",
        "subject": "Cotización COT-2026-014",
        "body": "Adjuntamos la cotización.",
        "follow_up_at": follow_up.strftime("%Y-%m-%dT%H:%M"),
        "opportunity_version": opportunity.version,
        **extra,
    }


def test_the_page_preselects_the_primary_contact_and_proposes_a_follow_up_in_3_to_5_days(
    client_as, executive, deal
):
    document, _opportunity, primary = deal
    form = client_as(executive).get(send_url(document)).context["form"]
    assert form.initial["contact"] == primary.pk
    assert list(form.fields["contact"].queryset) == [primary]  # only contacts with an email
    days = (form.initial["follow_up_at"].date() - timezone.localdate()).days
    assert 3 <= days <= 5
    assert "COT-2026-014" in form.initial["subject"]


def test_sending_emails_the_file_and_updates_the_opportunity_in_one_step(
    client_as, executive, deal
):
    document, opportunity, primary = deal
    response = client_as(executive).post(send_url(document), form_data(opportunity, primary))
    assert response.status_code == 302
    assert response.url == reverse("documents:opportunity_tab", args=[opportunity.pk])
    [sent] = mail.outbox
    assert sent.to == ["compras@cliente.com.ve"] and sent.cc == ["gerente@cliente.com.ve"]
    assert sent.subject == "Cotización COT-2026-014"
    assert sent.attachments[0][0] == "cotizacion.pdf"
    assert sent.attachments[0][1] == PDF and sent.attachments[0][2] == "application/pdf"
    record = QuoteEmail.objects.get()
    assert (record.to, record.cc, record.sent_by) == (
        "compras@cliente.com.ve",
        "gerente@cliente.com.ve",
        executive,
    )
    assert record.version == document.current_version and record.body == "Adjuntamos la cotización."
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROPOSAL
    assert StageChange.objects.filter(opportunity=opportunity, to_stage=Stage.PROPOSAL).exists()
    done = Activity.objects.get(type=ActivityType.QUOTE_SENT)
    assert done.subject.startswith("Cotización enviada") and done.done_at is not None
    follow_up = Activity.objects.get(done_at__isnull=True)
    assert follow_up.scheduled_at > timezone.now() + timedelta(days=3, hours=23)
    document.quote.refresh_from_db()
    assert document.quote.status == "sent"


def test_an_opportunity_past_proposal_keeps_its_stage(client_as, executive, deal):
    document, opportunity, primary = deal
    opportunity.stage = Stage.NEGOTIATION
    opportunity.save()
    client_as(executive).post(send_url(document), form_data(opportunity, primary))
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEGOTIATION
    assert Activity.objects.filter(done_at__isnull=True).count() == 1
    assert len(mail.outbox) == 1


def test_bant_is_required_when_leaving_prospecting_and_then_nothing_is_done(
    client_as, executive, deal
):
    document, opportunity, primary = deal
    opportunity.stage = Stage.PROSPECTING
    opportunity.bant_need = None
    opportunity.save()
    response = client_as(executive).post(send_url(document), form_data(opportunity, primary))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Falló el paso 10" in html and "BANT" in html
    assert 'value="gerente@cliente.com.ve"' in html  # the form keeps what was typed
    assert mail.outbox == [] and not Activity.objects.exists() and not QuoteEmail.objects.exists()
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROSPECTING
    document.quote.refresh_from_db()
    assert document.quote.status == "draft"


def test_a_refused_send_is_shown_rolls_everything_back_and_can_be_retried(
    client_as, executive, deal, settings
):
    document, opportunity, primary = deal
    http = client_as(executive)
    refusing = {"default": {"BACKEND": "tests.documents.backends.RefusingBackend"}}
    working = settings.MAILERS
    settings.MAILERS = refusing
    response = http.post(send_url(document), form_data(opportunity, primary))
    html = response.content.decode()
    assert "Falló el paso 9" in html and "Enviar de nuevo" in html
    assert not Activity.objects.exists()
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.QUALIFICATION
    failed = QuoteEmail.objects.get()
    assert failed.status == "failed" and "Mailbox unavailable" in failed.error
    settings.MAILERS = working
    response = http.post(send_url(document), form_data(opportunity, primary))
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert QuoteEmail.objects.filter(status="sent").count() == 1


def test_another_executives_quote_answers_404_in_own_mode(client_as, other_executive, deal):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.client_visibility = Visibility.OWN
    settings.save()
    document, opportunity, primary = deal
    http = client_as(other_executive)
    assert http.get(send_url(document)).status_code == 404
    assert http.post(send_url(document), form_data(opportunity, primary)).status_code == 404


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_email_goes_through_djangos_smtp_backend_to_a_real_server(
    client_as, executive, deal, settings
):
    document, opportunity, primary = deal
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
            }
        }
        response = client_as(executive).post(send_url(document), form_data(opportunity, primary))
    finally:
        controller.stop()
    assert response.status_code == 302
    [envelope] = inbox.messages
    assert set(envelope.rcpt_tos) == {"compras@cliente.com.ve", "gerente@cliente.com.ve"}
    received = email.message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == "Cotización COT-2026-014"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "cotizacion.pdf"
    assert attachment.get_content() == PDF


def test_a_stale_opportunity_is_named_and_the_next_send_uses_its_current_version(
    client_as, executive, deal
):
    document, opportunity, primary = deal
    data = form_data(opportunity, primary)
    opportunity.version += 1  # someone saved it after the page was opened
    opportunity.save()
    http = client_as(executive)
    response = http.post(send_url(document), data)
    assert "Alguien modificó la oportunidad" in response.content.decode()
    assert response.context["form"].data["opportunity_version"] == str(opportunity.version)
    assert mail.outbox == []
    data["opportunity_version"] = response.context["form"].data["opportunity_version"]
    assert http.post(send_url(document), data).status_code == 302


def test_a_closed_opportunitys_quote_offers_no_sending(client_as, executive, deal):
    document, opportunity, _primary = deal
    opportunity.stage = Stage.LOST
    opportunity.save()
    http = client_as(executive)
    assert "Enviar cotización" not in http.get(document.get_absolute_url()).content.decode()
    assert http.get(send_url(document)).status_code == 403
