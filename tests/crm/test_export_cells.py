"""Formula neutralisation: text a spreadsheet would run is shown as text, numbers stay numbers.

CSV gets a leading apostrophe; an .xlsx cell holds the text as it is, typed as a string."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from crm.exports.cells import XLSX_MAX_TEXT, csv_text, is_formula_like, xlsx_text
from crm.exports.columns import Column, Kind
from crm.exports.csv import csv_lines
from crm.exports.xlsx import write_xlsx

DANGEROUS = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "  =1+1",  # leading spaces some spreadsheets trim on import
    "\n=1+1",
]
HARMLESS = ["Alimentos La Sabana, C.A.", "J-12345678-9", "1+1", "a=b", "", "José", "'ya citado"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_prefixes_an_apostrophe_to_csv_text_that_looks_like_a_formula(text):
    assert is_formula_like(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_it_leaves_other_text_alone(text):
    assert not is_formula_like(text)
    assert csv_text(text) == text


def test_it_drops_characters_an_xlsx_file_cannot_hold():
    assert xlsx_text("Nota\x00 con\x0b control\x1f") == "Nota con control"


def test_it_keeps_tabs_and_line_breaks_inside_xlsx_text():
    assert xlsx_text("línea 1\nlínea 2\tfin") == "línea 1\nlínea 2\tfin"


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_keeps_xlsx_text_as_typed_without_an_apostrophe(text):
    assert xlsx_text(text) == text


def test_it_drops_control_characters_but_adds_nothing_before_a_formula_sign():
    assert xlsx_text("\x01=1+1") == "=1+1"


def test_it_cuts_xlsx_text_to_excels_limit_per_cell():
    assert len(xlsx_text("x" * 40000)) == XLSX_MAX_TEXT


# The writers --------------------------------------------------------------------------------

COLUMNS = (
    Column("Texto", Kind.TEXT, 20, lambda row: row),
    Column("Monto", Kind.MONEY, 12, lambda row: row),
    Column("Cantidad", Kind.INTEGER, 8, lambda row: row),
    Column("Fecha", Kind.DATE, 12, lambda row: row),
)
ROWS = [
    ['=HYPERLINK("http://x")', Decimal("1234.5"), 3, datetime.date(2025, 3, 1)],
    ["-2+3", Decimal("-7.25"), 0, None],
    ["normal", None, None, None],
    ["+58 212-5550101", None, None, None],
]


def test_the_xlsx_writer_stores_text_as_text_and_numbers_as_numbers():
    output = write_xlsx(columns=COLUMNS, rows=iter(ROWS), sheet_title="Hoja")

    sheet = openpyxl.load_workbook(output).active
    first, second, third, _ = list(sheet.iter_rows(min_row=2))
    assert first[0].value == '=HYPERLINK("http://x")'
    assert first[0].data_type == "s"  # a string, not a formula: never evaluated
    assert first[1].value == 1234.5
    assert first[1].data_type == "n"
    assert first[1].number_format == "#,##0.00"
    assert first[2].value == 3
    assert first[3].value.date() == datetime.date(2025, 3, 1)
    assert first[3].is_date
    assert second[0].value == "-2+3"
    assert second[0].data_type == "s"
    assert second[1].value == -7.25  # a negative number is a number, not a formula
    assert [cell.value for cell in third] == ["normal", None, None, None]


def test_the_xlsx_writer_stores_a_phone_as_typed_in_a_string_cell():
    output = write_xlsx(columns=COLUMNS, rows=iter(ROWS), sheet_title="Hoja")

    phone = openpyxl.load_workbook(output).active["A5"]
    assert phone.value == "+58 212-5550101"
    assert phone.data_type == "s"


def test_the_xlsx_writer_has_a_bold_frozen_header_with_widths_and_filters():
    output = write_xlsx(columns=COLUMNS, rows=iter(ROWS), sheet_title="Hoja")

    sheet = openpyxl.load_workbook(output).active
    assert sheet.title == "Hoja"
    assert [cell.value for cell in sheet[1]] == ["Texto", "Monto", "Cantidad", "Fecha"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 20
    assert sheet.auto_filter.ref == "A1:D5"


def test_the_csv_writer_neutralises_text_and_writes_plain_numbers():
    content = "".join(csv_lines(columns=COLUMNS, rows=iter(ROWS)))

    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [
        ["Texto", "Monto", "Cantidad", "Fecha"],
        ['\'=HYPERLINK("http://x")', "1234,50", "3", "2025-03-01"],
        ["'-2+3", "-7,25", "0", ""],
        ["normal", "", "", ""],
        ["'+58 212-5550101", "", "", ""],
    ]


def test_the_csv_writer_quotes_text_holding_the_separator_or_line_breaks():
    columns = (Column("Texto", Kind.TEXT, 20, lambda row: row),)

    content = "".join(csv_lines(columns=columns, rows=iter([["a;b"], ["línea 1\nlínea 2"]])))

    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1:] == [["a;b"], ["línea 1\nlínea 2"]]
