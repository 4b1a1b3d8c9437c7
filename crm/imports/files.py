"""Reading an uploaded import file into a Table, refusing anything that is not really an
Excel (.xlsx) or CSV file of a sensible size, with a Spanish message that says what to do.

Nothing here reads more than a real client list needs: an .xlsx is refused from its zip
directory alone when it would unpack to more than a spreadsheet of MAX_ROWS rows can (the
declared sizes bound the real ones, since zipfile never inflates a member past its declared
size), and both formats stop being read at the first row past the limits.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from charset_normalizer import from_bytes
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.imports.columns import Column, column_for_header

MAX_BYTES = 5 * 1024 * 1024
# Each row costs a few queries in the dry run and again on confirmation: keep both quick.
MAX_ROWS = 2000
# Blank lines are skipped but still read: a file may not hold many more lines than rows.
MAX_LINES = 5 * MAX_ROWS
# An .xlsx is a zip. 2,000 rows of 40 columns unpack to about 5 MB of sheet XML and a few
# MB of shared strings; anything far beyond that is not a client list but a bomb.
MAX_ZIP_ENTRIES = 500
MAX_UNZIPPED_BYTES = 16 * 1024 * 1024
MAX_PART_BYTES = 8 * 1024 * 1024
# Spreadsheet XML compresses about 10-30 times; a zip bomb, hundreds of times.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small parts (styles, rels) may compress more, harmlessly
EXTENSIONS = ("xlsx", "csv")
CSV_DELIMITERS = (";", ",", "\t")
MB = 1024 * 1024


class FileRejected(Exception):
    """The upload cannot be imported at all; the message is for the user."""


@dataclass
class Table:
    """The rows of a file under canonical headers (the resource's field names).

    `lines` holds each row's line number in the user's spreadsheet (the header is line 1,
    blank lines are skipped but still counted) so that errors point at the right line.
    `encoding` names how a CSV file's text was read ("" for Excel files).
    """

    headers: list[str]
    rows: list[list[object]]
    lines: list[int]
    ignored_headers: list[str] = field(default_factory=list)
    encoding: str = ""

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
    if extension == "xlsx":
        return _table(_xlsx_rows(content), columns)
    text, encoding = decode_csv(content)
    table = _table(_csv_rows(text), columns)
    table.encoding = encoding
    return table


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse, from the zip directory alone, an .xlsx that would unpack to far more than a
    spreadsheet of MAX_ROWS rows: too many entries, too large a part or in all, or a part
    compressed like a bomb. Nothing has been inflated yet."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileRejected(
            _(
                "The file holds %(count)s internal parts, far more than an Excel workbook "
                "(a few dozen). Save it again from Excel, or as CSV, and retry."
            )
            % {"count": len(entries)}
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNZIPPED_BYTES:
        raise FileRejected(_unzipped_message(total, MAX_UNZIPPED_BYTES))
    for entry in entries:
        if entry.file_size > MAX_PART_BYTES:
            raise FileRejected(_unzipped_message(entry.file_size, MAX_PART_BYTES))
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise FileRejected(
                _(
                    "The file is compressed %(ratio)s times, far more than a real "
                    "spreadsheet (a compressed bomb): it is not accepted."
                )
                % {"ratio": int(ratio)}
            )


def _unzipped_message(size: int, limit: int) -> str:
    return _(
        "Unpacked, the file takes %(size)s MB (an .xlsx is a compressed archive); at most "
        "%(max)s MB is accepted, far more than %(rows)s rows need. Copy only the rows to "
        "import into a new workbook, or save them as CSV."
    ) % {"size": _megabytes(size), "max": limit // MB, "rows": MAX_ROWS}


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def _xlsx_rows(content: bytes) -> Iterator[tuple[object, ...]]:
    import openpyxl  # only needed here; keeps the module light for CSV-only paths

    if not content.startswith(b"PK\x03\x04"):
        raise FileRejected(_("This file is not a real Excel (.xlsx) file."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            check_archive(archive)
    except zipfile.BadZipFile as exc:
        raise FileRejected(_("This file is not a real Excel (.xlsx) file.")) from exc
    if "xl/workbook.xml" not in names:
        raise FileRejected(_("This file is not a real Excel (.xlsx) file."))
    book = None
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # One line more than allowed, so that _table can tell "too many" from "just enough".
        yield from sheet.iter_rows(values_only=True, max_row=MAX_LINES + 1)
    except FileRejected:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileRejected(
            _("The Excel file could not be read. Open it, save it again and retry.")
        ) from exc
    finally:
        if book is not None:
            book.close()


# CSV encodings --------------------------------------------------------------------------
# Accepted: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), and the Western
# code page Excel on Windows uses (cp1252, of which ISO-8859-1 is a subset). Another script
# (Shift-JIS, Cyrillic...) is refused naming what charset-normalizer finds; a Spanish file in
# Mac Roman or an old DOS code page decodes under cp1252 too, but into other letters: those
# are recognised by what their accented letters become (_oddities) and refused.
UTF16_CODECS = {"utf_16", "utf_16_le", "utf_16_be"}
LOOKALIKE_CODE_PAGES = ("mac_roman", "cp850")
WESTERN_CODE_PAGES = ["cp1252", "latin_1", *LOOKALIKE_CODE_PAGES]
ENCODING_NAMES = {
    "mac_roman": "Mac Roman",
    "cp850": "DOS (cp850)",
    "cp437": "DOS (cp437)",
    "cp932": "Shift-JIS",
    "shift_jis": "Shift-JIS",
    "shift_jis_2004": "Shift-JIS",
    "shift_jisx0213": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "gb18030": "GB18030",
    "gb2312": "GB2312",
    "gbk": "GBK",
    "big5": "Big5",
    "cp949": "EUC-KR",
    "euc_kr": "EUC-KR",
    "cp1251": "Windows-1251",
    "koi8_r": "KOI8-R",
}
NON_ASCII = re.compile(r"[^\x00-\x7f]")


def decode_csv(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of the encoding it was read in, or FileRejected
    naming the encoding found when it is not one of those accepted."""
    if content.startswith(b"PK\x03\x04"):
        raise _binary()
    if content.startswith(b"\xef\xbb\xbf"):
        text, name = _strict(content[3:], "utf_8"), "UTF-8"
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, name = _strict(content, "utf_16"), "UTF-16"
    elif b"\x00" in content:
        # UTF-16 without its byte-order mark, or not text at all.
        best = from_bytes(content).best()
        if best is None or best.encoding not in UTF16_CODECS:
            raise _binary()
        text, name = _strict(content, best.encoding), "UTF-16"
    else:
        try:
            text, name = content.decode("utf_8"), "UTF-8"
        except UnicodeDecodeError:
            text, name = _single_byte(content)
    if "\x00" in text:
        raise _binary()
    return text, name


def _strict(content: bytes, codec: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError:
        raise _binary() from None


def _binary() -> FileRejected:
    return FileRejected(_("This file is not a real CSV file (it holds binary data)."))


def _single_byte(content: bytes) -> tuple[str, str]:
    # Can any Western code page read it without a mess? (charset-normalizer's judgement,
    # limited to those: unrestricted, it names Big5 for "Añil" in cp1252.)
    if not from_bytes(content, cp_isolation=WESTERN_CODE_PAGES):
        best = from_bytes(content).best()
        if best is None:
            raise FileRejected(
                _(
                    "The characters of this file could not be recognised. Save it again as "
                    "“CSV UTF-8” and import it again."
                )
            )
        raise _unaccepted(best.encoding)
    # A Western single-byte code page: which one reads the accented letters as letters?
    try:
        western = content.decode("cp1252")
        codec = "cp1252"
    except UnicodeDecodeError:  # five bytes cp1252 leaves undefined; latin-1 reads them
        western, codec = content.decode("latin_1"), "latin_1"
    oddities = {codec: _oddities(western)}
    for lookalike in LOOKALIKE_CODE_PAGES:
        oddities[lookalike] = _oddities(content.decode(lookalike))
    chosen = min(oddities, key=oddities.__getitem__)  # first (cp1252) wins a tie
    if chosen != codec:
        raise _unaccepted(chosen)
    if codec == "cp1252" and re.search(rb"[\x80-\x9f]", content):
        return western, "Windows-1252"
    return western, "ISO-8859-1 (Latin-1)"


def _oddities(text: str) -> int:
    """How many non-ASCII characters of `text` no Spanish (or Western) writer would type:
    controls and unassigned code points, a symbol between two letters ("Pe–alver"), or a
    capital right after a small letter ("rÈpida")."""
    count = 0
    for match in NON_ASCII.finditer(text):
        char, start = match.group(), match.start()
        before = text[start - 1] if start else " "
        after = text[start + 1] if start + 1 < len(text) else " "
        control = unicodedata.category(char)[0] == "C"
        symbol_inside_a_word = not char.isalpha() and before.isalpha() and after.isalpha()
        capital_inside_a_word = char.isupper() and before.islower()
        count += control or symbol_inside_a_word or capital_inside_a_word
    return count


def _unaccepted(codec: str) -> FileRejected:
    name = ENCODING_NAMES.get(codec, codec.upper().replace("_", "-"))
    return FileRejected(
        _(
            "The file is written in the %(encoding)s encoding, which is not accepted: only "
            "UTF-8, UTF-16 and Windows-1252 (Latin-1). Open it and save it again as "
            "“CSV UTF-8” (in Excel: File › Save as › CSV UTF-8), then import it again."
        )
        % {"encoding": name}
    )


def _csv_rows(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise FileRejected(_("The CSV file could not be read: check its quotes.")) from exc


def _table(cells: Iterable[Sequence[object]], columns: tuple[Column, ...]) -> Table:
    """The header (the first non-blank line) and the rows under it. Reading stops at the
    first line past MAX_LINES or the first non-blank row past MAX_ROWS: every row with a
    value counts, also one whose values are all in columns that are not imported."""
    rows_iter = iter(cells)
    header_row, header_line = None, 0
    for line, row in enumerate(rows_iter, start=1):
        if line > MAX_LINES:
            raise _too_many_lines()
        if _has_value(row):
            header_row, header_line = list(row), line
            break
    if header_row is None:
        raise FileRejected(_("The file is empty."))
    positions, headers, ignored = _match_headers(header_row, columns)
    table = Table(headers=headers, rows=[], lines=[], ignored_headers=ignored)
    rows_with_values = 0
    for line, row in enumerate(rows_iter, start=header_line + 1):
        if line > MAX_LINES:
            raise _too_many_lines()
        if not _has_value(row):
            continue
        rows_with_values += 1
        if rows_with_values > MAX_ROWS:
            raise FileRejected(
                _(
                    "The file has more than %(max)s rows. Split it into files of at most "
                    "%(max)s rows and import each."
                )
                % {"max": MAX_ROWS}
            )
        values = [_cell(row[i]) if i < len(row) else "" for i in positions]
        if all(value == "" for value in values):
            continue
        table.rows.append(values)
        table.lines.append(line)
    if not table.rows:
        raise FileRejected(_("The file has column names but no rows to import."))
    return table


def _has_value(row: Sequence[object]) -> bool:
    return any(_cell(value) != "" for value in row)


def _too_many_lines() -> FileRejected:
    return FileRejected(
        _(
            "The file has more than %(max)s lines, counting the blank ones. Delete the blank "
            "rows at its end, or split it into smaller files, and import again."
        )
        % {"max": MAX_LINES}
    )


def _match_headers(
    header_row: Sequence[object], columns: tuple[Column, ...]
) -> tuple[list[int], list[str], list[str]]:
    positions: list[int] = []
    headers: list[str] = []
    ignored: list[str] = []
    seen: dict[str, object] = {}  # field -> the header that filled it
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
