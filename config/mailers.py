"""The MAILERS setting (Django 6.1) from the environment; see the README's configuration.

EMAIL_HOST set: SMTP with the EMAIL_* variables. Otherwise EMAIL_BACKEND names the backend
(console by default) and each backend gets the options it needs: the file backend writes
into EMAIL_FILE_PATH, SMTP named through EMAIL_BACKEND reads the same EMAIL_* variables.
"""

from pathlib import Path

from config.env import env_bool, env_int, env_secret, env_str

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"
# Every backend the README offers for EMAIL_BACKEND.
OFFERED = (
    CONSOLE,
    FILE,
    SMTP,
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)
SMTP_TIMEOUT = 20  # seconds: a mail server that hangs must not hold a worker for long


def mailers_from_environment(base_dir: Path) -> dict:
    host = env_str("EMAIL_HOST", "")
    backend = SMTP if host else env_str("EMAIL_BACKEND", CONSOLE)
    options: dict = {}
    if backend == SMTP:
        options = {
            "host": host or "localhost",
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_secret("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            "timeout": SMTP_TIMEOUT,
        }
    elif backend == FILE:
        options = {"file_path": env_str("EMAIL_FILE_PATH", str(base_dir / "var" / "mail"))}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
