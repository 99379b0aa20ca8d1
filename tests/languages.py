"""Finding interface text that was not translated: the same page, once in Dutch and once in
English, shares no interface text.

``untranslated(dutch_html, english_html, data)`` returns the pieces of visible text that were
not translated, once the user data of the scenario is taken out of them.

What counts as a piece of visible text (``visible_texts``):

- every text node outside ``<script>``, ``<style>`` and ``<template>``, each on its own (a
  sentence broken by a link is three pieces), ``<title>`` and ``<noscript>`` included;
- the attributes people read or hear: ``alt``, ``title``, ``placeholder``, ``aria-label``,
  ``aria-description``, ``aria-roledescription``, ``aria-valuetext``, ``label`` (of
  ``<optgroup>`` and ``<option>``) and the ``value`` of ``<input>`` buttons;
- inside SVG the same: ``<text>``, ``<title>`` and ``<desc>``.

Text inside an element with a ``lang`` attribute of its own is in the language it says (the
language switcher offers "Nederlands" and "English"), and is left out; so are comments.

What is then taken out of each piece (``residue``), in this order:

1. user data (``ScenarioData``): every string of the scenario's database — names, titles,
   descriptions, texts, the content of a snapshot and of the audit trail, but not codes of
   choices nor labels a snapshot kept in the language of its day — and what the page's form
   posted, also when truncated with "…". Logins are data only as a whole piece ("burgemeester"
   is a word too). What was posted also counts in runs of whole words (the personal-data
   findings show the text in pieces), and so do data labels in SVG (charts wrap them);
2. the terms of ``SAME_IN_BOTH``, as whole words, case-insensitive;
3. dates (a month name or abbreviation of either language next to a number), numbers, web
   and e-mail addresses.

A piece with no letter left is no interface text. Then two checks:

- a piece whose residue is on the Dutch page and on the English one was not translated: it
  is hardcoded English, hardcoded Dutch, or a translation made once (at import time);
- the two pages come from the same template and data, so their pieces pair up in order
  (that they do not is a finding too); a pair that differs but shares two words in a row,
  outside data and those terms, has a part that was not translated — a Dutch label put into
  an English sentence. Words that are Dutch and English alike (``WORDS_OF_BOTH``: "link is",
  "account in") do not count.

The limit: data that happens to be an interface word hides that word, on both pages. The kind
of body "Rekenkamer" left untranslated on an English page would go unnoticed, because the demo
has a body of that name; its English label ("Court of audit") is checked where it is shown.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import tinyhtml5
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import dates, translation

from signals.anonymisation import REDACTIONS

HTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
NOT_SHOWN = {f"{HTML}script", f"{HTML}style", f"{HTML}template"}
READ_ATTRIBUTES = (
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "label",
)
BUTTON_INPUTS = {"submit", "button", "reset"}

# Interface terms that are the same in Dutch and in English, on purpose. Matched as whole
# words, case-insensitive. Keep this list short, and say why a term is on it.
SAME_IN_BOTH = (
    # The product and the Dutch terms of art that the English interface keeps (DESIGN.md's
    # glossary): "rode draad" and "beraad" are not translated.
    "Rode draden",
    "rode draad",
    "rode-dradenberaad",
    "beraad",
    "beraden",
    # Formats, standards and laws: names, not words.
    "CSV",
    "Excel",
    "PDF",
    "SHA-256",
    "Awb",
    "AVG",
    # Words Dutch borrowed from English, and the Dutch catalogue uses as they are.
    "Agenda",
    "Dashboard",
    "Memo",
    "Start",
    "Status",
    "Impact",
    "open",
    # A kind of body, and a norm of the ombudsman, by the same name in both languages; the
    # Dutch name that the English description of the FG explains.
    "Ombudsman",
    "Fair play",
    "functionaris gegevensbescherming",
    # Dutch examples of what to type in the help texts of the English interface: the content
    # of the beraad, and so the memo, is Dutch.
    "secretaris rekenkamer",
    "directeur Sociaal domein",
    "lid concerndirectie",
    # Authenticator apps, by name.
    "Microsoft Authenticator",
    "Google Authenticator",
    "FreeOTP",
    # The placeholders of redacted personal data: they go into the stored text, which is Dutch
    # whatever the interface language ([NAAM], [BSN], …).
    *REDACTIONS.values(),
)
_LETTER = re.compile(r"[^\W\d_]")


# --- Visible text -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Piece:
    text: str  # whitespace collapsed
    where: str  # the element (and attribute) it was found in, for the report
    in_svg: bool


def squash(text: str) -> str:
    return " ".join(text.split())


def visible_texts(html: str, within: str = "") -> list[Piece]:
    """The pieces of text a person reads or hears on the page (see the module docstring);
    with ``within``, those inside the element with that id only."""
    pieces: list[Piece] = []

    def add(text: str | None, where: str, in_svg: bool) -> None:
        text = squash(text or "")
        if text:
            pieces.append(Piece(text, where, in_svg))

    def walk(element, in_svg: bool, is_root: bool = False) -> None:
        if not isinstance(element.tag, str):
            return  # a comment
        tag = element.tag
        name = tag.rpartition("}")[2]
        in_svg = in_svg or tag.startswith(SVG)
        if tag in NOT_SHOWN or (not is_root and "lang" in element.attrib):
            return
        for attribute in READ_ATTRIBUTES:
            add(element.get(attribute), f"{name}@{attribute}", in_svg)
        if name == "input" and element.get("type", "").lower() in BUTTON_INPUTS:
            add(element.get("value"), "input@value", in_svg)
        add(element.text, name, in_svg)
        for child in element:
            walk(child, in_svg)
            add(child.tail, name, in_svg)  # the text after an element belongs to its parent

    root = tinyhtml5.parse(html)
    if within:
        found = next((e for e in root.iter() if e.get("id") == within), None)
        assert found is not None, f"no element #{within}"
        walk(found, False, is_root=True)
    else:
        walk(root, False, is_root=True)
    return pieces


def page_language(html: str) -> str:
    return tinyhtml5.parse(html).get("lang", "")


# --- User data ----------------------------------------------------------------------------------
# The models whose content is user data: our own apps, and the second factors' names and codes.
DATA_APPS = (
    "accounts",
    "signals",
    "deliberation",
    "reports",
    "otp_static",
    "otp_totp",
    "auditlog",  # what the trail recorded, as it was recorded
)
# Keys of a beraad's snapshot (deliberation.selectors.beraad_snapshot) that hold user data; the
# others hold codes, numbers, or labels in the language of the day it was taken.
SNAPSHOT_DATA_KEYS = {
    "summary",
    "name",
    "short",
    "title",
    "description",
    "text",
    "beraad",
    "theme",
    "owner",
    "progress",
    "response_reason",
    "aspects",
    "organisation_units",
}


class ScenarioData:
    """The user data of a scenario: every free text, name and title in its database."""

    def __init__(
        self, strings: Iterable[str], echoed: Iterable[str] = (), whole: Iterable[str] = ()
    ):
        # What a form posted comes back in pieces (the personal-data findings split it).
        self.echoed = [f" {squash(str(string))} " for string in echoed if str(string).strip()]
        # Data that is data only as a whole piece: logins such as "burgemeester" are words.
        self.whole = {squash(str(string)) for string in whole}
        found: set[str] = set()
        for string in strings:
            lines = [squash(line) for line in str(string).splitlines()]
            for text in (squash(str(string)), *lines):
                if _LETTER.search(text):
                    found.add(text)
        self.strings = found
        ordered = sorted(found, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in ordered))
            if ordered
            else None
        )
        # Labels (names, titles) are what charts wrap over lines.
        self._labels = [f" {s} " for s in ordered if len(s) <= 200]

    @classmethod
    def from_database(cls, *extra: str) -> ScenarioData:
        strings: list[str] = [settings.MUNICIPALITY_NAME, *extra]
        for model in apps.get_models():
            if model._meta.app_label not in DATA_APPS:
                continue
            for obj in model._default_manager.all():
                strings.extend(_data_of(obj))
        logins = get_user_model().objects.values_list("username", flat=True)
        return cls(strings, whole=logins)

    def including(self, *posted: str) -> ScenarioData:
        """This data and what a form posted, which the page may show in pieces."""
        return ScenarioData([*self.strings, *posted], echoed=posted, whole=self.whole)

    def is_data(self, piece: Piece) -> bool:
        """A piece that is data as a whole: truncated with "…", or a wrapped chart label."""
        text = piece.text
        if text in self.strings or text in self.whole:
            return True
        if text.endswith("…"):
            stem = text[:-1].rstrip()
            if len(stem) >= 3 and any(stem in s for s in self.strings):
                return True
        if any(f" {text} " in posted for posted in self.echoed):
            return True
        return piece.in_svg and any(f" {text} " in label for label in self._labels)

    def remove(self, text: str, gap: str = " ") -> str:
        return self._pattern.sub(gap, text) if self._pattern else text


def _data_of(obj: models.Model) -> Iterable[str]:
    yield str(obj)
    label = obj._meta.label
    for field in obj._meta.concrete_fields:
        if field.choices or isinstance(field, models.SlugField) or field.name == "password":
            continue
        if label == "accounts.User" and field.name == "username" and obj.get_full_name():
            continue  # pages name a user by the full name; logins like "burgemeester" are words
        value = field.value_from_object(obj)
        if isinstance(field, models.JSONField):
            yield from _json_data(obj, field.name, value)
            if value:
                yield json.dumps(value, ensure_ascii=False)  # as the admin shows it
        elif isinstance(value, str):
            yield value
    # What pages derive from the data.
    if label == "accounts.User":
        yield obj.get_full_name()
    elif label == "signals.OversightBody":
        yield obj.short_name
    elif label == "deliberation.Beraad":
        yield " ".join(obj.title.split()[-2:])  # a session in a chart: "voorjaar 2026"


def _json_data(obj, name: str, value) -> Iterable[str]:
    if obj._meta.label == "signals.Signal" and name == "details":
        # The body kind's free fields and a free classification; codes of choices are no data.
        kind = obj.body.kind_spec
        for key, form_field in kind.details_fields().items():
            if isinstance(value.get(key), str) and not getattr(form_field, "choices", None):
                yield value[key]
        if not kind.taxonomy:
            yield from value.get("indeling") or []
    elif obj._meta.label == "deliberation.Beraad" and name == "snapshot" and value:
        yield from _snapshot_strings(value)
    elif obj._meta.app_label == "auditlog" and value:
        yield from _all_strings(value)


def _all_strings(value) -> Iterable[str]:
    if isinstance(value, dict):
        for child in value.values():
            yield from _all_strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _all_strings(child)
    elif isinstance(value, str):
        yield value


def _snapshot_strings(value, key: str = "") -> Iterable[str]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _snapshot_strings(child, child_key)
        if value.get("addressee") == "directie":
            yield value.get("addressee_label", "")  # the directorate's own name
    elif isinstance(value, list):
        for child in value:
            yield from _snapshot_strings(child, key)
    elif isinstance(value, str) and key in SNAPSHOT_DATA_KEYS:
        yield value


# --- What is left of a piece --------------------------------------------------------------------
def _month_names() -> list[str]:
    names = set()
    for language in ("nl", "en"):
        with translation.override(language):
            for table in (dates.MONTHS, dates.MONTHS_3, dates.MONTHS_AP, dates.MONTHS_ALT):
                names.update(str(name).lower().rstrip(".") for name in table.values())
    return sorted(names, key=len, reverse=True)


_allowed = re.compile(
    "|".join(rf"(?<!\w){re.escape(term)}(?!\w)" for term in SAME_IN_BOTH), re.IGNORECASE
)
_months = "|".join(re.escape(name) for name in _month_names())
_date = re.compile(
    rf"(?<!\w)(?:\d{{1,2}}\.?\s+(?:{_months})\.?(?!\w)(?:\s+\d{{4}})?|(?:{_months})\.?\s+\d{{1,4}})(?!\w)",
    re.IGNORECASE,
)
_number = re.compile(r"\d+")


_url = re.compile(r"\bhttps?://\S+|\S+@\S+\.\w+")
GAP = "¶"  # where data was taken out: a run of words never spans it


def _leftover(piece: Piece, data: ScenarioData) -> str:
    if data.is_data(piece):
        return ""
    text = data.remove(piece.text, gap=f" {GAP} ")
    text = _url.sub(f" {GAP} ", text)
    text = _allowed.sub(f" {GAP} ", text)
    text = _date.sub(f" {GAP} ", text)
    text = _number.sub(f" {GAP} ", text)
    return squash(text)


def residue(piece: Piece, data: ScenarioData) -> str:
    """What is left of a piece once data, terms that are the same in both languages, dates,
    numbers and addresses are taken out; "" when that has no letter (no interface text)."""
    text = squash(_leftover(piece, data).replace(GAP, " "))
    return text if _LETTER.search(text) else ""


# Words that are Dutch and English alike: two of them in a row ("account in", "link is") are
# no sign that part of a sentence was not translated.
WORDS_OF_BOTH = {"in", "is", "was", "link", "account", "app", "code", "open", "status", "e-mail"}
SHARED_RUN_LETTERS = 6  # "de burgemeester", "the mayor"


def _word_runs(text: str) -> set[tuple[str, str]]:
    """Every two words in a row (not across data) that are not both words of both languages."""
    runs = set()
    for part in text.split(GAP):
        words = re.findall(r"[^\W\d_][\w’'-]*", part.lower())
        runs.update(
            (first, second)
            for first, second in itertools.pairwise(words)
            if len(first) + len(second) >= SHARED_RUN_LETTERS
            and not {first, second} <= WORDS_OF_BOTH
        )
    return runs


@dataclass(frozen=True)
class Finding:
    text: str  # the piece (on the Dutch page)
    where: str
    shared: str = ""  # words a Dutch and an English piece share, when the pieces differ

    def __str__(self) -> str:
        if self.shared:
            return f"{self.where}: {self.shared!r} in {self.text!r}"
        return f"{self.where}: {self.text!r}"


def untranslated(
    dutch_html: str,
    english_html: str,
    data: ScenarioData,
    *,
    pair_up: bool = True,
    within: str = "",
) -> list[Finding]:
    """The interface text that is the same on the Dutch and on the English page.

    Two checks. A piece whose residue is on both pages, anywhere, was not translated. And the
    pages come from the same template and data, so their pieces pair up in order: a pair
    that differs but shares a run of two words or more (outside data and the terms that are
    the same in both) has a part that was not translated — a Dutch label put into an English
    sentence, say. Pages that do not pair up are a finding themselves, unless ``pair_up`` is
    off (pages of two different objects).
    """
    dutch, english = visible_texts(dutch_html, within), visible_texts(english_html, within)
    english_residues = {residue(piece, data) for piece in english} - {""}
    findings: dict[str, Finding] = {}
    for piece in dutch:
        left = residue(piece, data)
        if left and left in english_residues:
            findings.setdefault(left, Finding(piece.text, piece.where))
    if not pair_up:
        return list(findings.values())
    if [p.where for p in dutch] != [p.where for p in english]:
        return [*findings.values(), Finding("the pages differ in structure", "page")]
    for nl, en in zip(dutch, english, strict=True):
        nl_left, en_left = _leftover(nl, data), _leftover(en, data)
        if residue(nl, data) == residue(en, data):
            continue
        shared = _word_runs(nl_left) & _word_runs(en_left)
        if shared:
            words = " ".join(sorted(shared)[0])
            findings.setdefault(words, Finding(nl.text, nl.where, shared=words))
    return list(findings.values())
