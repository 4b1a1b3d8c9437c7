"""The documents part of the benchmark (imported by `benchmark`; not a command itself).

`fill_documents` adds the reference volume's documents: 50,000 metadata rows (one in ten a
quote) spread over the opportunities, their versions pointing at a few hundred real small
files in the private storage, and 30 on the measured executive's first opportunity.
`big_file_memory` uploads and downloads a 25 MB file through the whole WSGI stack, reading
the request body from disk as a real server would, and reports the process's peak RSS and
the Python heap's peak, to show both stay flat (files stream in chunks).
"""

import hashlib
import resource
import secrets
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.http import StreamingHttpResponse
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from crm.models import Opportunity, Quote
from documents.models import PRIVATE_STORAGE, Document, DocumentKind, DocumentVersion

REAL_FILES = 300
BATCH = 2_000
BIG = 25 * 1024 * 1024 - 4096
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"


def _real_files() -> list[tuple[str, int, str]]:
    files = []
    for n in range(REAL_FILES):
        content = PDF + (b"%% relleno %d\n" % n) * (20 + n % 50) + b"%%EOF\n"
        name = PRIVATE_STORAGE.save(f"bench/cotizacion-{n}.pdf", ContentFile(content))
        files.append((name, len(content), hashlib.sha256(content).hexdigest()))
    return files


def fill_documents(stdout: OutputWrapper, *, target: int) -> None:
    existing = Document.objects.count()
    if existing >= target:
        return
    began = time.monotonic()
    files = _real_files()
    executive = User.objects.get(username="bench0")
    first = Opportunity.objects.filter(owner=executive).order_by("pk").first()
    if first is None:
        raise RuntimeError("the reference volume has no opportunity of bench0")
    opportunities = list(
        Opportunity.objects.order_by("pk").values_list("pk", "client_id", "owner_id", "currency")
    )
    today = timezone.localdate()
    for start in range(existing, target, BATCH):
        numbers = range(start, min(start + BATCH, target))
        with transaction.atomic():
            rows = [
                (n, (first.pk, first.client_id, executive.pk, first.currency))
                if n < 30
                else (n, opportunities[(n * 7) % len(opportunities)])
                for n in numbers
            ]
            documents = Document.objects.bulk_create(
                Document(
                    kind=DocumentKind.QUOTE if n % 10 == 0 else DocumentKind.CONTRACT,
                    title=f"Bench documento {n}",
                    search_text=(
                        f"bench documento {n} {f'cot-b-{n} ' if n % 10 == 0 else ''}"
                        f"cotizacion-{n}.pdf"
                    ),
                    client_id=client_id,
                    opportunity_id=opportunity_id,
                    uploaded_by_id=owner_id,
                )
                for n, (opportunity_id, client_id, owner_id, _currency) in rows
            )
            versions = DocumentVersion.objects.bulk_create(
                DocumentVersion(
                    document=document,
                    number=1,
                    file=files[n % len(files)][0],
                    original_name=f"cotizacion-{n}.pdf",
                    size=files[n % len(files)][1],
                    content_type="application/pdf",
                    sha256=files[n % len(files)][2],
                    uploaded_by_id=document.uploaded_by_id,
                )
                for (n, _row), document in zip(rows, documents, strict=True)
            )
            for document, version in zip(documents, versions, strict=True):
                document.current_version = version
            Document.objects.bulk_update(documents, ["current_version"], batch_size=BATCH)
            Quote.objects.bulk_create(
                Quote(
                    document=document,
                    opportunity_id=opportunity_id,
                    number=f"COT-B-{n}",
                    valid_until=today + timedelta(days=n % 60 - 10),
                    total_amount=Decimal(1_000 + n % 50_000),
                    currency=currency,
                )
                for (n, (opportunity_id, _c, _o, currency)), document in zip(
                    rows, documents, strict=True
                )
                if n % 10 == 0
            )
        stdout.write(f"  {numbers[-1] + 1:>6} documents…")
    stdout.write(f"Documents ready in {time.monotonic() - began:.0f} s.")


def _reset_peak() -> None:
    """Linux: restart the process's high-water mark (VmHWM) so the next peak is this step's."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass


def _rss_mb() -> float:
    """Peak resident memory in MB: VmHWM since the last reset, else the lifetime maximum."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_now_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _rss_mb()


def _multipart_on_disk(folder: Path, *, fields: dict, boundary: str) -> Path:
    body = folder / "body"
    with body.open("wb") as out:
        for name, value in fields.items():
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="grande.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        out.write(PDF)
        chunk = b"0" * (1024 * 1024)
        written = len(PDF)
        while written + len(chunk) < BIG:
            out.write(chunk)
            written += len(chunk)
        out.write(b"\n%%EOF\n")
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return body


def big_file_memory(stdout: OutputWrapper) -> None:
    """Upload then download a 25 MB PDF in this (fresh) process; report memory peaks."""
    executive = User.objects.get(username="bench0")
    opportunity = Opportunity.objects.filter(owner=executive).order_by("pk").first()
    if opportunity is None:
        raise RuntimeError("the reference volume has no opportunity of bench0")
    http = HttpClient()
    http.force_login(executive)
    session = http.cookies["sessionid"].value
    token = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    handler = WSGIHandler()
    with tempfile.TemporaryDirectory() as folder:
        boundary = secrets.token_hex(12)
        body = _multipart_on_disk(
            Path(folder),
            fields={"kind": "contract", "title": "Bench 25 MB", "opportunity": opportunity.pk},
            boundary=boundary,
        )
        before = _rss_now_mb()
        _reset_peak()
        tracemalloc.start()
        began = time.perf_counter()
        with body.open("rb") as stream:
            environ = {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": reverse("documents:upload"),
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
                "wsgi.input": stream,
                "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
                "CONTENT_LENGTH": str(body.stat().st_size),
                "HTTP_COOKIE": f"sessionid={session}; csrftoken={token}",
                "HTTP_X_CSRFTOKEN": token,
            }
            status: list[str] = []

            def start_response(
                status_line: str, headers: list[tuple[str, str]], exc_info: object = None
            ) -> Callable[[bytes], object]:
                status.append(status_line)
                return lambda data: None  # the body is the returned iterable, never written

            response = handler(environ, start_response)
            response.close()
        upload_s = time.perf_counter() - began
        upload_heap = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.reset_peak()
        after_upload = _rss_mb()
        between = _rss_now_mb()
        _reset_peak()
        document = Document.objects.filter(title="Bench 25 MB").order_by("-pk").first()
        if document is None or not status or not status[0].startswith("302"):
            raise RuntimeError(f"the 25 MB upload failed: {status}")
        began = time.perf_counter()
        download = http.get(reverse("documents:download", args=[document.pk]))
        if not isinstance(download, StreamingHttpResponse):  # a FileResponse
            raise RuntimeError(f"the 25 MB download did not stream: {download.status_code}")
        size = sum(len(chunk) for chunk in download.streaming_content)
        download_s = time.perf_counter() - began
        download_heap = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.stop()
        after_download = _rss_mb()
    stdout.write(
        f"\n25 MB upload: {upload_s:.1f} s, peak RSS +{after_upload - before:.1f} MB, "
        f"Python heap peak {upload_heap:.1f} MB"
        f"\n25 MB download ({size / 1_000_000:.1f} MB): {download_s:.1f} s, "
        f"peak RSS +{after_download - between:.1f} MB, Python heap peak {download_heap:.1f} MB"
    )
    from documents.services import document_delete

    admin = User.objects.filter(is_superuser=True).first() or executive
    if admin.is_superuser:
        with transaction.atomic():
            document_delete(user=admin, document_id=document.pk)
