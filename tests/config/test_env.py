"""config/env.py, the typed readers of every setting that comes from the environment (issue 13,
item 4): each one with a valid value, a malformed one (a clear error), its default, and for
secrets the NAME_FILE variant. Then config/settings.py read with a deployment's variables."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret, env_str

SETTINGS = Path(django_settings.BASE_DIR) / "config" / "settings.py"


@pytest.fixture
def env(monkeypatch):
    """Set variables for one test (monkeypatch undoes them); unset ones stay unset."""
    for name in ("RUMBO_X", "RUMBO_X_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch.setenv


# env_str -------------------------------------------------------------------------------------


def test_env_str_reads_the_value_as_given(env):
    env("RUMBO_X", " con espacios ")

    assert env_str("RUMBO_X") == " con espacios "


def test_env_str_falls_back_to_its_default_and_an_empty_value_is_a_value(env):
    assert env_str("RUMBO_X", "por defecto") == "por defecto"

    env("RUMBO_X", "")
    assert env_str("RUMBO_X", "por defecto") == ""


def test_env_str_without_default_is_required(env):
    with pytest.raises(ImproperlyConfigured, match="The environment variable RUMBO_X is required"):
        env_str("RUMBO_X")


# env_secret ----------------------------------------------------------------------------------


def test_env_secret_reads_the_variable_itself(env):
    env("RUMBO_X", "s3creto")

    assert env_secret("RUMBO_X") == "s3creto"


def test_env_secret_reads_the_file_and_drops_one_trailing_newline(env, tmp_path):
    secret = tmp_path / "secreto"
    secret.write_text("  s3creto con espacios \n\n")
    env("RUMBO_X_FILE", str(secret))

    assert env_secret("RUMBO_X", "por defecto") == "  s3creto con espacios \n"


def test_env_secret_reads_a_file_written_on_windows(env, tmp_path):
    secret = tmp_path / "secreto"
    secret.write_bytes(b"s3creto\r\n")
    env("RUMBO_X_FILE", str(secret))

    assert env_secret("RUMBO_X") == "s3creto"


def test_env_secret_refuses_both_the_variable_and_its_file(env, tmp_path):
    secret = tmp_path / "secreto"
    secret.write_text("del archivo")
    env("RUMBO_X", "de la variable")
    env("RUMBO_X_FILE", str(secret))

    with pytest.raises(ImproperlyConfigured, match="Set RUMBO_X or RUMBO_X_FILE, not both"):
        env_secret("RUMBO_X")


def test_env_secret_names_the_file_it_cannot_read(env, tmp_path):
    missing = tmp_path / "no-existe"
    env("RUMBO_X_FILE", str(missing))

    with pytest.raises(ImproperlyConfigured, match=rf"RUMBO_X_FILE: cannot read '{missing}'"):
        env_secret("RUMBO_X", "por defecto")


def test_env_secret_falls_back_to_its_default_or_is_required(env):
    assert env_secret("RUMBO_X", "por defecto") == "por defecto"
    with pytest.raises(ImproperlyConfigured, match="RUMBO_X is required"):
        env_secret("RUMBO_X")


# env_bool ------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "On"])
def test_env_bool_reads_true(env, raw):
    env("RUMBO_X", raw)

    assert env_bool("RUMBO_X", default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_false(env, raw):
    env("RUMBO_X", raw)

    assert env_bool("RUMBO_X", default=True) is False


def test_env_bool_refuses_anything_else(env):
    env("RUMBO_X", "quizás")

    with pytest.raises(ImproperlyConfigured, match="RUMBO_X must be true or false, not 'quizás'"):
        env_bool("RUMBO_X")


def test_env_bool_unset_is_its_default(env):
    assert env_bool("RUMBO_X", default=True) is True
    assert env_bool("RUMBO_X", default=False) is False


# env_int -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("25", 25), (" 7 ", 7), ("-1", -1), ("0", 0)])
def test_env_int_reads_an_integer(env, raw, expected):
    env("RUMBO_X", raw)

    assert env_int("RUMBO_X", 60) == expected


@pytest.mark.parametrize("raw", ["2.5", "diez", "1e3"])
def test_env_int_refuses_anything_else(env, raw):
    env("RUMBO_X", raw)

    with pytest.raises(ImproperlyConfigured, match=f"RUMBO_X must be an integer, not '{raw}'"):
        env_int("RUMBO_X", 60)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_env_int_unset_or_blank_is_its_default(env, raw):
    if raw is not None:
        env("RUMBO_X", raw)

    assert env_int("RUMBO_X", 60) == 60


# env_list ------------------------------------------------------------------------------------


def test_env_list_splits_on_commas_and_drops_blanks(env):
    env("RUMBO_X", " crm.example.com, ,www.example.com ,")

    assert env_list("RUMBO_X") == ["crm.example.com", "www.example.com"]


def test_env_list_unset_is_its_default_and_empty_is_no_items(env):
    assert env_list("RUMBO_X", "a,b") == ["a", "b"]
    assert env_list("RUMBO_X") == []

    env("RUMBO_X", "")
    assert env_list("RUMBO_X", "a,b") == []


# config/settings.py --------------------------------------------------------------------------


def read_settings() -> dict:
    """config/settings.py evaluated afresh with this process's environment (the module that
    Django loaded is left alone)."""
    return runpy.run_path(str(SETTINGS))


def test_the_tests_run_with_the_production_static_storage():
    backend = django_settings.STORAGES["staticfiles"]["BACKEND"]

    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert django_settings.WHITENOISE_USE_FINDERS is False


def test_nothing_in_the_settings_asks_whether_tests_run_or_reads_the_environment_by_hand():
    source = SETTINGS.read_text(encoding="utf-8")

    assert "TESTING" not in source
    assert "PYTEST" not in source
    assert "os.environ" not in source
    assert "getenv" not in source


def test_without_debug_the_secret_key_the_hosts_and_the_site_url_have_no_default(monkeypatch):
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "SECURE_HTTPS"):
        monkeypatch.delenv(name, raising=False)

    production = read_settings()

    assert production["SECRET_KEY"] == ""
    assert production["ALLOWED_HOSTS"] == []
    assert production["SITE_URL"] == ""
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True


def test_secrets_come_from_files(monkeypatch, tmp_path):
    files = {
        "SECRET_KEY": "clave-de-un-secreto-de-docker-" + "x" * 40,
        "DATABASE_URL": "postgres://rumbo:contraseña@db:5432/rumbo",
        "EMAIL_HOST_PASSWORD": "contraseña-smtp",
        "REDIS_URL": "redis://:contraseña@redis:6379/0",
    }
    for name, value in files.items():
        path = tmp_path / name.lower()
        path.write_text(value + "\n")
        monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv(f"{name}_FILE", str(path))
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.com")

    production = read_settings()

    assert production["SECRET_KEY"] == files["SECRET_KEY"]
    assert production["DATABASES"]["default"]["PASSWORD"] == "contraseña"
    assert production["DATABASES"]["default"]["HOST"] == "db"
    assert production["MAILERS"]["default"]["OPTIONS"]["password"] == "contraseña-smtp"
    assert production["CACHES"]["default"]["LOCATION"] == files["REDIS_URL"]


def test_a_malformed_variable_stops_the_settings_with_its_name(monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "media hora")

    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES must be an integer"):
        read_settings()
