"""Rendering HTML to an accessible PDF with WeasyPrint.

``render_to_pdf(template_name, context)`` returns the HTML and the PDF bytes (the tests check
both). The PDF is tagged (``pdf/ua-1``), its fonts are embedded, and static files (the memo's
stylesheet, fonts, images) are read from disk through :class:`StaticFilesFetcher` — never over
the network, whatever a template asks for.
"""

from __future__ import annotations

import gc
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The documents' own base address: relative links resolve against it, and nothing on it is
# ever fetched from a network.
BASE_URL = "https://rodedraden.invalid/"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": True}


class StaticFilesFetcher(URLFetcher):
    """Serves ``/static/…`` from the static files on disk and ``data:`` URLs; refuses the rest."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        path = unquote(parts.path)
        base = urlsplit(BASE_URL)
        same_origin = (parts.scheme, parts.netloc) in {(base.scheme, base.netloc), ("", "")}
        if not same_origin or not path.startswith(settings.STATIC_URL):
            raise ValueError(f"Only static files can be used in a document: {url}")
        relative = path[len(settings.STATIC_URL) :]
        found = finders.find(relative)
        if found is None:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        if found is None or ".." in Path(relative).parts:
            raise ValueError(f"No such static file: {url}")
        mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), headers={"Content-Type": mime_type}
        )


@dataclass(frozen=True)
class Rendered:
    html: str
    pdf: bytes
    page_count: int


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """WeasyPrint on its own: the PDF bytes and the number of pages.

    The cyclic garbage collector is paused meanwhile: WeasyPrint makes millions of small
    objects, and the collector's passes over them took a quarter of the time (measured with
    ``make bench``); reference counting still frees them, and one pass runs afterwards.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).render(
            **PDF_OPTIONS
        )
        return document.write_pdf(**PDF_OPTIONS), len(document.pages)
    finally:
        if collecting:
            gc.enable()
        gc.collect()


def render_to_pdf(template_name: str, context: dict) -> Rendered:
    """Render a template to HTML, then the HTML to a tagged PDF."""
    html = render_to_string(template_name, context)
    pdf, page_count = html_to_pdf(html)
    return Rendered(html=html, pdf=pdf, page_count=page_count)
