"""Small real files of each accepted type, and hostile ones, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"PE\x00\x00"


def zipped(entries: dict, *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, entries.pop(stored_first), zipfile.ZIP_STORED)
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(extra: dict | None = None) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document>Cotización</w:document>",
            **(extra or {}),
        }
    )


def odt() -> bytes:
    return zipped(
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"},
        stored_first="mimetype",
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "cotizacion.pdf"):
    return upload(name, PDF, "application/pdf")


def make_document(user, *, title="Contrato marco", kind="contract", name="contrato.pdf", **links):
    """A document through the upload service (links: client=, opportunity=, project=)."""
    from documents.services import DocumentInput, document_upload

    return document_upload(
        user=user,
        data=DocumentInput(kind=kind, title=title, **links),
        upload=upload(name, PDF, "application/pdf"),
    )


def make_quote(user, *, opportunity, number="COT-2026-001", days=15, total="12500.00", **extra):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from documents.quotes import QuoteInput
    from documents.services import DocumentInput, document_upload

    return document_upload(
        user=user,
        data=DocumentInput(kind="quote", title=f"Cotización {number}", opportunity=opportunity),
        upload=upload(extra.pop("name", "cotizacion.pdf"), PDF, "application/pdf"),
        quote=QuoteInput(
            number=number,
            valid_until=timezone.localdate() + timedelta(days=days),
            total_amount=Decimal(total),
            **extra,
        ),
    )
