"""Reading an uploaded import file into a Table, refusing anything that is not really an
Excel (.xlsx) or CSV file of a sensible size, with a Spanish message that says what to do.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.imports.columns import Column, column_for_header

MAX_BYTES = 5 * 1024 * 1024
# Each row costs a few queries in the dry run and again on confirmation: keep both quick.
MAX_ROWS = 2000
# An .xlsx is a zip: refuse archives that unpack to far more than any real client list.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
EXTENSIONS = ("xlsx", "csv")
CSV_DELIMITERS = (";", ",", "\t")


class FileRejected(Exception):
    """The upload cannot be imported at all; the message is for the user."""


@dataclass
class Table:
    """The rows of a file under canonical headers (the resource's field names).

    `lines` holds each row's line number in the user's spreadsheet (the header is line 1,
    blank lines are skipped but still counted) so that errors point at the right line.
    """

    headers: list[str]
    rows: list[list[object]]
    lines: list[int]
    ignored_headers: list[str] = field(default_factory=list)

    def dataset(self) -> tablib.Dataset:
        return tablib.Dataset(*[tuple(row) for row in self.rows], headers=self.headers)


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_upload(content: bytes, filename: str, columns: tuple[Column, ...]) -> Table:
    """Check the file's size, extension and content, then read its first sheet."""
    if len(content) > MAX_BYTES:
        raise FileRejected(
            _("The file is larger than 5 MB. Split it into smaller files and import each.")
        )
    extension = extension_of(filename)
    if extension == "xls":
        raise FileRejected(
            _(
                "Excel 97-2003 files (.xls) are not accepted. Open the file in Excel and "
                "save it as “Excel Workbook (.xlsx)” or as CSV."
            )
        )
    if extension not in EXTENSIONS:
        raise FileRejected(_("Upload an Excel (.xlsx) or CSV (.csv) file."))
    if not content:
        raise FileRejected(_("The file is empty."))
    cells = _xlsx_rows(content) if extension == "xlsx" else _csv_rows(content)
    return _table(cells, columns)


def _xlsx_rows(content: bytes):
    import openpyxl  # only needed here; keeps the module light for CSV-only paths

    if not content.startswith(b"PK\x03\x04"):
        raise FileRejected(_("This file is not a real Excel (.xlsx) file."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileRejected(_("This file is not a real Excel (.xlsx) file.")) from exc
    if "xl/workbook.xml" not in names:
        raise FileRejected(_("This file is not a real Excel (.xlsx) file."))
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileRejected(
            _("The file is larger than 5 MB. Split it into smaller files and import each.")
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
        book.close()
    except FileRejected:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileRejected(
            _("The Excel file could not be read. Open it, save it again and retry.")
        ) from exc


def _csv_rows(content: bytes):
    if b"\x00" in content[:4096] or content.startswith(b"PK\x03\x04"):
        raise FileRejected(_("This file is not a real CSV file (it holds binary data)."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in its own code page.
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise FileRejected(_("The CSV file could not be read: check its quotes.")) from exc


def _table(cells, columns: tuple[Column, ...]) -> Table:
    rows_iter = iter(cells)
    header_row, header_line = None, 0
    for line, row in enumerate(rows_iter, start=1):
        if any(_cell(value) != "" for value in row):
            header_row, header_line = list(row), line
            break
    if header_row is None:
        raise FileRejected(_("The file is empty."))
    positions, headers, ignored = _match_headers(header_row, columns)
    table = Table(headers=headers, rows=[], lines=[], ignored_headers=ignored)
    for line, row in enumerate(rows_iter, start=header_line + 1):
        values = [_cell(row[i]) if i < len(row) else "" for i in positions]
        if all(value == "" for value in values):
            continue
        if len(table.rows) == MAX_ROWS:
            raise FileRejected(
                _(
                    "The file has more than %(max)s rows. Split it into files of at most "
                    "%(max)s rows and import each."
                )
                % {"max": MAX_ROWS}
            )
        table.rows.append(values)
        table.lines.append(line)
    if not table.rows:
        raise FileRejected(_("The file has column names but no rows to import."))
    return table


def _match_headers(header_row, columns):
    positions, headers, ignored, seen = [], [], [], {}
    for index, header in enumerate(header_row):
        text = _cell(header)
        column = column_for_header(columns, text)
        if column is None:
            if text:
                ignored.append(str(text))
            continue
        if column.field in seen:
            raise FileRejected(
                _("The column “%(column)s” appears twice (%(first)s and %(second)s).")
                % {"column": column.label, "first": seen[column.field], "second": text}
            )
        seen[column.field] = text
        positions.append(index)
        headers.append(column.field)
    missing = [str(c.label) for c in columns if c.required and c.field not in headers]
    if missing:
        raise FileRejected(
            ngettext(
                "The file has no %(columns)s column. The first row must hold the "
                "column names, as in the template.",
                "The file lacks the columns %(columns)s. The first row must hold the "
                "column names, as in the template.",
                len(missing),
            )
            % {"columns": ", ".join(f"“{name}”" for name in missing)}
        )
    return positions, headers, ignored


def _cell(value: object) -> object:
    """A cell as the widgets expect it: text stripped, whole numbers as digits (a NIT or a
    phone typed into Excel becomes a number), other numbers as exact Decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def template_workbook(columns: tuple[Column, ...]) -> bytes:
    """An empty .xlsx with the column names in the first row, ready to fill in."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(_("Import"))
    sheet.append([str(column.label) for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(str(column.label)) + 4)
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def template_csv(columns: tuple[Column, ...]) -> bytes:
    """The same as CSV, with ";" and a BOM: what Excel in Spanish opens correctly."""
    output = io.StringIO()
    csv.writer(output, delimiter=";").writerow([str(column.label) for column in columns])
    return ("\ufeff" + output.getvalue()).encode("utf-8")
