"""Suggestions of likely themes for signals that are not tagged yet, from the text of the
signals that are: offline, without any model to download.

Each signal becomes a TF-IDF vector of its word stems (title, description and aspects); each
theme the normalised sum of the vectors of its signals in this beraad, plus its own name and
description. An untagged signal gets the themes whose vector is closest (cosine), above a
threshold. The chair accepts a suggestion or ignores it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache

from signals.search import stem

MIN_SCORE = 0.12
MAX_SUGGESTIONS = 2
_WORD = re.compile(r"[^\W\d_]{3,}")
STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        """
    aan als bij dan dat de deze die dit door een eens en er geen het hun hij hoe iets ook in
    is kan kon maar meer met naar niet nog nu of om omdat onder ons op over tot uit van veel
    voor want was wat werd wie wij worden wordt zal ze zij zijn zo zonder zou wel werden
    hebben heeft had hadden daar hier waar wanneer inwoners inwoner gemeente signaal signalen
    keer jaar maanden weken dagen
    """,
    )
)


# The workspace reads the same texts on every request (the signals of the session and up to
# HISTORY_LIMIT tagged before): their stems are kept per process, by the text itself.
@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS)


def _vector(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vector = {term: (1 + math.log(count)) * idf.get(term, 0.0) for term, count in counts.items()}
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {term: value / norm for term, value in vector.items()} if norm else {}


def suggest(
    *, inclusions, tagged: dict[int, set[int]], themes, history: list[tuple] = ()
) -> dict[int, list]:
    """{inclusion id: [(theme, score), …]} for the untagged signals of this beraad.

    ``tagged`` holds the themes of this beraad's signals; ``history`` (theme id, title,
    description) the signals tagged in earlier sessions, which count as examples as well.
    """
    documents = {}
    for inclusion in inclusions:
        signal = inclusion.signal
        aspects = " ".join(aspect.name for aspect in signal.aspects.all())
        documents[inclusion.pk] = Counter(tokens(f"{signal.title} {signal.description} {aspects}"))
    if not documents or not (tagged or history):
        return {}
    earlier = [
        (theme_id, Counter(tokens(f"{title} {description}")))
        for theme_id, title, description in history
    ]
    frequency = Counter(term for counts in documents.values() for term in counts)
    frequency.update(term for _theme, counts in earlier for term in counts)
    total = len(documents) + len(earlier)
    idf = {term: math.log((1 + total) / (1 + seen)) + 1 for term, seen in frequency.items()}
    vectors = {pk: _vector(counts, idf) for pk, counts in documents.items()}

    by_theme = {theme.pk: theme for theme in themes}
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for inclusion_id, theme_ids in tagged.items():
        for theme_id in theme_ids:
            for term, value in vectors.get(inclusion_id, {}).items():
                sums[theme_id][term] += value
    for theme_id, counts in earlier:
        for term, value in _vector(counts, idf).items():
            sums[theme_id][term] += value
    centroids = {}
    for theme_id, summed in sums.items():
        theme = by_theme.get(theme_id)
        if theme is None:
            continue
        for term in tokens(f"{theme.name} {theme.description}"):
            summed[term] += idf.get(term, 1.0)
        norm = math.sqrt(sum(value * value for value in summed.values()))
        if norm:
            centroids[theme_id] = {term: value / norm for term, value in summed.items()}

    suggestions = {}
    for inclusion in inclusions:
        if tagged.get(inclusion.pk):
            continue
        vector = vectors[inclusion.pk]
        scores = []
        for theme_id, centroid in centroids.items():
            score = sum(value * centroid.get(term, 0.0) for term, value in vector.items())
            if score >= MIN_SCORE:
                scores.append((by_theme[theme_id], round(score, 2)))
        scores.sort(key=lambda item: (-item[1], item[0].name))
        if scores:
            suggestions[inclusion.pk] = scores[:MAX_SUGGESTIONS]
    return suggestions
