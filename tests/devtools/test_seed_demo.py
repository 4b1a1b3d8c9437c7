import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role, user_roles
from crm.models import Client
from devtools.management.commands.seed_demo import USERS
from projects_ro.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_it_refuses_known_passwords_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_creates_one_user_per_role_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    roles = {frozenset(user_roles(user)) for user in User.objects.all()}
    assert {frozenset({role}) for role in Role} == roles
    assert User.objects.count() == len(USERS)
    output = capsys.readouterr().out
    assert "ejecutivo" in output and "gerente" in output and "admin" in output


def test_forced_demo_data_has_valid_rifs(settings):
    from stdnum.ve import rif

    settings.DEBUG = False
    call_command("seed_demo", force=True)
    assert Client.objects.count() >= 10
    assert Project.objects.filter(contractors__isnull=False).exists()
    for tax_id in Client.objects.values_list("tax_id", flat=True):
        assert rif.is_valid(tax_id), tax_id


@pytest.mark.parametrize(
    ("port", "address"),
    [
        (None, "http://127.0.0.1:8000"),
        ("8080", "http://127.0.0.1:8080"),
        ("0.0.0.0:8081", "http://127.0.0.1:8081"),
        ("crm.local:9000", "http://crm.local:9000"),
    ],
)
def test_it_says_in_spanish_where_to_sign_in_following_port(
    settings, capsys, monkeypatch, port, address
):
    settings.DEBUG = True
    if port is None:
        monkeypatch.delenv("PORT", raising=False)
    else:
        monkeypatch.setenv("PORT", port)
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert f"Datos de demostración listos. Inicie sesión en {address}" in output
    assert "Demo data ready" not in output


def test_it_puts_real_quotes_on_the_proposals(settings, private_storage):
    from documents.models import Document

    settings.DEBUG = True
    call_command("seed_demo")

    quotes = Document.objects.filter(kind="quote").select_related("current_version", "quote")
    assert quotes.count() == 2
    for document in quotes:
        assert document.opportunity.stage == "proposal"
        assert document.quote.number.startswith("COT-2026-")
        with document.current_version.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        # "Enviar Cotización" needs a recipient among the client's contacts.
        assert document.client.contacts.exclude(email="").exists()
