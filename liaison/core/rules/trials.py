"""Trial sites: what an enrolment figure says against its target, and what an issue of the site's log holds.

Over-enrolment is warned about, never refused: a site can really enrol past its
target (a screening wave that all qualified), and refusing the figure would
only push the MSL to record a wrong one.
"""

from __future__ import annotations

from typing import Any

ISSUE_TEXT = 1_000
"""The most an issue's text holds: a sentence or a short paragraph."""


def over_enrolment(actual: int, target: int) -> str | None:
    """A warning when a site has enrolled more than its target, in words; None when it has not (or has no target)."""
    if target <= 0 or actual <= target:
        return None
    return (
        f"Enrolled {actual:,} is above the target of {target:,} ({actual - target:,} over): check the figure, and tell the study team if it is right"
    )


def checked_issues(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each issue names what is wrong in words, within `ISSUE_TEXT` characters; closed ones say by whom and when."""
    for number, issue in enumerate(issues, start=1):
        text = issue.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"issue {number} must say what is wrong")
        if len(text) > ISSUE_TEXT:
            raise ValueError(f"issue {number}: keep it to {ISSUE_TEXT:,} characters or fewer (this has {len(text):,})")
    return issues
