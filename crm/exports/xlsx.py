"""Excel (.xlsx) exports written row by row (openpyxl's write-only mode), so memory stays flat
whatever the number of rows: openpyxl streams the sheet to a temporary file and the finished
workbook goes to a spooled file (in memory while small, on disk beyond SPOOL_MAX_BYTES)."""

from collections.abc import Iterable, Sequence
from datetime import date
from tempfile import SpooledTemporaryFile
from typing import IO

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from crm.exports.cells import xlsx_text_cell
from crm.exports.columns import Column, Kind

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_MAX_BYTES = 8 * 1024 * 1024
MONEY_FORMAT = "#,##0.00"
INTEGER_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"  # Venezuelan order; Excel still holds a real date
_BOLD = Font(bold=True)


def _cell(sheet: WriteOnlyWorksheet, kind: Kind, value: object):
    if value is None or value == "":
        return None
    if kind is Kind.TEXT:
        return xlsx_text_cell(sheet, str(value))
    cell = WriteOnlyCell(sheet, value=value)
    if kind is Kind.MONEY:
        cell.number_format = MONEY_FORMAT
    elif kind is Kind.INTEGER:
        cell.number_format = INTEGER_FORMAT
    elif kind is Kind.DATE and isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def write_xlsx(
    *, columns: Sequence[Column], rows: Iterable[Sequence[object]], sheet_title: str
) -> IO[bytes]:
    """The workbook as a file positioned at its start: a bold header row (frozen, with
    filters) and one row per item of `rows`, text always as text, numbers and dates as such."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_text_cell(sheet, str(column.header), font=_BOLD) for column in columns])
    last_row = 1
    for values in rows:
        sheet.append(
            [
                _cell(sheet, column.kind, value)
                for column, value in zip(columns, values, strict=True)
            ]
        )
        last_row += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    output = SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return output


def xlsx_response(
    *, columns: Sequence[Column], rows: Iterable[Sequence[object]], filename: str, sheet_title: str
) -> FileResponse:
    output = write_xlsx(columns=columns, rows=rows, sheet_title=sheet_title)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)
