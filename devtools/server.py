"""A gunicorn the benchmark starts and stops itself, and timed HTTP requests against it.

The server runs the production settings (DEBUG off, the manifest static storage, sync
workers), on the benchmark's database, bound to 127.0.0.1 on a free port. Users are signed in
by a session created in this process (the database session engine is shared), so the
requests carry a real session cookie, as a browser's would.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client as DjangoClient

from accounts.models import User


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user: User) -> str:
    client = DjangoClient()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def production_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECURE_HTTPS", "PYTEST_VERSION"}
    }
    env |= {
        # The sessions are signed here: the server must share this process's key.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "false",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{settings.DATABASES['default']['NAME']}"
        ),
    }
    return env


def collect_static() -> None:
    """The manifest storage needs collected files, as a deployment has."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=production_env(),
        check=True,
    )


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@contextmanager
def gunicorn(*, workers: int = 1, log: Path) -> Iterator[Server]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--timeout", "300",
        "--no-control-socket",
        "--error-logfile", str(log),
    ]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 - our own server
        command, cwd=settings.BASE_DIR, env=production_env()
    )
    server = Server(port=port, process=process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                if len(server.workers()) >= workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Timing:
    status: int
    first_byte: float  # seconds from sending the request to the first body byte
    total: float
    size: int


def get(port: int, path: str, cookie: str) -> Timing:
    """One GET on a new connection (gunicorn's sync workers close after each response)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    began = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - began
    size = len(first)
    while chunk := response.read(65_536):
        size += len(chunk)
    total = time.perf_counter() - began
    connection.close()
    return Timing(response.status, first_byte, total, size)


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak(pid: int) -> None:
    """Resets the process's VmHWM to its current RSS (Linux: clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def user(username: str) -> AbstractBaseUser:
    return get_user_model().objects.get(username=username)
