"""Every email backend the README offers works as configured from the environment
(issue 12, item 16): each one sends a real message through config.mailers' MAILERS."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail

from config import mailers
from config.mailers import mailers_from_environment

BASE_DIR = django_settings.BASE_DIR
ENV = ("EMAIL_HOST", "EMAIL_BACKEND", "EMAIL_FILE_PATH", "EMAIL_PORT", "EMAIL_USE_TLS")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def send_one() -> int:
    return mail.send_mail("Prueba de correo", "Hola", None, ["ana@empresa.com.ve"])


def use(settings):
    """MAILERS as settings.py builds it from the environment."""
    settings.MAILERS = mailers_from_environment(BASE_DIR)
    return settings.MAILERS["default"]


def test_the_readme_lists_every_offered_backend():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    for backend in mailers.OFFERED:
        assert f"`{backend}`" in readme


def test_the_default_console_backend_prints_the_message(settings, capsys):
    assert use(settings)["BACKEND"] == mailers.CONSOLE

    assert send_one() == 1

    assert "Subject: Prueba de correo" in capsys.readouterr().out


def test_the_file_backend_writes_into_email_file_path(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("EMAIL_BACKEND", mailers.FILE)
    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path / "correo"))
    use(settings)

    assert send_one() == 1

    [written] = (tmp_path / "correo").iterdir()
    assert "Subject: Prueba de correo" in written.read_text()


def test_the_file_backend_has_a_default_folder(monkeypatch):
    monkeypatch.setenv("EMAIL_BACKEND", mailers.FILE)

    options = mailers_from_environment(BASE_DIR)["default"]["OPTIONS"]

    assert options["file_path"] == str(BASE_DIR / "var" / "mail")


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    ],
)
def test_the_in_memory_and_dummy_backends_accept_the_message(settings, monkeypatch, backend):
    monkeypatch.setenv("EMAIL_BACKEND", backend)
    use(settings)

    assert send_one() == 1


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


@pytest.mark.parametrize("through", ["EMAIL_HOST", "EMAIL_BACKEND"])
def test_smtp_delivers_to_a_real_server(settings, monkeypatch, through):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        if through == "EMAIL_HOST":
            monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
        else:  # SMTP named as the backend: EMAIL_HOST defaults to localhost
            monkeypatch.setenv("EMAIL_BACKEND", mailers.SMTP)
        monkeypatch.setenv("EMAIL_PORT", str(port))
        monkeypatch.setenv("EMAIL_USE_TLS", "false")
        assert use(settings)["BACKEND"] == mailers.SMTP

        assert send_one() == 1
    finally:
        controller.stop()
    [envelope] = inbox.messages
    received = email.message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == "Prueba de correo"
    assert envelope.rcpt_tos == ["ana@empresa.com.ve"]
