"""Typed readers for settings that come from the environment; they fail loudly.

Every variable of config/settings.py is read here: a malformed value stops the start-up with
an explanation naming the variable instead of being guessed. Secrets can also come from a file
(`env_secret`): NAME_FILE names a file whose content is the value, as container secrets
(Docker, Kubernetes) are mounted.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_secret(name: str, default: str | None = None) -> str:
    """NAME, or the content of the file that NAME_FILE names (one trailing newline removed,
    as `echo` and editors leave it). Setting both is refused: which one wins would be a guess."""
    file_name = f"{name}_FILE"
    path = os.environ.get(file_name)
    if path is None:
        return env_str(name, default)
    if name in os.environ:
        raise ImproperlyConfigured(f"Set {name} or {file_name}, not both.")
    try:
        content = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"{file_name}: cannot read {path!r} ({exc.strerror}).") from exc
    return content.removesuffix("\n").removesuffix("\r")


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]
