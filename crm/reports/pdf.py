"""Reports as PDF (WeasyPrint): the report's own PDF template, with the same SVG charts as
the page, rendered with no network access at all. Imported by the export views only when a
PDF is asked for: WeasyPrint takes a moment to load."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class OfflineFetcher(URLFetcher):
    """Refuses every URL but inline `data:` ones: a report never fetches an asset (no
    http(s), no file), so rendering cannot leak a request or wait on the network. Fonts come
    from the machine's fontconfig (DejaVu Sans, named in the template's CSS)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=("data",), **kwargs)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if not url.startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"Reports fetch nothing from outside: {url}")
        return super().fetch(url, headers)


def render_pdf(*, template: str, context: dict, request: HttpRequest | None = None) -> bytes:
    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=OfflineFetcher()).write_pdf()


def pdf_response(
    *, template: str, context: dict, filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    response = HttpResponse(
        render_pdf(template=template, context=context, request=request),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
