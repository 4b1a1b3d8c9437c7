"""A database outage answers 503 with Retry-After, logs one line per request and recovers by
itself (issue 12, item 14; config/outage.py).

The fault test starts its own PostgreSQL cluster (initdb + pg_ctl on a free port, as the
`postgres` user when run as root), serves the app from it with gunicorn as in production,
stops the cluster under requests and starts it again. It runs in the PostgreSQL job of CI
(DATABASE_URL=postgres://...), where it fails loudly if the PostgreSQL server binaries are
missing; on SQLite it is skipped, since the PostgreSQL job runs it.
"""

import glob
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.test import Client

from config.outage import RETRY_AFTER_SECONDS, is_database_outage

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SPANISH_503 = "Servicio no disponible, reintente"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_postgres_error() -> OperationalError:
    """The real error Django raises when PostgreSQL is not listening (no server needed)."""
    settings = {**connection.settings_dict} if connection.vendor == "postgresql" else {}
    settings.update(
        ENGINE="django.db.backends.postgresql",
        NAME="rumbo",
        USER="postgres",
        PASSWORD="",
        HOST="127.0.0.1",
        PORT=str(free_port()),
        OPTIONS={"connect_timeout": 2},
        CONN_MAX_AGE=0,
        CONN_HEALTH_CHECKS=False,
        AUTOCOMMIT=True,
        ATOMIC_REQUESTS=False,
        TIME_ZONE=None,
        TEST={},
    )
    wrapper = PostgresWrapper(settings, alias="unreachable")
    try:
        wrapper.ensure_connection()
    except OperationalError as error:
        return error
    finally:
        wrapper.close()
    raise AssertionError("something answered on a free port")


@pytest.fixture
def refused(django_db_blocker) -> OperationalError:
    with django_db_blocker.unblock():  # a connection of its own, not the test database's
        return unreachable_postgres_error()


# Which errors are an outage ---------------------------------------------------------------


def test_a_refused_connection_is_an_outage(refused):
    assert is_database_outage(refused)


def test_a_closed_connection_is_an_outage():
    assert is_database_outage(InterfaceError("connection already closed"))


@pytest.mark.django_db
def test_a_bad_query_is_a_bug_not_an_outage():
    with pytest.raises(Exception) as error, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    assert not is_database_outage(error.value)
    assert not is_database_outage(ValueError("boom"))


def test_the_503_page_is_spanish_and_asks_to_retry(rf, caplog, refused):
    from config.outage import service_unavailable

    request = rf.get("/crm/clientes/%0AFORGED%20line")
    response = service_unavailable(request, refused)
    service_unavailable(request, refused)  # a second middleware's failure, same request

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert SPANISH_503 in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "rumbo.outage"]
    assert "\n" not in record.getMessage() and record.exc_info is None
    assert "/crm/clientes/ FORGED line" in record.getMessage()


@pytest.mark.django_db
def test_any_other_error_is_still_the_500_page(settings):
    # Any crash that is not an outage: a view that raises. The test client re-raises it
    # unless told not to, as a browser would see it.
    http = Client(raise_request_exception=False)
    settings.ROOT_URLCONF = "tests.config.crash_urls"
    response = http.get("/crash/")
    assert response.status_code == 500 and "Retry-After" not in response


# The fault test: a PostgreSQL of its own, stopped and started ------------------------------


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server binaries (Debian's layout)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A throw-away PostgreSQL cluster in a temporary folder, on a free port."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="rumbo-outage-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            account = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", account.pw_name, "--"]

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.dir / "postgres.log")
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start"
        )

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [
                    *self.as_user,
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.dir, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


SETUP = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import User
user = User.objects.create_user("sin_conexion")
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def get(port: int, path: str, session: str) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise AssertionError(f"gunicorn did not listen:\n{log.read_text()}")


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL job runs this fault test (DATABASE_URL=postgres://...)")
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
            "postgresql package; this fault test must run in the PostgreSQL job.",
            pytrace=False,
        )
    cluster = Cluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def test_stopping_postgresql_answers_503_logs_one_line_each_and_recovers(cluster, tmp_path):
    env = {
        **os.environ,  # the test variables (pyproject.toml): SECRET_KEY, SECURE_HTTPS off...
        "DATABASE_URL": cluster.url,
        "DB_CONN_MAX_AGE": "60",  # persistent connections, as in production
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    setup = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    session = setup.stdout.strip().splitlines()[-1]

    port = free_port()
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(PYTHON).with_name("gunicorn")
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, server, log)
        page = "/cuentas/preferencias/"
        assert get(port, page, session)[0] == 200  # connected, and the connection is kept

        cluster.stop()
        paths = [page, page, "/", "/crm/clientes/", page]
        answers = [get(port, path, session) for path in paths]

        for status, headers, body in answers:
            assert status == 503
            assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert SPANISH_503 in body
        lines = [line for line in log.read_text().splitlines() if "Database unavailable" in line]
        assert len(lines) == len(paths), log.read_text()
        assert "Traceback" not in log.read_text()

        cluster.start()
        status, _headers, body = get(port, page, session)  # the very first request after
        assert status == 200, body
        assert get(port, "/crm/clientes/", session)[0] in (200, 403)  # no role: forbidden
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
