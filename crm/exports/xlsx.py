"""Excel (.xlsx) exports that stream: the first bytes leave at once and memory stays flat
whatever the number of rows.

An .xlsx file is a zip of XML parts. The small parts (a Resumen sheet with its charts, the
styles, the workbook) are written by openpyxl into memory as usual; each big sheet is
written here as XML, row by row, straight into a zip that is sent as it is made (stream-zip,
ZIP_32 members with data descriptors: the layout Excel itself accepts from a stream). So no
row is kept once written, no temporary file holds the sheet, and the response starts with
the first rows instead of after the last.

Cells of a streamed sheet: text is an inline string (`t="inlineStr"`) through the shared
helper crm.exports.cells.xlsx_string_xml (a string cell is never evaluated, so "=…" stays
text); numbers are numbers and dates are Excel serial dates, with number formats appended
to the workbook's styles.

Why this writer (measured on the same 100,000 opportunity rows, already in memory, one
after the other on a loaded machine): openpyxl's write-only mode 36.6 s and XlsxWriter's
constant_memory mode 18.8 s, both building the whole file before its first byte; this sheet
XML in stream-zip 3.5 s (2.0 s once tuned: one scan per text, numbers printed as they are,
deflate level 3), first chunk after 0.01 s (the same XML in zipstream-ng: 3.1 s, but
it marks every member of unknown size as zip64, a layout Excel is reported to reject in .xlsx
files; stream-zip's ZIP_32 is the plain one).
"""

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from lxml import etree
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from stream_zip import ZIP_32, stream_zip

from crm.exports.cells import xlsx_string_xml
from crm.exports.columns import Column, Kind

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
INTEGER_FORMAT = "0"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"  # Venezuelan order; Excel still holds a real date
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
RATE_FORMAT = "#,##0.0000"
NUMBER_FORMATS = {
    Kind.MONEY: MONEY_FORMAT,
    Kind.RATE: RATE_FORMAT,
    Kind.INTEGER: INTEGER_FORMAT,
    Kind.DATE: DATE_FORMAT,
    Kind.DATETIME: DATETIME_FORMAT,
}
# Deflate level 3: at 100,000 rows 0.66 s against level 6's 1.6 s, for a file 12 % larger
# (6.9 against 6.2 MB; level 1: 0.59 s, 8.0 MB).
COMPRESS_LEVEL = 3
ROWS_PER_CHUNK = 500  # rows of XML handed to the zip at once
ZIP_CHUNK = 64 * 1024  # bytes per chunk of the response
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS = {"m": _MAIN}
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # serial 0 (1900 system, after the leap bug)


@dataclass
class StreamedSheet:
    """A sheet written row by row: a bold frozen header with filters, `columns` giving each
    column's header, kind and width, and `rows` the raw values (one sequence per row, in
    column order), consumed once while the response is sent."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    last_row: int = 0  # known once the rows have been written

    def __post_init__(self) -> None:
        self.title = str(self.title)[:31]  # Excel's limit
        # In the request's language now: the rows are written after the view has returned.
        self.headers = [str(column.header) for column in self.columns]


# Styles: the streamed sheets' number formats and bold header, added to openpyxl's ----------


@dataclass(frozen=True)
class _Styles:
    header: int  # cellXfs index of the bold header
    kinds: dict[Kind, int]  # cellXfs index of each kind's number format (0: none)


def _add_styles(styles_xml: bytes) -> tuple[bytes, _Styles]:
    """openpyxl's styles.xml with a bold font and one cell format per number format of
    NUMBER_FORMATS appended; their indices for the streamed cells."""
    root = etree.fromstring(styles_xml)

    def section(name: str, before: str | None = None) -> Any:
        element = root.find(f"m:{name}", _NS)
        if element is None:
            element = etree.Element(f"{{{_MAIN}}}{name}")
            anchor = root.find(f"m:{before}", _NS) if before else None
            if anchor is not None:
                anchor.addprevious(element)
            else:
                root.insert(0, element)
        return element

    def append(parent: Any, tag: str, **attributes: Any) -> int:
        etree.SubElement(parent, f"{{{_MAIN}}}{tag}", {k: str(v) for k, v in attributes.items()})
        count = len(parent)
        parent.set("count", str(count))
        return count - 1

    num_fmts = section("numFmts", before="fonts")
    next_id = max([163, *(int(f.get("numFmtId")) for f in num_fmts)]) + 1
    fonts, cell_xfs = section("fonts"), section("cellXfs")
    bold = append(fonts, "font")
    etree.SubElement(fonts[bold], f"{{{_MAIN}}}b")
    header = append(cell_xfs, "xf", numFmtId=0, fontId=bold, fillId=0, borderId=0, xfId=0,
                    applyFont=1)  # fmt: skip
    kinds = {Kind.TEXT: 0}
    for kind, code in NUMBER_FORMATS.items():
        append(num_fmts, "numFmt", numFmtId=next_id, formatCode=code)
        kinds[kind] = append(cell_xfs, "xf", numFmtId=next_id, fontId=0, fillId=0, borderId=0,
                             xfId=0, applyNumberFormat=1)  # fmt: skip
        next_id += 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), _Styles(
        header=header, kinds=kinds
    )


# The XML of a streamed sheet ----------------------------------------------------------------


def _date_serial(value: date) -> str:
    """An Excel serial date: days since 1899-12-30 (of a datetime, its day)."""
    return str(value.toordinal() - _EXCEL_EPOCH)


def _datetime_serial(value: datetime) -> str:
    """An Excel serial date and time (the time as a fraction of a day) of a naive local
    datetime (an aware one is turned into local time first)."""
    if not isinstance(value, datetime):
        return _date_serial(value)
    if value.tzinfo is not None:
        value = timezone.localtime(value)
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return repr(value.toordinal() - _EXCEL_EPOCH + seconds / 86400)


# The column's kind decides the value's type (a DATE column holds dates), hence Any.
_CONVERT: dict[Kind, Callable[[Any], str]] = {
    Kind.MONEY: str,  # int, Decimal and float print as numbers XML Schema reads
    Kind.RATE: str,
    Kind.INTEGER: str,
    Kind.DATE: _date_serial,
    Kind.DATETIME: _datetime_serial,
}


def _cell_writer(letter: str, kind: Kind, style: int) -> Callable[[object, str], str]:
    """The XML of one cell of this column, for (value, row number); "" for an empty value."""
    if kind is Kind.TEXT:
        opening = f'<c r="{letter}'
        middle = '" t="inlineStr"><is><t xml:space="preserve">'

        def text(value: object, row: str) -> str:
            if value is None or value == "":
                return ""
            return f"{opening}{row}{middle}{xlsx_string_xml(str(value))}</t></is></c>"

        return text
    opening, middle = f'<c r="{letter}', f'" s="{style}"><v>'
    convert = _CONVERT[kind]

    def number(value: object, row: str) -> str:
        if value is None or value == "":
            return ""
        return f"{opening}{row}{middle}{convert(value)}</v></c>"

    return number


def _sheet_xml(sheet: StreamedSheet, styles: _Styles) -> Iterator[bytes]:
    columns = sheet.columns
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    widths = "".join(
        f'<col min="{n}" max="{n}" width="{column.width}" customWidth="1"/>'
        for n, column in enumerate(columns, start=1)
    )
    header = "".join(
        f'<c r="{letter}1" s="{styles.header}" t="inlineStr"><is><t xml:space="preserve">'
        f"{xlsx_string_xml(header)}</t></is></c>"
        for letter, header in zip(letters, sheet.headers, strict=True)
    )
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols>'
        f'<sheetData><row r="1">{header}</row>'
    ).encode()
    writers = [
        _cell_writer(letter, column.kind, styles.kinds[column.kind])
        for letter, column in zip(letters, columns, strict=True)
    ]
    chunk: list[str] = []
    number = 1
    for values in sheet.rows:
        number += 1
        row = str(number)
        cells = "".join([write(value, row) for write, value in zip(writers, values, strict=True)])
        chunk.append(f'<row r="{row}">{cells}</row>')
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    sheet.last_row = number
    chunk.append(f'</sheetData><autoFilter ref="{_filter_range(sheet)}"/></worksheet>')
    yield "".join(chunk).encode()


def _filter_range(sheet: StreamedSheet) -> str:
    return f"A1:{get_column_letter(len(sheet.columns))}{sheet.last_row}"


# The workbook -------------------------------------------------------------------------------


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet title -> its part name ("xl/worksheets/sheet2.xml"), from the workbook's rels."""
    workbook = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    names = {}
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        target = targets[sheet.get(f"{{{_REL}}}id")]
        names[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return names


def _workbook_xml(original: bytes, sheets: Sequence[StreamedSheet]) -> Iterator[bytes]:
    """workbook.xml with the streamed sheets' filter ranges as defined names (Excel's
    `_xlnm._FilterDatabase`); a generator, run only once those sheets have been written."""
    root = etree.fromstring(original)
    titles = [sheet.get("name") for sheet in root.iter(f"{{{_MAIN}}}sheet")]
    defined = root.find("m:definedNames", _NS)
    if defined is None:
        defined = etree.Element(f"{{{_MAIN}}}definedNames")
        root.find("m:sheets", _NS).addnext(defined)
    for sheet in sheets:
        name = etree.SubElement(defined, f"{{{_MAIN}}}definedName")
        name.set("name", "_xlnm._FilterDatabase")
        name.set("localSheetId", str(titles.index(sheet.title)))
        name.set("hidden", "1")
        last_column = get_column_letter(len(sheet.columns))
        name.text = f"{quote_sheetname(sheet.title)}!$A$1:${last_column}${sheet.last_row}"
    yield etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def xlsx_chunks(
    *, sheets: Sequence[StreamedSheet], workbook: Workbook | None = None
) -> Iterator[bytes]:
    """The .xlsx file, chunk by chunk: `workbook`'s own sheets (if any: a Resumen with its
    charts, written now) followed by the streamed `sheets`, whose rows are read as the
    chunks are sent."""
    workbook = workbook or Workbook(write_only=True)
    for sheet in sheets:
        workbook.create_sheet(title=sheet.title)  # a placeholder, replaced below
    small = io.BytesIO()
    workbook.save(small)
    with zipfile.ZipFile(small) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_parts = _sheet_parts(parts)
    parts["xl/styles.xml"], styles = _add_styles(parts["xl/styles.xml"])
    streamed = {sheet_parts[sheet.title]: sheet for sheet in sheets}
    workbook_xml = parts.pop("xl/workbook.xml")
    modified = timezone.now()

    def members() -> Iterator[tuple[str, Any, int, Any, Any]]:
        for name, content in parts.items():
            if name in streamed:
                yield name, modified, 0o600, ZIP_32, _sheet_xml(streamed[name], styles)
            else:
                yield name, modified, 0o600, ZIP_32, (content,)
        # Last: it names the filter ranges, known only once the rows are written.
        yield "xl/workbook.xml", modified, 0o600, ZIP_32, _workbook_xml(workbook_xml, sheets)

    chunks = stream_zip(
        members(),
        chunk_size=ZIP_CHUNK,
        get_compressobj=lambda: zlib.compressobj(wbits=-zlib.MAX_WBITS, level=COMPRESS_LEVEL),
        extended_timestamps=False,
    )
    # Typed as an Iterable though it is a generator: iter() returns it as it is, keeping
    # the promise of an Iterator (callers take the first chunk with next()).
    return iter(chunks)


def xlsx_response(
    *, sheets: Sequence[StreamedSheet], filename: str, workbook: Workbook | None = None
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        xlsx_chunks(sheets=sheets, workbook=workbook), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def write_xlsx(
    *, columns: Sequence[Column], rows: Iterable[Sequence[object]], sheet_title: str
) -> BytesIO:
    """The whole file in memory (tests and small files): one streamed sheet."""
    return io.BytesIO(b"".join(xlsx_chunks(sheets=[StreamedSheet(sheet_title, columns, rows)])))
