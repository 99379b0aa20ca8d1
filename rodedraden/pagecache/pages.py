"""Whole pages from the cache, under the data they were made of.

The main pages (the tagging workspace with its hundreds of signals, the dashboard's figures, a
body's signal list) are rendered once and then served from the cache, under a key of
everything they depend on:

- the data version (rodedraden.pagecache.writes: it changes after every committed write to
  the pages' data, so a page made of older data is never found again);
- the code and templates it was rendered with (a fingerprint of the project's files: a new
  release never serves the old one's HTML);
- the account (its name in the header, its role, its bodies: what it may see), the address
  with its query string (filters, search, page), whether htmx asks, the language and today's
  date (what counts as overdue).

What belongs to the request is left out of the cached HTML and filled in for each one: the
CSRF token (a placeholder is rendered in its place), and the ``late`` values a view names
(the moment the dashboard is printed). A page with messages to show (after a form, a
redirect) is rendered as usual, and not kept.

Nothing a user typed goes into the cache, neither into a page nor into its key (the links of
a page repeat its query string): a page is kept only when each parameter of its query string
is one the view names (``params``, and the page number) and each value is empty, a number
(a page, the id of a choice) or one of the view's codes for it (a state, a grouping). A
search (``q``), a date, an unknown parameter or anything else that may be typed text is
rendered and not kept.

The view checks access before it asks for the page (``for_user``, a 404), so the cache is
only reached by whom may see the page; the selectors run only when the page is rendered.

The pages live in the ``pages`` cache (settings: Redis with ``CACHE_URL``, else per process and
at most ``PAGE_CACHE_ENTRIES`` of them). ``PAGE_CACHE_SECONDS`` (0: off, the pages are plain
TemplateResponses) bounds how long a page is kept; the data version is what makes it right.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import get_language

from rodedraden.pagination import PAGE_PARAM

from .selectors import data_version_get

FINGERPRINTED = (".py", ".html", ".txt", ".mo")
CSRF = "csrf_token"
# A value of the query string a kept page may have besides the view's codes: a page number or
# the id of a choice (never as long as a telephone number or a BSN).
NUMBER = re.compile(r"[0-9]{1,6}")
# The search field: a page with a search is never kept, whatever was searched for.
SEARCH = "q"


def cached_page(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict],
    *,
    late: Mapping[str, Callable[[], str]] | None = None,
    params: Mapping[str, Collection[str]] | None = None,
) -> HttpResponse:
    """``template_name`` rendered with ``context()`` (called only to render), or the same
    page from the cache; ``late`` names the context values of the moment, put in each time;
    ``params`` the parameters of the query string a kept page may have, with the view's own
    codes each may take (besides numbers)."""
    late = dict(late or {})
    seconds = settings.PAGE_CACHE_SECONDS
    keep = seconds > 0 and not _has_messages(request) and _query_is_not_typed(request, params)
    version = data_version_get() if keep else None
    if version is None:
        values = {name: value() for name, value in late.items()}
        return TemplateResponse(request, template_name, {**context(), **values})
    cache = caches["pages"]
    key = cache_key(request, template_name, version)
    html = cache.get(key)
    if html is None:
        holes = {name: placeholder(name) for name in (*late, CSRF)}
        html = render_to_string(template_name, {**context(), **holes}, request=request)
        cache.set(key, html, seconds)
    late[CSRF] = lambda: get_token(request)
    for name, value in late.items():
        if (hole := placeholder(name)) in html:
            html = html.replace(hole, escape(value()))
    return HttpResponse(html)


def _query_is_not_typed(
    request: HttpRequest, params: Mapping[str, Collection[str]] | None = None
) -> bool:
    """Whether the query string holds nothing a user may have typed (and the page may be
    kept): parameters the view names only, each empty, a number or one of its codes."""
    params = {PAGE_PARAM: (), **(params or {})}
    for name, values in request.GET.lists():
        if name not in params:
            return False
        for value in values:
            if value and (name == SEARCH or not (NUMBER.fullmatch(value) or value in params[name])):
                return False
    return True


def _has_messages(request: HttpRequest) -> bool:
    """Messages waiting to be shown (counted, not consumed: the page shows them)."""
    return len(get_messages(request)) > 0


def cache_key(request: HttpRequest, template_name: str, version: int) -> str:
    parts = (
        template_name,
        str(version),
        code_fingerprint(),
        str(request.user.pk),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        get_language() or "",
        timezone.localdate().isoformat(),
    )
    return "pagecache:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


@functools.cache
def placeholder(name: str) -> str:
    """Where a value of the request goes: the same in every process (the cache is shared),
    not to be guessed (a signal's text could hold it otherwise); letters and digits only, so
    that escaping leaves it as it is."""
    return "late" + salted_hmac("rodedraden.pagecache", name).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A digest of the project's code, templates and translations (read once per process)."""
    base = Path(settings.BASE_DIR).resolve()
    roots = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(base):
            continue
        top = path.relative_to(base).parts[:1]
        # Our own packages only, not a virtualenv that lives in the checkout (.venv).
        if top and not top[0].startswith(".") and "site-packages" not in path.parts:
            roots.add(base / top[0])
    for engine in settings.TEMPLATES:
        roots.update(Path(folder).resolve() for folder in engine.get("DIRS", ()))
    digest = hashlib.sha256()
    for root in sorted(roots):
        for path in sorted(root.rglob("*")):
            if path.suffix in FINGERPRINTED and path.is_file():
                digest.update(str(path.relative_to(base)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
