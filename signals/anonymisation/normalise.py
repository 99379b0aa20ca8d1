"""Text as people type it, made regular before the scanner looks at it.

Word processors and phones put characters into text that look like the ordinary ones but are
not: the non-breaking hyphen (U+2011) that Word puts in a telephone number, en dashes, the
non-breaking and thin spaces, zero-width spaces and joiners, soft hyphens, right-to-left
marks, full-width digits, ligatures, and letters of another script that look Latin (a
Cyrillic a in a name). :func:`normalise` maps all of them to plain characters, removes the
invisible ones, and keeps for every character of the result where it came from, so that the
findings on the regular text are mapped back onto the text the person typed
(:meth:`Normalised.span`): the redaction then covers every character of the original,
invisible ones included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Every dash and hyphen people (or their word processor) use, as "-".
DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d")
# Apostrophes and single quotes, as "'" ("in 't Veld" typed with U+2019).
APOSTROPHES = frozenset("\u2018\u2019\u201a\u201b\u02bc\u02bb\u02b9\u0060\u00b4\u2032\uff07")
# Invisible characters that are removed: zero-width spaces and joiners, the word joiner, the
# byte order mark, the soft hyphen (it shows only at a line break) and the bidirectional marks
# and embeddings: category Cf covers them all.

# Letters of the Cyrillic and Greek scripts that look like Latin ones: a name typed with one of
# them must still be found ("Jansen" typed with a Cyrillic a).
CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "υ": "u",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Normalised:
    """The regular text, and for each of its characters the span of the original it came
    from (``starts[i]``, ``ends[i]``)."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        if start >= end:
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return position, position
        return self.starts[start], self.ends[end - 1]


def _regular(cluster: str) -> str:
    """One character with its combining marks, as the scanner reads it."""
    if len(cluster) == 1:
        char = cluster
        if char in DASHES:
            return "-"
        if char in APOSTROPHES:
            return "'"
        if char in CONFUSABLES:
            return CONFUSABLES[char]
        if char.isascii():
            return char
        category = unicodedata.category(char)
        if category == "Zs":
            return " "
        if category == "Cf":
            return ""
    result = unicodedata.normalize("NFKC", cluster)
    if result != cluster and len(result) == 1 and result in DASHES:
        return "-"
    return "".join(CONFUSABLES.get(char, char) for char in result)


def normalise(text: str) -> Normalised:
    """The text with its look-alike characters made plain and its invisible ones removed."""
    if text.isascii():
        indexes = tuple(range(len(text)))
        return Normalised(text, text, indexes, tuple(index + 1 for index in indexes))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    length = len(text)
    index = 0
    pending_start: int | None = None  # where removed characters before the next one began
    while index < length:
        end = index + 1
        # A character keeps its combining marks (NFKC composes "e" + "́" into "é").
        while end < length and unicodedata.combining(text[end]):
            end += 1
        regular = _regular(text[index:end])
        if not regular:
            if ends:
                ends[-1] = end  # an invisible character belongs to the one before it
            elif pending_start is None:
                pending_start = index
        else:
            first = index if pending_start is None else pending_start
            pending_start = None
            for offset, char in enumerate(regular):
                parts.append(char)
                starts.append(first if offset == 0 else index)
                ends.append(end)
        index = end
    return Normalised(text, "".join(parts), tuple(starts), tuple(ends))


# Initials, as the start of a name: "H.W. ", "C.A.M.", "N. ".
_INITIALS = r"(?<![\w.])(?:[A-Z]\.\s?){1,5}\s*"
# "H.W. (Henk) Altena", "Bouzid, N. (Noor)": the given name in brackets after the initials,
# as registers and letters write it. Without the brackets the name reads as one.
_BRACKETED_GIVEN_NAME = re.compile(_INITIALS + r"(\()[A-Z][^\W\d_]+(\))")
# "J.P. VAN DER MEER": a name in capitals after initials, read as "J.P. Van Der Meer".
_SHOUTED_AFTER_INITIALS = re.compile(_INITIALS + r"((?:[A-Z][A-Z'-]*[A-Z]\b ?){1,4})")


# "Hengelosestr. 54", "Mooienhofln. 12", "Haaksbergerstr 211": a street's abbreviated ending
# before a house number, written out.
_STREET_ABBREVIATIONS = {
    "str": "straat", "ln": "laan", "wg": "weg", "pln": "plein", "pl": "plein",
    "sngl": "singel", "gr": "gracht", "kd": "kade", "dk": "dijk",
}  # fmt: skip
_ABBREVIATED_STREET = re.compile(
    r"(?<=[^\W\d_]{3})(" + "|".join(sorted(_STREET_ABBREVIATIONS, key=len, reverse=True)) + r")"
    r"(\.?)(?=\s?\d)"
)


# "A.B. v.d. Meulen", "W. v. Os", "J. v/d Berg": abbreviated tussenvoegsels after initials.
_ABBREVIATED_PARTICLE = re.compile(r"(?<=[A-Z]\.\s)(v\.\s?d\.|v/d|vd\.?|v\.)(?=\s[A-Z])")
_PARTICLES = {"v.d.": "van der", "v. d.": "van der", "v/d": "van der", "vd": "van der",
              "vd.": "van der", "v.": "van"}  # fmt: skip


def _replaced(normalised: Normalised, matches: list, replacement) -> Normalised:
    """The text with each match replaced by ``replacement(match)``; the characters written
    come from the match, so a finding over them covers what was there."""
    text = normalised.text
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in matches:
        parts.append(text[position : match.start()])
        starts += normalised.starts[position : match.start()]
        ends += normalised.ends[position : match.start()]
        word = replacement(match)
        first, last = match.start(), match.end() - 1
        parts.append(word)
        starts += [normalised.starts[first]] * len(word)
        ends += [normalised.ends[last]] * len(word)
        position = match.end()
    parts.append(text[position:])
    starts += normalised.starts[position:]
    ends += normalised.ends[position:]
    return Normalised(normalised.original, "".join(parts), tuple(starts), tuple(ends))


def particle_forms(normalised: Normalised) -> Normalised:
    """The regular text with abbreviated tussenvoegsels after initials written out."""
    matches = list(_ABBREVIATED_PARTICLE.finditer(normalised.text))
    if not matches:
        return normalised
    return _replaced(normalised, matches, lambda match: _PARTICLES[match.group(1)])


def street_forms(normalised: Normalised) -> Normalised:
    """The regular text with abbreviated street endings before a house number written out.
    The letters added come from the abbreviation, so a street found here covers it."""
    matches = list(_ABBREVIATED_STREET.finditer(normalised.text))
    if not matches:
        return normalised
    return _replaced(normalised, matches, lambda match: _STREET_ABBREVIATIONS[match.group(1)])


def name_forms(normalised: Normalised) -> Normalised:
    """The regular text with two ways of writing a name after initials made ordinary: a
    given name in brackets loses its brackets, and a surname in capitals is written with one
    capital per word. Every character keeps where it came from, so a name found here covers
    the brackets of the original too."""
    text = normalised.text
    removed: set[int] = set()
    for match in _BRACKETED_GIVEN_NAME.finditer(text):
        removed.update((match.start(1), match.start(2)))
    recased = list(text)
    changed = bool(removed)
    for match in _SHOUTED_AFTER_INITIALS.finditer(text):
        for word in re.finditer(r"[A-Z][A-Z'-]*", match.group(1)):
            start = match.start(1) + word.start()
            for index in range(start + 1, start + len(word.group())):
                recased[index] = recased[index].lower()
                changed = True
    if not changed:
        return normalised
    starts, ends = list(normalised.starts), list(normalised.ends)
    for index in removed:  # a bracket belongs to the letter inside it
        if text[index] == "(":
            starts[index + 1] = starts[index]
        else:
            ends[index - 1] = ends[index]
    keep = [index for index in range(len(text)) if index not in removed]
    return Normalised(
        normalised.original,
        "".join(recased[index] for index in keep),
        tuple(starts[index] for index in keep),
        tuple(ends[index] for index in keep),
    )
