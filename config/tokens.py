"""The shape of the secrets that travel in URLs (the calendar feed, an import's preview):
`secrets.token_urlsafe(32)`, 43 URL-safe characters. A value of another shape is refused
before any query or file look-up: it cannot be a token, and some (a NUL, an endless string)
the database or the file system would refuse with an error rather than "not found"."""

import re
import secrets

URL_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{40,64}", re.ASCII)


def new_url_token() -> str:
    return secrets.token_urlsafe(32)


def is_url_token(value: object) -> bool:
    return isinstance(value, str) and URL_TOKEN_PATTERN.fullmatch(value) is not None
