"""Near-duplicate insights: the same signal, captured twice in other words, so it is counted once.

Insights are compared as TF-IDF vectors of their stems by cosine. Rare shared
words (a biomarker, a product, "autoinjector") weigh much, common ones ("patient",
"drug") little, so two accounts of one observation score high while two
observations about one topic do not. An inverted index visits only insights
that share a word with the text, so a query over thousands answers at typing speed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass

from liaison.core.rules.text import features

DUPLICATE_THRESHOLD = 0.55
"""Cosine at and above which two insights read as the same signal (see tests/core/rules/test_similar.py)."""


@dataclass(frozen=True)
class Match:
    id: str
    score: float
    """Cosine similarity, 0 to 1."""


class SimilarityIndex:
    """Insights by id, searchable by text; weights follow the collection as it grows."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        """`items` are (id, text)."""
        self._terms: dict[str, Counter[str]] = {}
        self._frequency: Counter[str] = Counter()
        self._postings: dict[str, dict[str, float]] | None = None
        for item_id, text in items:
            self.add(item_id, text)

    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._terms

    def add(self, item_id: str, text: str) -> None:
        self.discard(item_id)
        counted = _terms(text)
        self._terms[item_id] = counted
        self._frequency.update(counted.keys())
        self._postings = None

    def discard(self, item_id: str) -> None:
        counted = self._terms.pop(item_id, None)
        if counted is not None:
            self._frequency.subtract(counted.keys())
            self._postings = None

    def similar(self, text: str, *, limit: int = 5, threshold: float = DUPLICATE_THRESHOLD, exclude: Container[str] = ()) -> list[Match]:
        """The insights most like `text`, at or above `threshold`, best first."""
        postings = self._index()
        query = self._vector(_terms(text))
        scores: defaultdict[str, float] = defaultdict(float)
        for term, weight in query.items():
            for item_id, item_weight in postings.get(term, {}).items():
                scores[item_id] += weight * item_weight
        ranked = sorted(
            ((item_id, score) for item_id, score in scores.items() if score >= threshold and item_id not in exclude),
            key=lambda item: (-item[1], item[0]),
        )
        return [Match(item_id, round(min(score, 1.0), 4)) for item_id, score in ranked[:limit]]

    def score(self, first: str, second: str) -> float:
        """How alike two texts are, weighed by this collection."""
        one, other = self._vector(_terms(first)), self._vector(_terms(second))
        return round(min(sum(weight * other.get(term, 0.0) for term, weight in one.items()), 1.0), 4)

    def _idf(self, term: str) -> float:
        total = len(self._terms)
        return math.log((1 + total) / (1 + self._frequency.get(term, 0))) + 1.0

    def _vector(self, counted: Counter[str]) -> dict[str, float]:
        weighted = {term: (1.0 + math.log(count)) * self._idf(term) for term, count in counted.items()}
        norm = math.sqrt(sum(weight * weight for weight in weighted.values()))
        return {term: weight / norm for term, weight in weighted.items()} if norm else {}

    def _index(self) -> dict[str, dict[str, float]]:
        """Term → {id: weight}, rebuilt after the collection changed (its weights move with it)."""
        if self._postings is None:
            postings: dict[str, dict[str, float]] = {}
            for item_id, counted in self._terms.items():
                for term, weight in self._vector(counted).items():
                    postings.setdefault(term, {})[item_id] = weight
            self._postings = postings
        return self._postings


def _terms(text: str) -> Counter[str]:
    return features(text, bigrams=False)
