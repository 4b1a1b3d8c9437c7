import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["Corta-2026", "password1234", "123456789012", "maria-gonzalez"],
    ids=["too-short", "common", "numeric", "like-the-username"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, UserFactory.build(username="maria-gonzalez"))


def test_a_long_uncommon_password_is_accepted():
    validate_password("Caracas-Avila-Rumbo-77", UserFactory.build(username="maria-gonzalez"))


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(username="olvidadiza", email="olvidadiza@rumbo.test")

    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Rumbo CRM" in message.subject
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "corta", "new_password2": "corta"})
    assert weak.status_code == 200
    assert "demasiado corta" in weak.content.decode()

    new_password = "Nueva-Clave-Segura-2026"
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nadie@rumbo.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_keeps_the_user_signed_in(client, executive):
    client.force_login(executive)
    new_password = "Otra-Clave-Segura-2026"
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    executive.refresh_from_db()
    assert executive.check_password(new_password)
    assert client.get(reverse("dashboard:home")).status_code == 200
