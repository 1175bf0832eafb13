"""What the app tells the MSL while they write an insight: likely themes, and similar insights already captured.

Built once from the insights on the device (which teach the suggester the MSL's
own words for each theme) and asked again at every pause in typing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from liaison.core.rules.similar import DUPLICATE_THRESHOLD, SimilarityIndex
from liaison.core.rules.taxonomy import Taxonomy
from liaison.core.rules.themes import Suggestion, ThemeSuggester

RELATED_THRESHOLD = 0.35
"""Similar enough to be worth a look; at `DUPLICATE_THRESHOLD` it probably is the same signal."""
MIN_WORDS = 3
"""Fewer words than this say too little to suggest anything."""


@dataclass(frozen=True)
class CapturedInsight:
    id: str
    text: str
    theme: str | None
    therapeutic_area: str | None
    product: str | None
    captured_at: datetime
    duplicate_of: str | None = None


@dataclass(frozen=True)
class SimilarInsight:
    insight: CapturedInsight
    score: float

    @property
    def same_signal(self) -> bool:
        return self.score >= DUPLICATE_THRESHOLD


@dataclass(frozen=True)
class Advice:
    suggestions: list[Suggestion]
    similar: list[SimilarInsight]


class InsightAdvisor:
    def __init__(self, taxonomy: Taxonomy, captured: Sequence[CapturedInsight]) -> None:
        self.taxonomy = taxonomy
        self._captured = {item.id: item for item in captured}
        self._suggester = ThemeSuggester(taxonomy, ((item.text, item.theme) for item in captured if item.theme))
        self._index = SimilarityIndex((item.id, item.text) for item in captured)

    def advise(self, text: str, *, therapeutic_area: str | None = None, limit: int = 3, exclude: Sequence[str] = ()) -> Advice:
        if len(text.split()) < MIN_WORDS:
            return Advice([], [])
        suggestions = self._suggester.suggest(text, therapeutic_area=therapeutic_area, limit=limit)
        matches = self._index.similar(text, limit=limit, threshold=RELATED_THRESHOLD, exclude=set(exclude))
        return Advice(suggestions, [SimilarInsight(self._captured[match.id], match.score) for match in matches])
