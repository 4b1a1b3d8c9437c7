"""The streamed writers: bytes leave before the rows are all read, memory does not grow with
the rows, and the zip is one that Excel and LibreOffice open (ZIP_32 members, no zip64)."""

import datetime
import io
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl

from crm.exports.columns import Column, Kind
from crm.exports.csv import csv_lines
from crm.exports.xlsx import StreamedSheet, xlsx_chunks

COLUMNS = (
    Column("Nombre", Kind.TEXT, 30),
    Column("Monto", Kind.MONEY, 12),
    Column("Cantidad", Kind.INTEGER, 8),
    Column("Fecha", Kind.DATE, 12),
    Column("Momento", Kind.DATETIME, 16),
)


class CountedRows:
    """`total` rows made on demand, counting how many were read so far."""

    def __init__(self, total: int):
        self.total, self.read = total, 0

    def __iter__(self):
        for n in range(self.total):
            self.read += 1
            yield [
                f"Oportunidad número {n} <&> con texto",
                Decimal(n) / 4,
                n,
                datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365),
                datetime.datetime(2026, 1, 1, 8, 30) + datetime.timedelta(minutes=n),
            ]


def test_the_xlsx_file_starts_before_its_rows_are_all_read():
    rows = CountedRows(20_000)
    chunks = xlsx_chunks(sheets=[StreamedSheet("Hoja", COLUMNS, rows)])

    first = next(chunks)

    assert first.startswith(b"PK")
    assert rows.read < rows.total / 2
    rest = b"".join(chunks)
    assert rows.read == rows.total
    sheet = openpyxl.load_workbook(io.BytesIO(first + rest), read_only=True)["Hoja"]
    last = list(sheet.iter_rows(min_row=20_001, values_only=True))
    assert last == [
        (
            "Oportunidad número 19999 <&> con texto",
            4999.75,
            19999,
            datetime.datetime(2026, 1, 1) + datetime.timedelta(days=19999 % 365),
            datetime.datetime(2026, 1, 1, 8, 30) + datetime.timedelta(minutes=19999),
        )
    ]


def test_the_csv_file_starts_before_its_rows_are_all_read():
    rows = CountedRows(20_000)
    lines = csv_lines(columns=COLUMNS, rows=rows)

    next(lines)
    next(lines)

    assert rows.read < 1000


def test_writing_more_rows_takes_no_more_memory():
    def peak(total: int) -> int:
        tracemalloc.start()
        for _chunk in xlsx_chunks(sheets=[StreamedSheet("Hoja", COLUMNS, CountedRows(total))]):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak(1_000), peak(20_000)

    assert large < small + 1_000_000  # twenty times the rows, not a megabyte more


def test_the_zip_holds_plain_zip32_members_that_a_zip_reader_checks():
    content = b"".join(xlsx_chunks(sheets=[StreamedSheet("Hoja", COLUMNS, CountedRows(10))]))

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert "[Content_Types].xml" in names
        assert "xl/workbook.xml" in names
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.extra == b""  # no zip64 field, no extended timestamps
    assert b"PK\x06\x06" not in content  # no zip64 end of central directory


def test_a_streamed_sheet_follows_the_summary_sheets_of_a_workbook():
    workbook = openpyxl.Workbook(write_only=True)
    summary = workbook.create_sheet("Resumen")
    summary.append(["Total", 3])

    content = b"".join(
        xlsx_chunks(workbook=workbook, sheets=[StreamedSheet("Detalle", COLUMNS, CountedRows(3))])
    )

    read = openpyxl.load_workbook(io.BytesIO(content))
    assert read.sheetnames == ["Resumen", "Detalle"]
    assert read["Resumen"]["B1"].value == 3
    assert read["Detalle"].max_row == 4
    assert read["Detalle"].auto_filter.ref == "A1:E4"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    # Excel's name for the filtered range of a sheet (the second: localSheetId 1)
    assert (
        '<definedName name="_xlnm._FilterDatabase" localSheetId="1" hidden="1">'
        "'Detalle'!$A$1:$E$4</definedName>"
    ) in workbook_xml
