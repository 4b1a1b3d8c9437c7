"""Two-factor sign-in (issue 12, item 18): TOTP with django-otp, recovery codes, required for
the roles in OTP_REQUIRED_ROLES (Administrador and Gerente Comercial in production),
optional for everyone else."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.two_factor import new_recovery_codes
from audit.models import EventKind, SecurityEvent
from tests.factories import TEST_PASSWORD
from tests.matching import found

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:home")
SECURITY = reverse("accounts:security")
VERIFY = reverse("accounts:otp_verify")


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_ROLES = [Role.ADMIN.value, Role.MANAGER.value]


def sign_in(client, user, next_url=""):
    data = {"username": user.username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6, drift=drift):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Autenticador", confirmed=True)


def secret_on(page: str) -> bytes:
    text = found(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return b32decode(text + "=" * (-len(text) % 8))


# A required role ------------------------------------------------------------------------------


def test_a_manager_without_an_authenticator_is_sent_to_enrol_before_anything_else(
    client, manager, required
):
    response = sign_in(client, manager)
    assert response.status_code == 302
    dashboard = client.get(response.url)
    assert dashboard.status_code == 302 and dashboard.url.startswith(SECURITY)
    assert client.get(reverse("crm:client_list")).url.startswith(SECURITY)
    assert client.get("/admin/").status_code == 302

    page = client.get(SECURITY)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="otp-required"' in html
    assert "<svg" in html and "<img" not in html.split('data-testid="otp-qr"')[1][:200]
    assert "style=" not in html.split('data-testid="otp-qr"')[1].split("</div>")[0]


def test_enrolling_takes_a_code_from_the_app_and_shows_recovery_codes_once(
    client, manager, required
):
    sign_in(client, manager)
    page = client.get(SECURITY).content.decode()
    key = secret_on(page)
    [pending] = TOTPDevice.objects.filter(user=manager)
    assert not pending.confirmed and pending.bin_key == key

    wrong = client.post(SECURITY, {"code": "000000" if code_for(pending) != "000000" else "111111"})
    assert "El código no coincide" in wrong.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    pending.refresh_from_db()
    pending.throttle_reset()  # a failure holds the next try back for a second or more

    done = client.post(SECURITY, {"code": code_for(pending)})
    html = done.content.decode()
    codes = re.findall(r"<li class=\"col\">([a-z0-9]{5}-[a-z0-9]{5})</li>", html)
    assert len(codes) == 10
    pending.refresh_from_db()
    assert pending.confirmed
    assert client.get(DASHBOARD).status_code == 200  # this session is verified
    assert client.get(SECURITY).content.decode().count(codes[0]) == 0  # shown once
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {EventKind.OTP_ENROLLED, EventKind.RECOVERY_CODES} <= kinds


def test_a_required_role_cannot_turn_it_off(client, manager, required):
    device = enrolled(manager)
    sign_in(client, manager)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(reverse("accounts:otp_disable"), follow=True)
    assert "Su rol exige" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager).exists()


# The code step -------------------------------------------------------------------------------


def test_a_user_with_an_authenticator_gives_a_code_after_the_password(client, executive):
    device = enrolled(executive)
    response = sign_in(client, executive, next_url=reverse("crm:client_list"))
    step = client.get(response.url)
    assert step.status_code == 302 and step.url.startswith(VERIFY)
    assert "next=%2Fcrm%2Fclientes%2F" in step.url
    form = client.get(step.url)
    assert "Código de verificación" in form.content.decode()

    refused = client.post(VERIFY, {"code": "12345"})
    assert "Escriba los 6 dígitos" in refused.content.decode()
    other = code_for(device, drift=-5)
    refused = client.post(VERIFY, {"code": other})
    assert "no es válido" in refused.content.decode()
    assert SecurityEvent.objects.filter(kind=EventKind.OTP_FAILED, user=executive).exists()
    device.refresh_from_db()
    device.throttle_reset()  # a failure holds the next try back for a second or more

    accepted = client.post(VERIFY, {"code": code_for(device), "next": "/crm/clientes/"})
    assert accepted.status_code == 302 and accepted.url == "/crm/clientes/"
    assert client.get(reverse("crm:client_list")).status_code == 200
    assert SecurityEvent.objects.filter(kind=EventKind.OTP_VERIFIED, user=executive).exists()


def test_a_code_is_not_accepted_twice(client, executive):
    device = enrolled(executive)
    code = code_for(device)
    sign_in(client, executive)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, executive)
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(VERIFY, {"code": code}).status_code == 200  # replayed: refused


def test_a_recovery_code_signs_in_once(client, executive):
    enrolled(executive)
    codes = new_recovery_codes(user=executive)
    sign_in(client, executive)
    response = client.post(VERIFY, {"code": codes[0].replace("-", "").upper()}, follow=True)
    assert response.status_code == 200 and "le quedan 9" in response.content.decode()
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    client.post(reverse("accounts:logout"))
    sign_in(client, executive)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 200  # used up


def test_an_htmx_request_of_a_half_signed_in_session_is_sent_to_the_code_step(client, executive):
    enrolled(executive)
    sign_in(client, executive)
    response = client.get(
        reverse("accounts:notifications_unread_count"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response["HX-Redirect"] == VERIFY
    # The code step's own page polls too: it is left alone, not sent to itself again.
    on_the_step = client.get(
        reverse("accounts:notifications_unread_count"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + VERIFY},
    )
    assert on_the_step.status_code == 204


def test_the_code_step_is_throttled_after_a_failure(client, executive):
    device = enrolled(executive)
    sign_in(client, executive)
    client.post(VERIFY, {"code": code_for(device, drift=-7)})
    # Within the back-off (1 s, doubling with each failure) even the right code is refused.
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get(DASHBOARD).status_code == 302


# Optional for executives -----------------------------------------------------------------------


def test_an_executive_signs_in_without_a_code_until_they_enrol(client, executive, required):
    response = sign_in(client, executive)
    assert client.get(response.url).status_code == 200
    page = client.get(SECURITY).content.decode()
    assert 'data-testid="otp-required"' not in page and "<svg" in page


def test_an_executive_turns_it_off(client, executive):
    device = enrolled(executive)
    new_recovery_codes(user=executive)
    sign_in(client, executive)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(reverse("accounts:otp_disable"), follow=True)
    assert "desactivado" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=executive, confirmed=True).exists()
    assert SecurityEvent.objects.filter(kind=EventKind.OTP_REMOVED).exists()


def test_new_recovery_codes_replace_the_old_ones(client, executive):
    device = enrolled(executive)
    old = new_recovery_codes(user=executive)
    sign_in(client, executive)
    client.post(VERIFY, {"code": code_for(device)})
    html = client.post(reverse("accounts:otp_recovery_codes")).content.decode()
    new = re.findall(r"<li class=\"col\">([a-z0-9]{5}-[a-z0-9]{5})</li>", html)
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_the_administrador_sees_and_deletes_a_lost_authenticator(
    client_as, administrator, executive
):
    device = enrolled(executive)
    http = client_as(administrator)
    listing = http.get(reverse("admin:accounts_authenticator_changelist"))
    assert listing.status_code == 200 and str(executive) in listing.content.decode()
    http.post(reverse("admin:accounts_authenticator_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_misspelt_required_role_stops_the_start_up(settings):
    from accounts.checks import otp_required_roles_exist

    settings.OTP_REQUIRED_ROLES = ["Gerente comercial"]
    [error] = otp_required_roles_exist(None)
    assert error.id == "accounts.E002"
    settings.OTP_REQUIRED_ROLES = [Role.MANAGER.value]
    assert otp_required_roles_exist(None) == []
