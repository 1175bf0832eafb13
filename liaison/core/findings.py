"""A finding of the compliance review, apart from the review itself.

`core.errors` carries findings in its compliance errors; keeping the type here lets it do so
without importing the review (which imports the guard, which raises `core.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass

FIELD_LABELS = {
    "notes": "Notes",
    "topics": "Topics",
    "follow_ups": "Follow-up",
    "text": "Insight",
    "outcomes": "Outcomes",
    "hcp_id": "HCP",
    "off_label": "Off-label",
}
"""How each reviewed field is named to the MSL (the labels of the fields they typed into)."""


@dataclass(frozen=True)
class Finding:
    """One reason the review objects, said the way the MSL needs to read it."""

    field: str
    rule_id: str
    category: str
    phrase: str
    reason: str
    suggestion: str
    blocking: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        """Two findings with the same key are the same objection (used to tell new findings from old ones)."""
        return (self.field, self.rule_id, self.phrase.casefold())

    @property
    def where(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def summary(self) -> str:
        """One line: where, the phrase, the rule, why, and what to write instead."""
        kind = "blocking" if self.blocking else self.category.replace("_", " ")
        return f'{self.where}: "{self.phrase}" ({self.rule_id}, {kind}): {self.reason} Suggestion: {self.suggestion}'

    def record(self) -> dict[str, str]:
        """What a justified override keeps of the finding."""
        return {"field": self.field, "rule_id": self.rule_id, "category": self.category, "phrase": self.phrase, "reason": self.reason}
