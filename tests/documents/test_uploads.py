"""Upload safety: every hostile file is refused with a reason; real files pass."""

import hashlib
import zlib

import pytest
from django.core.exceptions import ValidationError

from documents.uploads import check_upload, clean_name, generated_name
from tests.documents.files import EXE, PDF, PNG, docx, odt, pdf, upload, zipped


def refused_code(file) -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(file)
    code = error.value.code
    assert code is not None
    return code


@pytest.mark.parametrize(
    "name, content",
    [
        ("cotizacion.pdf", PDF),
        ("logo.png", PNG),
        ("propuesta.docx", docx()),
        ("acta.odt", odt()),
        ("notas.txt", "Reunión con el cliente: precio acordado.".encode()),
        ("lista.csv", b"codigo;monto\nA-1;1200,50\n"),
        ("correo.eml", b"From: a@empresa.com\r\nTo: b@rumbo.test\r\nSubject: Hola\r\n\r\nCuerpo"),
        ("otro.eml", b"MIME-Version: 1.0\r\nDate: Tue, 1 Dec 2026\r\nFrom: a@empresa.com\r\n\r\nx"),
    ],
)
def test_it_accepts_real_files_of_the_allowed_types(name, content):
    checked = check_upload(upload(name, content))
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_the_content_type_is_the_validated_one_not_the_browsers():
    checked = check_upload(upload("cotizacion.pdf", PDF, content_type="text/html"))
    assert checked.content_type == "application/pdf"


def test_it_refuses_a_renamed_executable():
    assert refused_code(upload("cotizacion.pdf", EXE)) == "content"


@pytest.mark.parametrize(
    "name, content",
    [
        ("pagina.html", b"<html><script>alert(1)</script></html>"),
        ("dibujo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_it_refuses_html_and_svg_files(name, content):
    assert refused_code(upload(name, content)) == "extension"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><script>alert(document.cookie)</script></body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>1</script></svg>',
        b"Notas\n<script>alert(1)</script>\n",
    ],
)
def test_it_refuses_html_or_svg_with_script_disguised_as_text(content):
    assert refused_code(upload("notas.txt", content)) in {"content", "markup"}


def test_it_finds_markup_split_across_two_chunks():
    content = b"a" * (64 * 1024 - 3) + b"<script>alert(1)</script>"
    assert refused_code(upload("notas.txt", content)) == "markup"


def test_it_refuses_an_eml_that_is_not_an_email():
    assert refused_code(upload("correo.eml", b"solo texto, sin cabeceras")) == "content"


def test_it_refuses_a_pdf_that_is_also_a_zip_archive():
    polyglot = PDF + zipped({"payload.exe": EXE})
    assert refused_code(upload("cotizacion.pdf", polyglot)) == "polyglot"


def test_it_refuses_a_zip_bomb_disguised_as_a_word_document():
    bomb = docx({"word/media/relleno.bin": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert refused_code(upload("propuesta.docx", bomb)) == "zip_bomb"


def test_it_refuses_a_zip_archive_renamed_to_docx():
    assert refused_code(upload("propuesta.docx", zipped({"leeme.txt": "hola"}))) == "content"


def test_it_refuses_a_word_document_with_macros():
    with_macros = docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    assert refused_code(upload("propuesta.docx", with_macros)) == "macros"


def test_it_refuses_an_empty_file():
    assert refused_code(upload("vacio.pdf", b"")) == "empty"


@pytest.mark.parametrize("name", ["archivo.zip", "programa.exe", "script.js", "sin_extension"])
def test_it_refuses_extensions_outside_the_allowlist(name):
    assert refused_code(upload(name, zlib.compress(b"x" * 100))) == "extension"


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = len(PDF) - 1
    assert refused_code(pdf()) == "too_large"


def test_a_path_in_the_name_is_dropped():
    assert clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\ana\\..\\cotizacion.pdf") == "cotizacion.pdf"
    assert clean_name("..") == "documento"


def test_control_characters_are_removed_and_long_names_cut_keeping_the_extension():
    assert clean_name("coti\x00za\r\ncion\x1b.pdf") == "cotizacion.pdf"
    long_name = clean_name("a" * 300 + ".pdf")
    assert len(long_name) == 255
    assert long_name.endswith(".pdf")


def test_the_stored_name_is_generated_never_the_users():
    name = generated_name("../../Cotización final.pdf")
    assert name.startswith("documents/")
    assert name.endswith(".pdf")
    assert "Cotizaci" not in name and ".." not in name
