"""Upload safety for documents (OWASP file-upload cheat sheet, ASVS 5.2-5.4).

An upload is accepted only when its extension is on the allowlist, its content is what the
extension says (sniffed by puremagic, and for OOXML/ODF opened as a zip whose structure fits
the type, with caps on entries and unpacked size), and it is not larger than
DOCUMENT_MAX_UPLOAD_BYTES. The file is read in chunks (hashed while streaming, never read
whole into memory) and stored under a generated name; the user's name is only metadata.
"""

import hashlib
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from email import policy as email_policy
from email.parser import BytesHeaderParser
from pathlib import PurePosixPath
from typing import IO

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
MAX_NAME = 255
# Zip containers (OOXML, ODF): a real office file has far fewer entries and a sane ratio.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ODF_MIMETYPE = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# extension -> (content type served on download, extensions puremagic may report for it)
ALLOWED = {
    "pdf": ("application/pdf", {".pdf"}),
    "doc": ("application/msword", {".doc"}),
    "xls": ("application/vnd.ms-excel", {".xls"}),
    "ppt": ("application/vnd.ms-powerpoint", {".ppt"}),
    "msg": ("application/vnd.ms-outlook", {".msg"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        {".pptx"},
    ),
    "odt": (ODF_MIMETYPE["odt"], {".odt"}),
    "ods": (ODF_MIMETYPE["ods"], {".ods"}),
    "png": ("image/png", {".png"}),
    "jpg": ("image/jpeg", {".jpg", ".jpeg", ".jfif", ".jpe"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg", ".jfif", ".jpe"}),
    "txt": ("text/plain", set()),
    "csv": ("text/csv", set()),
    "eml": ("message/rfc822", {".eml"}),
}
TEXT_EXTENSIONS = {"txt", "csv"}
# Markup that a browser would run, refused inside a "text" file.
ACTIVE_MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|object|embed)\b|<!doctype\s+html", re.I)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SNIFF_CONFIDENCE = 0.5  # puremagic's own score of a content match (a name match scores less)


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return settings.DOCUMENT_MAX_UPLOAD_BYTES


def too_large_message() -> str:
    return _("The file is larger than %(size)s, the largest accepted.") % {
        "size": filesizeformat(max_upload_bytes())
    }


def clean_name(name: str | None) -> str:
    """The uploaded name made safe to show and to send back in Content-Disposition: no
    folders (`../`, `C:\\`), no control characters, NFC, at most 255 characters with the
    extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = CONTROL_CHARACTERS.sub("", name).replace("\\", "/")
    name = PurePosixPath(name).name.strip().lstrip(".")
    if not name:
        name = "documento"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:20] if dot else ""
        keep = MAX_NAME - len(extension) - (1 if extension else 0)
        name = f"{(stem if dot else name)[:keep]}{'.' if extension else ''}{extension}"
    return name


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def generated_name(filename: str) -> str:
    """documents/<year>/<month>/<random>.<ext>: nothing of the user's name reaches the disk."""
    now = timezone.now()
    extension = extension_of(clean_name(filename)) or "bin"
    return f"documents/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{extension}"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Validate an UploadedFile; return its safe name, type, size and SHA-256, or raise a
    ValidationError saying in plain words why the file is refused."""
    name = clean_name(upload.name)
    extension = extension_of(name)
    if extension not in ALLOWED:
        raise ValidationError(
            _("Files of type .%(extension)s are not accepted. Accepted types: %(allowed)s.")
            % {"extension": extension or "?", "allowed": ", ".join(sorted(ALLOWED))},
            code="extension",
        )
    size, sha256, has_nul = _hash(upload)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_upload_bytes():
        raise ValidationError(too_large_message(), code="too_large")
    content_type, sniffable = ALLOWED[extension]
    _check_content(upload, extension=extension, expected=sniffable, has_nul=has_nul)
    upload.seek(0)
    return CheckedFile(name, extension, content_type, size, sha256)


def _hash(upload: UploadedFile) -> tuple[int, str, bool]:
    digest = hashlib.sha256()
    size = 0
    has_nul = False
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        has_nul = has_nul or b"\x00" in chunk
    upload.seek(0)
    return size, digest.hexdigest(), has_nul


def _mismatch() -> ValidationError:
    return ValidationError(
        _("The content of the file does not match its extension."), code="content"
    )


def _sniff(upload: UploadedFile, extension: str) -> list:
    upload.seek(0)
    try:
        return [
            match
            for match in puremagic.magic_stream(upload.file, f"x.{extension}")
            if match.confidence >= SNIFF_CONFIDENCE
        ]
    except puremagic.PureError:
        return []
    finally:
        upload.seek(0)


def _check_content(upload: UploadedFile, *, extension: str, expected: set, has_nul: bool) -> None:
    matches = _sniff(upload, extension)
    if extension in TEXT_EXTENSIONS:
        _check_text(upload, matches=matches, has_nul=has_nul)
        return
    if extension == "eml" and not (matches and matches[0].extension.lower() == ".eml"):
        _check_email_headers(upload, has_nul=has_nul)
        return
    if not matches or matches[0].extension.lower() not in expected:
        raise _mismatch()
    upload.seek(0)
    is_zip = zipfile.is_zipfile(_opened(upload))
    upload.seek(0)
    if extension in OOXML_MAIN_PART or extension in ODF_MIMETYPE:
        if not is_zip:
            raise _mismatch()
        _check_zip(upload, extension)
    elif is_zip:
        # A PDF (or image, or OLE file) that is also a zip archive: a polyglot.
        raise ValidationError(
            _("The file is also a compressed archive, which is not accepted."), code="polyglot"
        )


def _opened(upload: UploadedFile) -> IO[bytes]:
    """The upload's file object (django-stubs type File.file as optional: a File may be
    made without one, an upload never is)."""
    if upload.file is None:
        raise _mismatch()
    return upload.file


def _check_email_headers(upload: UploadedFile, *, has_nul: bool) -> None:
    """An .eml that puremagic does not recognise (its headers in another order) must still
    parse as an RFC 5322 message with a sender (the standard library's email parser)."""
    upload.seek(0)
    head = upload.read(CHUNK)
    upload.seek(0)
    headers = BytesHeaderParser(policy=email_policy.default).parsebytes(head)
    if has_nul or not headers["From"] or not (headers["Date"] or headers["Subject"]):
        raise _mismatch()


def _check_text(upload: UploadedFile, *, matches: list, has_nul: bool) -> None:
    if has_nul or any(m.extension.lower() not in {".txt", ".csv"} for m in matches):
        raise _mismatch()
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks(CHUNK):
        if ACTIVE_MARKUP.search(tail + chunk):  # the tail: markup split across two chunks
            raise ValidationError(
                _("The file contains web page code (HTML or SVG), which is not accepted."),
                code="markup",
            )
        tail = chunk[-64:]
    upload.seek(0)


def _zip_bomb() -> ValidationError:
    return ValidationError(
        _("The file unpacks to much more than its size (a compressed bomb): not accepted."),
        code="zip_bomb",
    )


def _check_zip(upload: UploadedFile, extension: str) -> None:
    """OOXML / ODF: the parts the type needs, no macros, and a bounded unpacked size (the
    declared sizes are not trusted: every entry is inflated, up to the caps)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(_opened(upload)) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise _zip_bomb()
            names = {entry.filename for entry in entries}
            if extension in OOXML_MAIN_PART:
                if not {"[Content_Types].xml", OOXML_MAIN_PART[extension]} <= names:
                    raise _mismatch()
            elif archive.read("mimetype").strip() != ODF_MIMETYPE[extension].encode():
                raise _mismatch()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise ValidationError(_("Documents with macros are not accepted."), code="macros")
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as member:
                    entry_size = 0
                    while block := member.read(CHUNK):
                        entry_size += len(block)
                        unpacked += len(block)
                        ratio_limit = max(entry.compress_size, 1) * ZIP_MAX_RATIO
                        if unpacked > ZIP_MAX_UNPACKED or entry_size > max(ratio_limit, CHUNK):
                            raise _zip_bomb()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, NotImplementedError):
        raise _mismatch() from None
    finally:
        upload.seek(0)


# The request attribute naming the fields whose file SizeLimitUploadHandler stopped.
TOO_LARGE_UPLOADS = "too_large_uploads"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops an upload larger than DOCUMENT_MAX_UPLOAD_BYTES while it streams in, so it
    never fills the disk: the rest of the file is skipped and the request is marked, so the
    form can say "too large" instead of "no file"."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_upload_bytes():
            if self.request is not None:  # Django always gives upload handlers the request
                stopped = getattr(self.request, TOO_LARGE_UPLOADS, ())
                setattr(self.request, TOO_LARGE_UPLOADS, {*stopped, self.field_name})
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
