"""Cell values that a spreadsheet shows and never runs ("CSV/formula injection").

The rule of the project: any cell TEXT that a spreadsheet would take for a formula (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, so Excel,
LibreOffice and Google Sheets show it as the text it is. Numbers and dates are never text,
so they stay numbers and dates. See OWASP "CSV Injection".
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets may trim leading spaces on import (LibreOffice's "Trim spaces", Sheets), which
# turns "  =cmd()" into "=cmd()": look past them too.
_LEADING_BLANKS = " \n\u00a0"

# Characters that XML 1.0, hence an .xlsx file, cannot hold (openpyxl raises on them).
_XML_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\ufffe\uffff]")
# Excel's limit per cell; a longer text makes Excel "repair" (truncate) the file.
XLSX_MAX_TEXT = 32767


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(_LEADING_BLANKS).startswith(
        FORMULA_TRIGGERS
    )


def neutralize(text: str) -> str:
    """The text as a spreadsheet must show it: with a leading `'` if it looks like a formula."""
    return "'" + text if is_formula_like(text) else text


def xlsx_text(text: str) -> str:
    """`neutralize`, and fit for an .xlsx cell: no XML-illegal control characters, at most
    Excel's 32,767 characters."""
    return neutralize(_XML_ILLEGAL.sub("", text))[:XLSX_MAX_TEXT]
