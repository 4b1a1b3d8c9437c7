"""The security log (issue 12, item 17): every security-relevant action leaves one event,
with log-safe fields; the Administrador reads it in admin and nobody changes or deletes it;
`purge_security_log` keeps 180 days."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from audit.models import RETENTION_DAYS, AppendOnly, EventKind, SecurityEvent
from audit.services import record_security_event
from crm.opportunities.services import opportunity_share, opportunity_unshare
from tests.crm.test_client_import import URL as IMPORT_URL
from tests.crm.test_client_import import client_row, confirm_url, xlsx_upload
from tests.documents.files import make_document
from tests.factories import TEST_PASSWORD, ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def events(kind) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind).order_by("pk"))


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# Sign-in, lockout, passwords ---------------------------------------------------------------


def test_a_sign_in_and_a_failed_one_are_recorded_with_the_address(client, executive):
    sign_in(client, executive.username, "mala-clave")
    sign_in(client, executive.username, TEST_PASSWORD)

    [failed] = events(EventKind.LOGIN_FAILED)
    assert failed.user is None and failed.username == executive.username
    assert failed.ip_address == "127.0.0.1"
    [success] = events(EventKind.LOGIN)
    assert success.user == executive and success.ip_address == "127.0.0.1"


def test_a_lockout_is_recorded(client, executive):
    for _ in range(5):
        sign_in(client, executive.username, "mala-clave")
    assert sign_in(client, executive.username, TEST_PASSWORD).status_code == 429
    assert [event.username for event in events(EventKind.LOCKOUT)][:1] == [executive.username]
    assert len(events(EventKind.LOGIN_FAILED)) >= 5


def test_a_forged_username_cannot_forge_log_lines(client):
    # Longer than the 150 kept, shorter than the 255 django-axes stores on its own.
    forged = "intruso\n2026-01-01 INFO login ok admin\x1b[2J" + "x" * 150
    sign_in(client, forged, "clave")
    [event] = events(EventKind.LOGIN_FAILED)
    assert "\n" not in event.username and "\x1b" not in event.username
    assert event.username.startswith("intruso 2026-01-01 INFO login ok admin")
    assert len(event.username) <= 150


def test_a_password_reset_request_and_its_completion_are_recorded(client, executive, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    executive.email = "sol@rumbo.test"
    executive.save()
    client.post(reverse("accounts:password_reset"), {"email": "sol@rumbo.test"})
    [requested] = events(EventKind.PASSWORD_RESET_REQUESTED)
    assert "sol@rumbo.test" in requested.detail and requested.ip_address == "127.0.0.1"

    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/password/reset/" in line
    ).strip()
    path = link[link.index("/cuentas/") :]
    form_page = client.get(path, follow=True)
    new_password = "Otra-Clave-Segura-2026"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    [done] = events(EventKind.PASSWORD_RESET_DONE)
    assert done.user == executive


# Roles, sharing, exports, imports, downloads ------------------------------------------------


def test_a_role_change_in_admin_is_recorded_with_who_made_it(client, administrator):
    user = UserFactory(username="nuevo")
    client.force_login(administrator)
    group = Group.objects.get(name="Gerente Comercial")
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": "nuevo",
            "first_name": "Nuevo",
            "last_name": "Gerente",
            "email": "nuevo@rumbo.test",
            "is_active": "on",
            "groups": [group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-11-27",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    [event] = events(EventKind.ROLES_CHANGED)
    assert event.user == administrator and event.target == "nuevo"
    assert event.detail == "added: Gerente Comercial"


def test_sharing_and_unsharing_are_recorded(executive, other_executive):
    CompanySettings.objects.update(opportunity_visibility=Visibility.OWN)
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive), name="Planta Norte")
    opportunity_share(user=executive, opportunity=opportunity, colleague=other_executive)
    opportunity_unshare(user=executive, opportunity=opportunity, colleague=other_executive)

    [granted] = events(EventKind.SHARE_GRANTED)
    [revoked] = events(EventKind.SHARE_REVOKED)
    assert granted.user == executive and f"#{opportunity.pk} Planta Norte" in granted.target
    assert granted.detail == f"with: {other_executive.username}; level: view"
    assert revoked.detail == f"with: {other_executive.username}"


def test_an_export_is_recorded_with_its_row_count(client_as, executive):
    ClientFactory.create_batch(3, owner=executive)
    response = client_as(executive).get(reverse("crm:client_export", args=["csv"]), {"segment": ""})
    b"".join(response.streaming_content)
    [event] = events(EventKind.EXPORT)
    assert event.user == executive and event.count == 3 and event.target.endswith(".csv")


def test_an_import_is_recorded_with_its_row_counts_but_not_its_preview(
    client_as, executive, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "privado"
    http = client_as(executive)
    preview = http.post(IMPORT_URL, {"file": xlsx_upload([client_row()])})
    assert events(EventKind.IMPORT) == []  # the preview is a dry run
    http.post(confirm_url(preview))
    [event] = events(EventKind.IMPORT)
    assert event.user == executive and event.count == 1 and event.target == "clients"
    assert "new: 1" in event.detail


def test_a_document_download_is_recorded(client_as, executive, private_storage):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    document = make_document(executive, opportunity=opportunity, name="oferta\r\nfalsa.pdf")
    response = client_as(executive).get(reverse("documents:download", args=[document.pk]))
    b"".join(response.streaming_content)
    [event] = events(EventKind.DOCUMENT_DOWNLOAD)
    assert event.user == executive and f"document #{document.pk}" in event.target
    assert "\r" not in event.detail and "\n" not in event.detail


# Append-only, admin, purge ------------------------------------------------------------------


def test_events_are_never_changed_or_deleted(executive):
    event = record_security_event(kind=EventKind.LOGIN, user=executive)
    event.detail = "otra cosa"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        SecurityEvent.objects.update(detail="x")
    with pytest.raises(AppendOnly):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get().detail == ""


def test_the_administrador_reads_the_log_in_admin_but_cannot_change_it(
    client_as, administrator, manager, executive
):
    event = record_security_event(kind=EventKind.LOGIN, user=executive)
    http = client_as(administrator)
    listing = http.get(reverse("admin:audit_securityevent_changelist"))
    assert listing.status_code == 200 and executive.username in listing.content.decode()
    detail = http.get(reverse("admin:audit_securityevent_change", args=[event.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    delete_url = reverse("admin:audit_securityevent_delete", args=[event.pk])
    assert http.post(delete_url, {"post": "yes"}).status_code == 403
    assert http.get(reverse("admin:audit_securityevent_add")).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    assert client_as(manager).get(reverse("admin:audit_securityevent_changelist")).status_code == (
        403
    )


def test_the_purge_keeps_180_days(executive):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=RETENTION_DAYS + 1)):
        record_security_event(kind=EventKind.LOGIN, user=executive, detail="old")
    with time_machine.travel(now - timedelta(days=RETENTION_DAYS - 1)):
        record_security_event(kind=EventKind.LOGIN, user=executive, detail="recent")

    call_command("purge_security_log", "--dry-run")
    assert SecurityEvent.objects.count() == 2
    call_command("purge_security_log")
    assert list(SecurityEvent.objects.values_list("detail", flat=True)) == ["recent"]
