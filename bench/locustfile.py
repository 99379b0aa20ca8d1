"""The users of the load run (bench/load.py starts locust with this file; see there).

Reads the plan that bench/load.py wrote (the file LOAD_PLAN names): the accounts, the beraad,
the texts and the duration. Every user signs in first; when the last one is in, the work
starts for everyone at once and locust stops the run ``duration`` seconds later (each user
finishing the task it is in). Locust's figures of the sign-ins are kept apart from those of
the work.

When locust quits it writes what the users were told to the plan's ``results`` file: every
signal whose creation was answered with a redirect to it, each chair's tags as its answered
toggles left them, and locust's figures per endpoint.

Runs in locust's (gevent) process only: no Django here; the second factor's code is computed
by RFC 6238 itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import time
from collections import Counter
from html.parser import HTMLParser
from itertools import count
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.exception import StopUser

PLAN_ENV = "LOAD_PLAN"
if not os.environ.get(PLAN_ENV):
    raise SystemExit(f"{PLAN_ENV} must name the plan of bench/load.py: run `python -m bench load`")
PLAN: dict[str, Any] = json.loads(Path(os.environ[PLAN_ENV]).read_text(encoding="utf-8"))
DURATION: float = PLAN["duration"]  # seconds of work, once everyone signed in
SIGN_IN_TIMEOUT: float = PLAN["sign_in_timeout"]

LOGIN_URL = "/account/inloggen/"
# A member thinks a little between two signals, a chair between two tags.
MEMBER_WAIT = (1.0, 3.0)
CHAIR_WAIT = (0.5, 1.5)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HTMX_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
SIGNAL_URL = re.compile(r"^/signalen/(\d+)/$")
ENDPOINTS = (  # in the order of the table
    "login: form",
    "login: password",
    "login: authenticator code",
    "body workspace",
    "signal form",
    "signal create",
    "signal detail",
    "tagging workspace",
    "tag toggle (htmx)",
)

# The accounts not taken yet (users take them as they start) and the users still signing in.
free_members = list(PLAN["members"])
free_chairs = list(PLAN["chairs"])
member_numbers = count(1)
pending = {"chairs": len(free_chairs), "all": len(free_members) + len(free_chairs)}
chairs_in = Event()  # the chairs sign in first: their codes must not wait behind the members
everyone_in = Event()
# What happened: who got in, the signals answered as created, the chairs, the clock.
signed_in: Counter[str] = Counter()
signals_created: list[tuple[int, str]] = []
exceptions: list[str] = []  # raised in a user's code: locust logs them, but not as failures
chairs_started: list[ChairUser] = []
clock: dict[str, float] = {}
sign_ins: dict[str, Any] = {}


def totp(key_hex: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows now (RFC 6238, HMAC-SHA1), as django-otp checks."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{code % 10**digits:0{digits}d}"


class Forms(HTMLParser):
    """The forms of a page as a browser submits them untouched: per form the values of its
    fields (checked boxes, selected options), and every choice a field offers."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)
        self.close()

    def _add(self, name: str, value: str) -> None:
        if self._form is not None:
            self._form["values"].setdefault(name, []).append(value)

    def _offer(self, name: str, value: str) -> None:
        if self._form is not None:
            self._form["choices"].setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = {key: value if value is not None else "" for key, value in attrs}
        name = attributes.get("name")
        if tag == "form":
            self._form = {"values": {}, "choices": {}}
            self.forms.append(self._form)
        elif tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                self._offer(name, attributes.get("value", "on"))
                if "checked" in attributes:
                    self._add(name, attributes.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._add(name, attributes.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            value = attributes.get("value", "")
            self._offer(self._select, value)
            if "selected" in attributes:
                self._add(self._select, value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["values"][self._textarea][-1] += data

    def form_with(self, field: str) -> dict[str, Any]:
        for form in self.forms:
            if field in form["values"] or field in form["choices"]:
                return form
        raise LookupError(f"no form with a field {field!r}")


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if not match:
        raise LookupError("no CSRF token on the page")
    return match[1]


def sign_in(user: HttpUser, username: str, code_key: str | None = None) -> bool:
    """The two-step login form, as a browser fills it in: whether the user got in."""
    client = user.client
    with client.get(LOGIN_URL, name="login: form", catch_response=True) as page:
        if page.status_code != 200:
            page.failure(f"login form: {page.status_code}")
            return False
        token = csrf_token(page.text)
    with client.post(
        LOGIN_URL,
        {
            "csrfmiddlewaretoken": token,
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": PLAN["password"],
        },
        name="login: password",
        allow_redirects=False,
        catch_response=True,
    ) as answer:
        if code_key is None:  # signed in: a redirect away from the form
            if answer.status_code != 302 or LOGIN_URL in answer.headers["Location"]:
                answer.failure(f"{username} not signed in: {answer.status_code}")
                return False
            return True
        if answer.status_code != 200 or 'name="token-otp_token"' not in answer.text:
            answer.failure(f"{username}: no code asked after the password")
            return False
        token = csrf_token(answer.text)
    with client.post(
        LOGIN_URL,
        {
            "csrfmiddlewaretoken": token,
            "login_view-current_step": "token",
            "token-otp_token": totp(code_key),
        },
        name="login: authenticator code",
        allow_redirects=False,
        catch_response=True,
    ) as answer:
        if answer.status_code != 302 or LOGIN_URL in answer.headers["Location"]:
            answer.failure(f"{username} not signed in with the code: {answer.status_code}")
            return False
    return True


def enter(user: HttpUser, username: str, code_key: str | None = None) -> None:
    """Sign in, then wait until every user has signed in (or failed to) and start the work
    together. The chairs sign in first, the members all at once after them.

    The last one in starts the clock: locust's figures so far (the sign-ins) are kept aside
    and reset, and the run stops :data:`DURATION` seconds later. A user that did not get in
    stops."""
    environment = user.environment
    chair = code_key is not None
    # One connection per request. With keep-alive, a request sent just as gunicorn closes the
    # idle connection (keepalive = 5 s; the think time plus a busy machine can reach that)
    # fails without reaching the server: a browser silently sends it again, requests does not,
    # and the run would count a failure the application never saw.
    user.client.headers["Connection"] = "close"
    if not chair:
        chairs_in.wait(timeout=SIGN_IN_TIMEOUT)
    try:
        got_in = sign_in(user, username, code_key)
    except Exception as error:  # any: reported as a failed sign-in, and the user stops
        fail(environment, "login: unexpected answer", error)
        got_in = False
    if chair:
        pending["chairs"] -= 1
        if pending["chairs"] == 0:
            chairs_in.set()
    pending["all"] -= 1
    if pending["all"] == 0:
        stats = environment.stats
        sign_ins.update(
            seconds=round(time.monotonic() - clock["start"], 1),
            endpoints=[figures(entry) for entry in sorted_entries(stats)],
            total=figures(stats.total),
            errors=errors(stats),
        )
        stats.reset_all()
        clock["work"] = time.monotonic()
        gevent.spawn_later(DURATION, stop, environment)
        everyone_in.set()
    if not got_in:
        raise StopUser
    signed_in["chairs" if chair else "members"] += 1
    if not everyone_in.wait(timeout=SIGN_IN_TIMEOUT):
        fail(environment, "waiting for the others to sign in", TimeoutError(SIGN_IN_TIMEOUT))
        raise StopUser


def fail(environment, name: str, error: BaseException) -> None:
    """A failure that is no answer of the server, in locust's figures all the same."""
    environment.events.request.fire(
        request_type="ERROR",
        name=name,
        response_time=0,
        response_length=0,
        exception=error,
        context={},
    )


def stop(environment) -> None:
    clock["stop"] = time.monotonic()
    environment.runner.quit()  # as --run-time does: every user finishes its task first


class MemberUser(HttpUser):
    """A body member: the body's workspace, the new-signal form, a new signal, the signal."""

    fixed_count = len(PLAN["members"])
    wait_time = between(*MEMBER_WAIT)

    def on_start(self):
        self.account = free_members.pop(0)
        self.number = next(member_numbers)
        self.signals = 0
        self.rng = random.Random(self.number)  # noqa: S311 (test data)
        enter(self, self.account["username"])

    @task
    def enter_signal(self):
        body = self.account["body"]
        with self.client.get(f"/organen/{body}/", name="body workspace", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"body workspace: {r.status_code}")
                return
        form_url = f"/organen/{body}/signalen/nieuw/"
        with self.client.get(form_url, name="signal form", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"signal form: {r.status_code}")
                return
            form = Forms(r.text).form_with("title")
        data = {name: list(values) for name, values in form["values"].items()}
        title, description = self.rng.choice(PLAN["texts"])
        self.signals += 1
        title = f"{title} (meting {self.number}.{self.signals})"
        data.update(
            title=[title],
            description=[description],
            case_count=[str(self.rng.randint(1, 40))],
            aspects=[self.rng.choice(form["choices"]["aspects"])],
        )
        if form["choices"].get("impact"):
            data["impact"] = [self.rng.choice(form["choices"]["impact"])]
        units = [unit for unit in form["choices"].get("organisation_units", []) if unit]
        if units:
            data["organisation_units"] = [self.rng.choice(units)]
        with self.client.post(
            form_url, data, name="signal create", allow_redirects=False, catch_response=True
        ) as r:
            created = SIGNAL_URL.match(r.headers.get("Location", ""))
            if r.status_code != 302 or not created:
                r.failure(f"signal not created: {r.status_code} {_alert(r.text)}")
                return
            signals_created.append((int(created[1]), title))
        with self.client.get(
            r.headers["Location"], name="signal detail", catch_response=True
        ) as detail:
            if detail.status_code != 200 or title not in detail.text:
                detail.failure(f"signal detail: {detail.status_code}, title shown: no")


ALERT = re.compile(
    r'class="[^"]*(?:alert-danger|invalid-feedback)[^"]*"[^>]*>(.*?)</(?:div|p|span)>', re.S
)


def _alert(html: str) -> str:
    """The first error message on a page, for the failure's description."""
    match = ALERT.search(html)
    return " ".join(re.sub(r"<[^>]+>", " ", match[1]).split())[:200] if match else ""


class ChairUser(HttpUser):
    """A chair in the beraad's workspace: tags and untags signals (htmx), reloads now and
    then. Toggles only the tags of its own half of the signals, so the other chair's toggles
    never make its count wrong."""

    fixed_count = len(PLAN["chairs"])
    wait_time = between(*CHAIR_WAIT)

    def on_start(self):
        self.account = free_chairs.pop(0)
        self.tagged = {tuple(pair) for pair in self.account["tagged"]}
        self.pairs = [(i, t) for i in self.account["inclusions"] for t in PLAN["themes"]]
        self.created = self.removed = 0
        self.rng = random.Random(self.account["username"])  # noqa: S311 (test data)
        self.workspace_url = f"/beraden/{PLAN['beraad']}/werkruimte/"
        self.tag_url = f"{self.workspace_url}tag/"
        enter(self, self.account["username"], self.account["totp_key"])
        chairs_started.append(self)
        if not self.open_workspace():
            raise StopUser

    def open_workspace(self) -> bool:
        with self.client.get(
            self.workspace_url, name="tagging workspace", catch_response=True
        ) as r:
            cards = r.text.count('class="signal-card"')
            token = HTMX_CSRF.search(r.text)  # the header htmx sends
            if r.status_code != 200 or cards != PLAN["signals_in_beraad"] or not token:
                r.failure(f"tagging workspace: {r.status_code}, {cards} signals")
                return False
            self.csrf = token[1]
            return True

    @task(12)
    def toggle(self):
        inclusion, theme = pair = self.rng.choice(self.pairs)
        tagged = pair not in self.tagged
        with self.client.post(
            self.tag_url,
            {"inclusion": inclusion, "theme": theme, "tagged": "1" if tagged else "0"},
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf},
            name="tag toggle (htmx)",
            catch_response=True,
        ) as r:
            shown = f'id="tag-{inclusion}-{theme}"' in r.text
            if r.status_code != 200 or "alert-danger" in r.text or shown != tagged:
                r.failure(f"tag toggle: {r.status_code} {_alert(r.text)}")
                return
        if tagged:
            self.tagged.add(pair)
            self.created += 1
        else:
            self.tagged.discard(pair)
            self.removed += 1

    @task(1)
    def reload(self):
        self.open_workspace()


def figures(entry) -> dict[str, Any]:
    """Locust's figures of one endpoint (or of all: ``stats.total``)."""
    return {
        "name": entry.name,
        "method": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 2),
        "p50_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else None,
        "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else None,
        "max_ms": round(entry.max_response_time or 0, 1),
        "mean_ms": round(entry.avg_response_time, 1),
    }


def sorted_entries(stats) -> list:
    order = {name: n for n, name in enumerate(ENDPOINTS)}
    entries = [entry for entry in stats.entries.values() if entry.num_requests]
    return sorted(entries, key=lambda entry: (order.get(entry.name, len(order)), entry.name))


def errors(stats) -> list[dict[str, Any]]:
    return [
        {"name": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
        for e in stats.errors.values()
    ]


@events.test_start.add_listener
def started(**_kwargs):
    clock["start"] = time.monotonic()


@events.cpu_warning.add_listener
def cpu_warning(**_kwargs):
    clock["cpu_warnings"] = clock.get("cpu_warnings", 0) + 1


@events.user_error.add_listener
def user_error(user_instance, exception, tb, **_kwargs):
    exceptions.append(f"{type(user_instance).__name__}: {exception!r}")


@events.quitting.add_listener
def write_results(environment, **_kwargs):
    """Every answered write and locust's figures, for bench/load.py to check."""
    stats = environment.stats
    work = clock.get("stop", time.monotonic()) - clock["work"] if "work" in clock else 0.0
    results = {
        "users": {"members": signed_in["members"], "chairs": signed_in["chairs"]},
        "duration_s": round(work, 1),
        "sign_in": sign_ins,
        # Locust above 90 % CPU: its own times are then too high.
        "locust_cpu_warnings": int(clock.get("cpu_warnings", 0)),
        "signals": signals_created,
        "chairs": [
            {
                "username": chair.account["username"],
                "created": chair.created,
                "removed": chair.removed,
                "tagged": sorted(chair.tagged),
            }
            for chair in chairs_started
        ],
        "stats": {
            "endpoints": [figures(entry) for entry in sorted_entries(stats)],
            "total": figures(stats.total),
        },
        "errors": errors(stats),
        "exceptions": exceptions,
    }
    Path(PLAN["results"]).write_text(json.dumps(results), encoding="utf-8")
