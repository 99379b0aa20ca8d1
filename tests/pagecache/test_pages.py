"""The main pages from the page cache: the same page as rendered, with the request's own
CSRF token and moment, and a new one after any write that changes it.

The cache is on here (the suite has it off) and these tests commit, as a server does."""

import re
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone, translation

from deliberation import selectors as deliberation_selectors
from deliberation import services as deliberation_services
from deliberation.models import BeraadState
from reports import selectors as reports_selectors
from reports import views as reports_views
from rodedraden.pagecache import pages
from rodedraden.pagecache.services import data_version_bump
from tests.conftest import Client
from tests.deliberation import helpers
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # in the forms, and in base.html's htmx headers


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    data_version_bump()  # the row may have gone with the last transactional test's flush
    yield
    caches["pages"].clear()


@pytest.fixture
def session(chair, body, other_body):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    signals = {
        "a": submitted(body, title="Wmo-aanvragen blijven lang liggen"),
        "b": submitted(other_body, title="Klachten over wachttijden jeugdhulp"),
    }
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, signals["a"], theme, chair)
    return {"beraad": beraad, "signals": signals, "theme": theme}


@pytest.fixture
def chair_client(chair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)
    return client


def workspace_url(beraad):
    return reverse("deliberation:workspace", args=[beraad.pk])


def counting(monkeypatch, module, name):
    """Count the calls of ``module.name`` (a selector the page renders from)."""
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_workspace_is_rendered_once_and_then_served_from_the_cache(
    monkeypatch, chair_client, session
):
    calls = counting(monkeypatch, deliberation_selectors, "workspace")
    first = chair_client.get(workspace_url(session["beraad"]))
    second = chair_client.get(workspace_url(session["beraad"]))
    assert first.status_code == second.status_code == 200
    assert len(calls) == 1
    assert ANY_TOKEN.sub("", first.content.decode()) == ANY_TOKEN.sub("", second.content.decode())
    assert "Wmo-aanvragen blijven lang liggen" in second.content.decode()


def workspace_token(html: str, beraad) -> str:
    """The CSRF token of the workspace's own forms (the site's header has its own)."""
    action = re.escape(reverse("deliberation:tag-new-theme", args=[beraad.pk]))
    return re.search(rf'action="{action}".*?{TOKEN.pattern}', html, re.S).group(1)


def test_each_request_gets_its_own_valid_csrf_token(chair_client, session):
    beraad, signal = session["beraad"], session["signals"]["b"]
    url = workspace_url(beraad)
    chair_client.get(url)
    html = chair_client.get(url).content.decode()  # from the cache
    assert pages.placeholder("csrf_token") not in html
    token = workspace_token(html, beraad)
    assert workspace_token(chair_client.get(url).content.decode(), beraad) != token  # masked anew
    # The token of the cached page is accepted: a tag posted with it is set.
    response = chair_client.post(
        reverse("deliberation:tag", args=[beraad.pk]),
        {
            "csrfmiddlewaretoken": token,
            "inclusion": inclusion(signal).pk,
            "theme": session["theme"].pk,
            "tagged": "1",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert inclusion(signal).tags.filter(theme=session["theme"]).exists()


def test_a_new_session_of_the_same_account_gets_a_token_it_may_use(chair, session):
    """The cached part is shared by the account's sessions; each gets its own token in it."""
    beraad, signal = session["beraad"], session["signals"]["b"]
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(chair)
    first.get(workspace_url(beraad))  # rendered and cached in the first session
    second.force_login(chair)
    token = workspace_token(second.get(workspace_url(beraad)).content.decode(), beraad)
    response = second.post(
        reverse("deliberation:tag-new-theme", args=[beraad.pk]),
        {"csrfmiddlewaretoken": token, "inclusion": inclusion(signal).pk, "name": "Bereik"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert inclusion(signal).tags.filter(theme__name="Bereik").exists()


def test_a_tag_set_through_the_page_shows_at_the_next_load(chair_client, session):
    url, beraad = workspace_url(session["beraad"]), session["beraad"]
    signal = session["signals"]["b"]
    chip = f'id="tag-{inclusion(signal).pk}-{session["theme"].pk}"'
    assert chip not in chair_client.get(url).content.decode()
    html = chair_client.get(url).content.decode()
    chair_client.post(
        reverse("deliberation:tag-new-theme", args=[beraad.pk]),
        {
            "csrfmiddlewaretoken": workspace_token(html, beraad),
            "inclusion": inclusion(signal).pk,
            "name": "Tijdigheid",
        },
        headers={"HX-Request": "true"},
    )
    assert chip in chair_client.get(url).content.decode()


def test_a_theme_merged_elsewhere_shows_in_the_workspace(chair_client, chair, session):
    """A merge moves tags with one UPDATE (no model signal): the page follows all the same."""
    beraad, signal = session["beraad"], session["signals"]["b"]
    other = ThemeFactory(name="Bereikbaarheid")
    tag(beraad, signal, other, chair)
    url = workspace_url(beraad)
    assert "Bereikbaarheid" in chair_client.get(url).content.decode()
    deliberation_services.theme_merge(source=other, target=session["theme"], user=chair)
    html = chair_client.get(url).content.decode()
    assert "Bereikbaarheid" not in html
    assert f'id="tag-{inclusion(signal).pk}-{session["theme"].pk}"' in html


def test_the_language_and_the_account_are_part_of_the_key(chair_client, session, client, member):
    url = workspace_url(session["beraad"])
    dutch = chair_client.get(url, headers={"accept-language": "nl"}).content.decode()
    chair_client.cookies["django_language"] = "en"
    english = chair_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert helpers.dutch("Themes per body") in dutch
    assert "Themes per body" in english
    # A member of a body may not see the workspace, cached or not.
    client.force_login(member)
    assert client.get(url).status_code in (403, 404)


def test_the_dashboard_follows_a_new_session(monkeypatch, chair_client, chair, body):
    calls = counting(monkeypatch, reports_selectors, "dashboard")
    url = reverse("reports:dashboard")
    chair_client.get(url)
    chair_client.get(url)
    assert len(calls) == 1
    beraad = BeraadFactory(chair=chair, bodies=[body], title="Voorjaar 2027")
    html = chair_client.get(url).content.decode()
    assert len(calls) == 2
    assert beraad.get_absolute_url() in html


def test_the_dashboard_is_printed_at_the_moment_it_is_asked_for(monkeypatch, chair_client):
    calls = counting(monkeypatch, reports_selectors, "dashboard")
    url = reverse("reports:dashboard")
    for hour in (9, 17):
        moment = timezone.make_aware(datetime(2026, 12, 2, hour, 5))
        clock = SimpleNamespace(localtime=lambda moment=moment: moment)
        monkeypatch.setattr(reports_views, "timezone", clock)
        html = chair_client.get(url).content.decode()
        printed = re.search(r'class="print-date[^"]*">([^<]*)<', html).group(1)
        assert printed.endswith(f" 2026, {hour:02}:05")
    assert len(calls) == 1  # rendered once, printed twice


def test_a_page_with_a_message_is_rendered_and_not_kept(monkeypatch, chair_client, session):
    """Without JavaScript a tag is a redirect to the workspace with a message: that page shows
    it, and the next one (without it) comes from neither that page nor the older one."""
    calls = counting(monkeypatch, deliberation_selectors, "workspace")
    beraad, signal = session["beraad"], session["signals"]["b"]
    url = workspace_url(beraad)
    html = chair_client.get(url).content.decode()
    response = chair_client.post(
        reverse("deliberation:tag", args=[beraad.pk]),
        {
            "csrfmiddlewaretoken": workspace_token(html, beraad),
            "inclusion": inclusion(signal).pk,
            "theme": session["theme"].pk,
            "tagged": "1",
        },
    )
    assert response.status_code == 302
    shown = chair_client.get(url).content.decode()
    assert 'role="alert"' in shown or "alert-success" in shown
    after = chair_client.get(url).content.decode()
    assert "alert-success" not in after
    assert len(calls) == 3  # the first page, the one with the message, the next one
    assert chair_client.get(url).status_code == 200
    assert len(calls) == 3  # and that one is kept


def test_the_signal_list_follows_a_new_signal_and_keeps_each_search_apart(client, member, body):
    client.force_login(member)
    url = body.get_absolute_url()
    submitted(body, title="Brieven onbegrijpelijk")
    assert "Brieven onbegrijpelijk" in client.get(url).content.decode()
    assert "Brieven onbegrijpelijk" not in client.get(url, {"q": "wachttijd"}).content.decode()
    submitted(body, title="Wachttijd te lang")
    assert "Wachttijd te lang" in client.get(url, {"q": "wachttijd"}).content.decode()
    assert "Wachttijd te lang" in client.get(url).content.decode()


def test_the_key_holds_the_version_the_address_the_account_the_day_and_the_code(
    rf, chair, reader, monkeypatch
):
    def key(path="/dashboard/?pagina=2", user=chair, version=7):
        request = rf.get(path)
        request.user = user
        return pages.cache_key(request, "reports/includes/dashboard_content.html", version)

    first = key()
    assert key() == first
    assert key(version=8) != first
    assert key(path="/dashboard/") != first
    assert key(user=reader) != first
    with translation.override("en"):
        assert key() != first
    monkeypatch.setattr(pages.timezone, "localdate", lambda: date(2031, 1, 1))
    assert key() != first
    monkeypatch.undo()
    monkeypatch.setattr(pages, "code_fingerprint", lambda: "another release")
    assert key() != first


def test_off_the_cache_is_not_read(settings, monkeypatch, chair_client, session):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(caches["pages"], "get", lambda *a, **k: pytest.fail("the cache was read"))
    assert chair_client.get(workspace_url(session["beraad"])).status_code == 200


def test_the_fingerprint_changes_with_a_template(tmp_path, settings, monkeypatch):
    pages.code_fingerprint.cache_clear()
    try:
        folder = tmp_path / "templates"
        folder.mkdir()
        (folder / "page.html").write_text("een")
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder]}]
        settings.BASE_DIR = tmp_path
        first = pages.code_fingerprint()
        pages.code_fingerprint.cache_clear()
        (folder / "page.html").write_text("twee")
        assert pages.code_fingerprint() != first
    finally:
        pages.code_fingerprint.cache_clear()


def test_the_fingerprint_reads_our_code_only(monkeypatch):
    """Not the virtualenv in the checkout (.venv): every worker reads it at its first page."""
    read = []
    original = pages.Path.read_bytes

    def recording(path):
        read.append(path)
        return original(path)

    monkeypatch.setattr(pages.Path, "read_bytes", recording)
    pages.code_fingerprint.cache_clear()
    try:
        pages.code_fingerprint()
    finally:
        pages.code_fingerprint.cache_clear()
    tops = {path.relative_to(pages.settings.BASE_DIR).parts[0] for path in read}
    assert tops == {"deliberation", "reports", "rodedraden", "signals", "templates"}
