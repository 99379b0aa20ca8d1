"""Searching signals: PostgreSQL full-text search with the ``dutch`` configuration (so that
"klachten" finds "klacht"), on a GIN index; on SQLite a plain fallback on word stems."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

SEARCH_CONFIG = "dutch"
MAX_QUERY_LENGTH = 200

# Dutch inflections the fallback strips, longest first: "klachten" → "klacht".
_SUFFIXES = ("heden", "eren", "ens", "en", "'s", "’s", "s", "e")
_WORDS = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def search_vector() -> SearchVector:
    # The index of migration 0005 covers exactly this expression.
    return SearchVector("title", "description", config=SEARCH_CONFIG)


def stem(word: str) -> str:
    """A crude Dutch stem: enough to match plurals and inflections."""
    for suffix in _SUFFIXES:
        if suffix == "s" and word[-2:-1] in ("a", "e", "i", "o", "u", "s"):
            continue  # "adres", "proces": the s belongs to the word
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    # "adressen" → "adress" → "adres": the doubled consonant of the plural goes.
    if len(word) >= 5 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def search(queryset: QuerySet, query: str) -> QuerySet:
    """The signals of ``queryset`` that match every word of ``query``."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    words = _WORDS.findall(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.annotate(search=search_vector()).filter(
            search=SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="plain")
        )
    condition = Q()
    for word in words:
        word_stem = stem(word.lower())
        condition &= Q(title__icontains=word_stem) | Q(description__icontains=word_stem)
    return queryset.filter(condition)
