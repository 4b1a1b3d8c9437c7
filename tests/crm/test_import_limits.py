"""Import files that could tie up a worker (zip bombs, a million rows) are refused from what
little has to be read, with a message that says what is wrong; CSV files are read in the
encoding they were saved in, or refused naming it (issue 12, items 6 and 7).

The hostile files are built here, in memory: small on disk, huge once unpacked or read.
"""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.imports import files
from crm.imports.columns import CLIENT_COLUMNS
from crm.imports.files import MAX_LINES, MAX_ROWS, FileRejected, read_upload
from crm.models import Client
from tests.factories import valid_rif

URL = reverse("crm:client_import")
RIF = valid_rif(30111222).replace("-", "")
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_HEAD = f'<?xml version="1.0"?><worksheet xmlns="{SPREADSHEET_NS}">'.encode()
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>RIF/NIT</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>Nombre o raz\xc3\xb3n social</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>Color favorito</t></is></c></row>'
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "privado"


@pytest.fixture
def signed_in(client_as, executive):
    return client_as(executive)


def workbook(sheet_xml: bytes, shared_strings: bytes | None = None) -> bytes:
    """The smallest .xlsx openpyxl opens: one sheet, optionally a shared-strings part."""
    shared_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    overrides = (
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    )
    relations = (
        f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    if shared_strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{shared_type}"/>'
        relations += (
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{SPREADSHEET_NS}" xmlns:r="{DOC_RELS}">'
            '<sheets><sheet name="Clientes" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS_NS}">{relations}</Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return output.getvalue()


def rows_in_an_ignored_column(count: int, *, dimension: bool) -> bytes:
    """A sheet of `count` rows whose only value is in a column the import does not know."""
    parts = [SHEET_HEAD]
    if dimension:
        parts.append(b'<dimension ref="A1:C%d"/>' % count)
    parts += [b"<sheetData>", HEADER_ROW]
    parts += [b'<row r="%d"><c r="C%d"><v>%d</v></c></row>' % (n, n, n) for n in range(2, count)]
    parts.append(b"</sheetData></worksheet>")
    return workbook(b"".join(parts))


def shared_strings_bomb(unpacked: int) -> bytes:
    """A few hundred KB that unpack to `unpacked` bytes of shared strings, loaded whole by
    any reader before the first row."""
    item = b"<si><t>" + b"a" * 50 + b"</t></si>"
    body = item * (unpacked // len(item))
    shared = f'<?xml version="1.0"?><sst xmlns="{SPREADSHEET_NS}">'.encode() + body + b"</sst>"
    sheet = SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
    return workbook(sheet + b"</worksheet>", shared)


class Counted:
    """The rows a reader yields, counted as the table pulls them."""

    def __init__(self, rows):
        self.rows, self.pulled = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.pulled += 1
            yield row


def peak_memory_of(function) -> int:
    tracemalloc.start()
    try:
        function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def form_errors(response) -> str:
    return " ".join(response.context["form"].errors["file"])


# Zip bombs ----------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it():
    bomb = shared_strings_bomb(40 * 1024 * 1024)
    assert len(bomb) < 500 * 1024  # small on disk

    def read():
        with pytest.raises(FileRejected, match=r"Descomprimido, el archivo ocupa 40,0 MB"):
            read_upload(bomb, "clientes.xlsx", CLIENT_COLUMNS)

    # Nothing was inflated: reading 40 MB of XML would take hundreds of MB.
    assert peak_memory_of(read) < 4 * 1024 * 1024


def test_one_part_over_its_limit_is_refused_even_if_the_whole_is_not():
    sheet = SHEET_HEAD + b"<sheetData>" + HEADER_ROW + b"</sheetData></worksheet>"
    padding = b"<!-- " + b"x" * (files.MAX_PART_BYTES + 1024) + b" -->"
    content = workbook(sheet + padding)

    with pytest.raises(FileRejected, match="como máximo 8 MB"):
        read_upload(content, "clientes.xlsx", CLIENT_COLUMNS)


def test_a_part_compressed_like_a_bomb_is_refused(settings):
    # 4 MB of one repeated byte compress about 1,000 times: no spreadsheet does that.
    sheet = SHEET_HEAD + b"<sheetData>" + HEADER_ROW + b"</sheetData></worksheet>"
    content = workbook(sheet + b"<!--" + b" " * (4 * 1024 * 1024) + b"-->")

    with pytest.raises(FileRejected, match=r"comprimido \d+ veces"):
        read_upload(content, "clientes.xlsx", CLIENT_COLUMNS)


def test_an_archive_of_thousands_of_entries_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for number in range(files.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/media/{number}.xml", "")

    with pytest.raises(FileRejected, match=r"partes internas"):
        read_upload(output.getvalue(), "clientes.xlsx", CLIENT_COLUMNS)


def test_the_upload_form_says_the_bomb_unpacks_too_much_not_that_it_weighs_5_mb(signed_in):
    bomb = SimpleUploadedFile("clientes.xlsx", shared_strings_bomb(40 * 1024 * 1024))

    response = signed_in.post(URL, {"file": bomb})

    assert response.status_code == 200
    errors = form_errors(response)
    assert "Descomprimido, el archivo ocupa 40,0 MB" in errors
    assert "5 MB" not in errors


# Rows past the limit -----------------------------------------------------------------------


@pytest.mark.parametrize("dimension", [True, False], ids=["with-dimension", "without"])
def test_an_xlsx_stops_being_read_at_the_row_limit(dimension):
    content = rows_in_an_ignored_column(100_000, dimension=dimension)
    assert len(content) < files.MAX_BYTES
    rows = Counted(files._xlsx_rows(content))

    with pytest.raises(FileRejected, match=f"más de {MAX_ROWS} filas"):
        files._table(rows, CLIENT_COLUMNS)

    assert rows.pulled == 1 + MAX_ROWS + 1  # the header and one row too many: then it stopped


def test_a_csv_of_a_million_rows_in_an_unknown_column_stops_at_the_row_limit():
    content = b"RIF/NIT;Nombre o raz\xc3\xb3n social;Color favorito\n" + b";;1\n" * 1_000_000
    assert len(content) < files.MAX_BYTES
    text, _encoding = files.decode_csv(content)
    rows = Counted(files._csv_rows(text))

    with pytest.raises(FileRejected, match=f"más de {MAX_ROWS} filas"):
        files._table(rows, CLIENT_COLUMNS)

    assert rows.pulled == 1 + MAX_ROWS + 1


def test_a_file_of_blank_lines_stops_at_the_line_limit():
    blank_lines = b";\n" * 1_000_000
    content = b"RIF/NIT;Nombre o raz\xc3\xb3n social\n" + blank_lines + RIF.encode() + b";A\n"
    text, _encoding = files.decode_csv(content)
    rows = Counted(files._csv_rows(text))

    with pytest.raises(FileRejected, match=f"más de {MAX_LINES} líneas"):
        files._table(rows, CLIENT_COLUMNS)

    assert rows.pulled == MAX_LINES + 1


def test_the_upload_form_says_the_file_has_too_many_rows(signed_in):
    content = b"RIF/NIT;Nombre o raz\xc3\xb3n social;Color favorito\n" + b";;1\n" * 1_000_000

    response = signed_in.post(URL, {"file": SimpleUploadedFile("clientes.csv", content)})

    errors = form_errors(response)
    assert f"más de {MAX_ROWS} filas" in errors
    assert "MB" not in errors


def test_a_file_of_exactly_the_row_limit_is_still_read():
    body = "".join(f"J{number:09d};Cliente {number}\n" for number in range(MAX_ROWS))
    content = ("RIF/NIT;Nombre o razón social\n" + "\n" * 50 + body).encode()

    table = read_upload(content, "clientes.csv", CLIENT_COLUMNS)

    assert len(table.rows) == MAX_ROWS
    assert table.lines[0] == 52


def test_a_real_workbook_of_the_row_limit_passes_the_archive_checks():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["RIF/NIT", "Nombre o razón social", "Notas"] + [f"Extra {n}" for n in range(30)])
    for number in range(MAX_ROWS):
        sheet.append(
            [f"J{number:09d}", f"Distribuidora número {number}, C.A.", "Cliente " * 10]
            + [f"valor {number}-{n}" for n in range(30)]
        )
    output = io.BytesIO()
    book.save(output)

    table = read_upload(output.getvalue(), "clientes.xlsx", CLIENT_COLUMNS)

    assert len(table.rows) == MAX_ROWS
    assert table.encoding == ""


# Encodings ----------------------------------------------------------------------------------

SPANISH = (
    "RIF/NIT;Nombre o razón social;Notas\n{rif};Peñalver Bolívar, C.A.;Café del año – “niño”\n"
)
PLAIN_SPANISH = SPANISH.replace("–", "-").replace("“", "").replace("”", "")


def spanish_csv(encoding: str) -> bytes:
    text = SPANISH.format(rif=RIF)
    if encoding == "latin_1":
        text = text.replace("–", "-").replace("“", '"').replace("”", '"')
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "content", "shown"),
    [
        ("utf-8", spanish_csv("utf_8"), "UTF-8"),
        ("utf-8 with BOM", spanish_csv("utf_8_sig"), "UTF-8"),
        ("utf-16 (Excel's Unicode text)", spanish_csv("utf_16"), "UTF-16"),
        ("utf-16 without BOM", spanish_csv("utf_16_le"), "UTF-16"),
        ("cp1252", spanish_csv("cp1252"), "Windows-1252"),
        ("latin-1", spanish_csv("latin_1"), "ISO-8859-1 (Latin-1)"),
    ],
)
def test_accepted_encodings_are_read_and_named_in_the_preview(signed_in, encoding, content, shown):
    response = signed_in.post(URL, {"file": SimpleUploadedFile("clientes.csv", content)})

    assert response.status_code == 200, encoding
    assert "form" not in response.context or not response.context["form"].errors
    row = response.context["report"].rows[0]
    assert row.title == "Peñalver Bolívar, C.A."
    assert response.context["report"].encoding == shown
    assert f"Codificación: {shown}" in response.content.decode()
    assert not Client.objects.exists()  # a preview writes nothing


@pytest.mark.parametrize(
    ("codec", "text", "named"),
    [
        ("mac_roman", SPANISH.format(rif=RIF), "Mac Roman"),
        ("cp850", PLAIN_SPANISH.format(rif=RIF), "cp850"),
        ("shift_jis", "RIF/NIT;名前\nJ123;東京株式会社の取引先\n" * 5, "Shift-JIS"),
        ("cp1251", "RIF/NIT;Имя\nJ123;Компания Москва торговля\n" * 5, "Windows-1251"),
    ],
)
def test_other_encodings_are_refused_naming_what_was_found(signed_in, codec, text, named):
    content = text.encode(codec)

    response = signed_in.post(URL, {"file": SimpleUploadedFile("clientes.csv", content)})

    errors = form_errors(response)
    assert named in errors
    assert "CSV UTF-8" in errors
    assert "upload" not in response.context


def test_a_short_mac_roman_name_is_not_read_as_windows_1252():
    content = "RIF/NIT;Nombre o razón social\nJ1;Peñalver\n".encode("mac_roman")

    with pytest.raises(FileRejected, match="Mac Roman"):
        files.decode_csv(content)


def test_a_csv_with_binary_bytes_is_still_refused_as_binary():
    with pytest.raises(FileRejected, match="datos binarios"):
        files.decode_csv(b"RIF;Nombre\n\x00\x01\x02\x03\xff\xfe\x00\x00garbage\x00")


@pytest.mark.parametrize(
    "text",
    [
        "Nombre;RIF\nAñil;J1\n",  # unrestricted, charset-normalizer calls this Big5
        "Nombre;RIF\nMüller;J1\n",
        "NOMBRE;RIF\nDISTRIBUIDORA PEÑALVER, C.A.;J1\nPANADERÍA LA ÚNICA;J2\n",
        "Razón social;Dirección\nCorporación Álamo;Calle Ávila, Edif. Ñandú\n",
    ],
)
def test_short_windows_1252_files_are_not_taken_for_another_script(text):
    decoded, encoding = files.decode_csv(text.encode("cp1252"))

    assert decoded == text
    assert encoding == "ISO-8859-1 (Latin-1)"  # no byte where the two differ
