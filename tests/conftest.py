import hashlib
import logging
import os
import shutil
import sqlite3
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.utils.functional import empty

from accounts.roles import Role
from tests import factories
from tests.clients import SignInClient
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls are still safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MISSING_BROWSER = (
    "No browser for the end-to-end tests: install Debian's chromium "
    "('sudo apt-get install chromium'; bin/test does it as root), "
    "or set CHROMIUM_PATH to a Chromium or Chrome binary."
)


def browser_path() -> str | None:
    """The browser the end-to-end tests drive (the same search as bin/system-deps):
    CHROMIUM_PATH, else Debian's /usr/bin/chromium, else one of BROWSER_NAMES on PATH."""
    if configured := os.environ.get("CHROMIUM_PATH"):
        return configured if os.access(configured, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return next(filter(None, map(shutil.which, BROWSER_NAMES)), None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = browser_path()
    if executable is None:
        # Fail, never skip: a missing browser must not pass for a green run.
        pytest.fail(MISSING_BROWSER, pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def static_sources_newer_than(manifest: Path) -> bool:
    """Whether a static source file (ours or an app's) changed since `collectstatic` wrote the
    manifest, or the manifest is missing."""
    from django.contrib.staticfiles import finders

    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    return any(
        os.path.getmtime(storage.path(path)) > collected
        for finder in finders.get_finders()
        for path, storage in finder.list([])
    )


def pytest_sessionstart(session):
    """The tests load the production static storage (hashed names from the manifest), so the
    files must be collected as a deployment collects them; again only when a source changed."""
    from django.conf import settings
    from django.core import management

    if static_sources_newer_than(Path(settings.STATIC_ROOT) / "staticfiles.json"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("collectstatic: the static sources changed, collecting them")
        management.call_command("collectstatic", interactive=False, verbosity=0)
    management.call_command = migrate_from_cache(management.call_command)
    logging.getLogger("django.request").addFilter(forbidden_without_traceback)


def forbidden_without_traceback(record: logging.LogRecord) -> bool:
    """django.request's record of a 403 (PermissionDenied) without the exception attached:
    the warning "Forbidden (Permission denied): <path>" is still logged (caplog and the
    handlers still get the record), but no handler formats its traceback, about a
    millisecond per 403, and the authorization matrix alone answers 2,326 of them. No test
    reads those tracebacks; the traceback of any other exception is kept."""
    from django.core.exceptions import PermissionDenied

    if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
        record.exc_info = None
        record.exc_text = None
    return True


# The migrated SQLite test database ------------------------------------------------------------

MIGRATED_DB_CACHE = Path(__file__).resolve().parent.parent / "var" / "test-db"


def migrations_fingerprint() -> str:
    """What the migrated schema depends on: Django's version and every migration file of
    every installed app (ours and third-party ones), by app label, name and content."""
    import django
    from django.apps import apps

    digest = hashlib.sha256(django.get_version().encode())
    for app_config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        for path in sorted((Path(app_config.path) / "migrations").glob("*.py")):
            digest.update(f"{app_config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def migrate_from_cache(call_command):
    """`call_command` whose "migrate" of an in-memory SQLite test database copies the result
    of an earlier run of the same migrations (an SQLite backup in var/test-db/) instead of
    applying the 96 migrations again (7 to 25 s of rendering model states per process).
    The first run migrates for real and keeps the copy; any change to a migration file or
    to Django makes a new one. The schema is still the migrations' own (the FTS5 search
    tables exist only as migration operations), and post_migrate is sent as migrate sends
    it, so the roles, permissions, reference data and search triggers follow the code."""

    def call(name, *args, **options):
        from django.db import connections

        connection = connections[options.get("database", "default")]
        creates_test_db = name == "migrate" and options.get("run_syncdb")  # create_test_db's
        if not creates_test_db or connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return call_command(name, *args, **options)
        cached = MIGRATED_DB_CACHE / f"{migrations_fingerprint()}.sqlite3"
        connection.ensure_connection()
        if not cached.exists():
            result = call_command(name, *args, **options)
            MIGRATED_DB_CACHE.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.partial")
            with sqlite3.connect(partial) as copy:
                connection.connection.backup(copy)
            copy.close()
            partial.replace(cached)  # whole or not at all, whoever else runs tests
            for stale in MIGRATED_DB_CACHE.glob("*.sqlite3"):
                if stale != cached:
                    stale.unlink(missing_ok=True)
            return result
        from django.core.management.sql import emit_post_migrate_signal

        with sqlite3.connect(cached) as source:
            source.backup(connection.connection)
        source.close()
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        return None

    return call


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with static files served by whitenoise from STATIC_ROOT as
    in production: pytest-django's own static handler looks names up in the source folders,
    which know no hashed names."""
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_storage(settings, tmp_path):
    """Documents stored in the test's own folder, not in PRIVATE_MEDIA_ROOT."""
    from documents.models import PRIVATE_STORAGE

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "privado", "base_url": None},
        },
    }
    PRIVATE_STORAGE._wrapped = empty
    yield tmp_path / "privado"
    PRIVATE_STORAGE._wrapped = empty


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Once for the session rather than per test (pytest-django's `settings` fixture sends
    setting_changed twice per test): a fast password hasher, and no role requiring
    two-factor sign-in, since tests sign in with force_login, which never passes the second
    step, unless a test says so (tests/accounts/test_two_factor.py does)."""
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        OTP_REQUIRED_ROLES=[],
    ):
        yield


# Role personas ------------------------------------------------------------------------------


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="sin_rol")


@pytest.fixture
def executive(db):
    return UserFactory(username="ejecutivo", roles=[Role.EXECUTIVE])


@pytest.fixture
def other_executive(db):
    return UserFactory(username="ejecutivo2", roles=[Role.EXECUTIVE])


@pytest.fixture
def manager(db):
    return UserFactory(username="gerente", roles=[Role.MANAGER])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrador", roles=[Role.ADMIN])


@pytest.fixture
def personas(no_role_user, executive, other_executive, manager, administrator):
    """Every persona by name; "anonymous" is None."""
    return {
        "anonymous": None,
        "no_role": no_role_user,
        "executive": executive,
        "other_executive": other_executive,
        "manager": manager,
        "admin": administrator,
    }


@pytest.fixture
def client():
    """pytest-django's `client`, as SignInClient (tests/clients.py): a sign-in without the
    throwaway session Django's test client makes first."""
    return SignInClient()


@pytest.fixture(autouse=True)
def _default_owner_per_test():
    """The factories' default owner (tests/factories.py) is remembered for one test only."""
    factories.forget_test_state()
    yield
    factories.forget_test_state()


@pytest.fixture
def client_as(client):
    """A test client signed in as the given user (None stays anonymous)."""

    def sign_in(user):
        from django.conf import settings

        # Without a session there is nothing to end but the cookies: logout() would create a
        # session only to delete it (two queries and axes' handler, a third of a sign-in).
        if settings.SESSION_COOKIE_NAME in client.cookies:
            client.logout()
        else:
            client.cookies = SimpleCookie()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def edit_all(db):
    """The company setting "Ver y editar todas": every executive sees and edits everyone's
    clients and opportunities (for tests of two people editing one record)."""
    from accounts.models import CompanySettings, Visibility

    settings = CompanySettings.load()
    settings.client_visibility = Visibility.EDIT_ALL
    settings.opportunity_visibility = Visibility.EDIT_ALL
    settings.save()
    return settings


def pytest_terminal_summary(terminalreporter):
    """The fuzz tests' closing line: how many examples hypothesis ran (tests/fuzz_support.py)."""
    from tests import fuzz_support

    if fuzz_support.EXAMPLES["run"]:
        terminalreporter.write_line(f"fuzz: {fuzz_support.EXAMPLES['run']} examples run")


def pytest_collection_finish(session):
    """Every module is imported by now: what Django and the tests loaded stays alive to the
    end, so the cyclic collector need not walk it again and again (half its time)."""
    import gc

    gc.collect()
    gc.freeze()
