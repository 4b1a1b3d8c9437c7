"""Cell values that a spreadsheet shows and never runs ("CSV/formula injection"), one helper
per file format; every export of the project (clients, reports) writes its text through them.

- CSV has no cell types: the spreadsheet guesses, and runs any text that starts with `=`, `+`,
  `-`, `@`, a tab or a carriage return. `csv_text` gives such text a leading apostrophe, so
  Excel, LibreOffice and Google Sheets show it as the text it is (OWASP "CSV Injection").
- An .xlsx cell has a type, and a cell typed as a string is never evaluated, whatever it
  starts with. `xlsx_text_cell` (openpyxl) and `xlsx_string_xml` (the streamed sheets of
  crm.exports.xlsx) store the text exactly as it is ("+58 212-5550101", not
  "'+58 212-5550101") in a string cell.

Numbers and dates are never text, so they stay numbers and dates in both formats.
"""

import re

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

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


def csv_text(text: str) -> str:
    """The text as a CSV field must hold it: with a leading `'` if it looks like a formula."""
    return "'" + text if is_formula_like(text) else text


def xlsx_text(text: str) -> str:
    """The text fit for an .xlsx cell, otherwise unchanged: no XML-illegal control characters,
    at most Excel's 32,767 characters. No apostrophe: the cell's string type protects it."""
    return _XML_ILLEGAL.sub("", text)[:XLSX_MAX_TEXT]


_XML_SPECIAL = re.compile(r"[&<>\000-\010\013\014\016-\037\ufffe\uffff]")


def xlsx_string_xml(text: str) -> str:
    """The text as the content of a string cell of a streamed sheet (`<c t="inlineStr">…`):
    fit for .xlsx (`xlsx_text`) and XML-escaped. The cell's string type is what keeps a
    spreadsheet from ever running it."""
    if _XML_SPECIAL.search(text) is None and len(text) <= XLSX_MAX_TEXT:
        return text  # the usual case, in one scan
    return xlsx_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xlsx_text_cell(
    sheet: Worksheet | WriteOnlyWorksheet, text: str, *, font: Font | None = None
) -> Cell:
    """A string cell holding `text` as it is, for `sheet.append()` (write-only or not).

    openpyxl would store any value beginning with "=" as a formula; typing the cell as a
    string ("s") means no spreadsheet ever evaluates it."""
    cell = WriteOnlyCell(sheet, value=xlsx_text(text))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell
