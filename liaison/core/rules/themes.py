"""Suggesting themes for an insight from its text, offline.

Each theme gets a profile: the TF-IDF vector of its label and keywords (what
medical affairs wrote in the taxonomy), plus the insights the MSL already filed
under it (what the MSL's own words for it are). An insight's themes are the
profiles nearest to its text by cosine, best first. It is Rocchio's classifier:
small, explainable, and it learns from every themed insight without training.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from liaison.core.rules.taxonomy import Taxonomy, Theme
from liaison.core.rules.text import features

KEYWORD_WEIGHT = 2.0
"""What the taxonomy's keywords count for against the MSL's examples: as much as two filed insights."""
MIN_SCORE = 0.05
"""Below this a theme shares no more than a stray common word with the text: not worth suggesting."""

Vector = dict[str, float]


@dataclass(frozen=True)
class Suggestion:
    theme: Theme
    score: float
    """Cosine similarity of the text to the theme's profile, 0 to 1."""


class ThemeSuggester:
    """Built once per taxonomy and collection of themed insights; `suggest` is then cheap."""

    def __init__(self, taxonomy: Taxonomy, examples: Iterable[tuple[str, str]] = ()) -> None:
        """`examples` are (text, theme id) of insights already themed; ids the taxonomy lacks are ignored."""
        self.taxonomy = taxonomy
        self._themes = {theme.id: theme for theme in taxonomy.themes}
        self._keywords = {theme.id: _keyword_features(theme) for theme in taxonomy.themes}
        self._examples: dict[str, list[Counter[str]]] = {theme_id: [] for theme_id in self._themes}
        for text, theme_id in examples:
            self.learn(text, theme_id)
        self._profiles: dict[str, Vector] | None = None
        self._idf: dict[str, float] = {}

    def learn(self, text: str, theme_id: str | None) -> None:
        if theme_id in self._examples and text.strip():
            self._examples[theme_id].append(features(text))
            self._profiles = None

    def suggest(self, text: str, *, therapeutic_area: str | None = None, limit: int = 3) -> list[Suggestion]:
        """The best `limit` themes for the text, among those of its therapeutic area when that is known."""
        profiles = self._build()
        query = _unit(_weigh(features(text), self._idf))
        if not query:
            return []
        candidates = [theme.id for theme in self.taxonomy.themes_for(therapeutic_area)]
        scored = [(_dot(query, profiles[theme_id]), theme_id) for theme_id in candidates]
        ranked = sorted((item for item in scored if item[0] >= MIN_SCORE), key=lambda item: (-item[0], item[1]))
        return [Suggestion(self._themes[theme_id], round(score, 4)) for score, theme_id in ranked[:limit]]

    def _build(self) -> dict[str, Vector]:
        if self._profiles is not None:
            return self._profiles
        documents = [*self._keywords.values(), *(example for examples in self._examples.values() for example in examples)]
        self._idf = _idf(documents)
        profiles: dict[str, Vector] = {}
        for theme_id, keywords in self._keywords.items():
            profile: defaultdict[str, float] = defaultdict(float)
            for term, weight in _unit(_weigh(keywords, self._idf, binary=True)).items():
                profile[term] += KEYWORD_WEIGHT * weight
            for example in self._examples[theme_id]:
                for term, weight in _unit(_weigh(example, self._idf)).items():
                    profile[term] += weight
            profiles[theme_id] = _unit(dict(profile))
        self._profiles = profiles
        return profiles


def _keyword_features(theme: Theme) -> Counter[str]:
    found = features(theme.label)
    for keyword in theme.keywords:
        found.update(features(keyword))
    return found


def _idf(documents: list[Counter[str]]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update(document.keys())
    total = len(documents)
    return {term: math.log((1 + total) / (1 + count)) + 1.0 for term, count in frequency.items()}


def _weigh(counts: Mapping[str, int], idf: Mapping[str, float], *, binary: bool = False) -> Vector:
    """TF-IDF with sublinear term frequency; terms never seen in any profile carry no evidence."""
    return {term: (1.0 if binary else 1.0 + math.log(count)) * idf[term] for term, count in counts.items() if term in idf}


def _unit(vector: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    return {term: weight / norm for term, weight in vector.items()} if norm else {}


def _dot(small: Vector, large: Vector) -> float:
    if len(small) > len(large):
        small, large = large, small
    return sum(weight * large.get(term, 0.0) for term, weight in small.items())
