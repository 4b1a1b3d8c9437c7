"""Regular-expression reads of a page that fail the test, with the pattern, when nothing
matches (rather than an AttributeError on None)."""

import re


def found(pattern: str, text: str, flags: int | re.RegexFlag = 0) -> re.Match[str]:
    match = re.search(pattern, text, flags)
    assert match is not None, f"nothing matches {pattern!r}"
    return match
