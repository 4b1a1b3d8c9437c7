"""Text from users (paths, usernames, file names) made safe to write into a log line or an
audit record: no control characters (so no forged line breaks or terminal escapes) and a
bounded length."""

import unicodedata

ELLIPSIS = "…"


def clean_text(value: object, max_length: int = 200) -> str:
    """`value` as one printable line of at most `max_length` characters: control, format
    and separator characters other than the plain space (newlines, tabs, ANSI escapes,
    bidirectional overrides, NUL) each become a space; a longer text is cut with "…"."""
    text = "" if value is None else str(value)
    text = "".join(
        " " if char != " " and unicodedata.category(char)[0] in "CZ" else char for char in text
    ).strip()
    if len(text) > max_length:
        text = text[: max_length - 1] + ELLIPSIS
    return text
