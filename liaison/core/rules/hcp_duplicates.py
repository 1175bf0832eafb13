"""Likely duplicates of an HCP: what the data steward checks before approving a request, and what the Add HCP form warns of.

One rule for device and server, so the MSL is warned of what the steward will see:
the same NPI, the same e-mail address, or the same name (titles, accents, case and
punctuation set aside) at the same institution or in the same city. A candidate
known by name alone matches that name anywhere. It warns, never blocks: two
doctors may share a name, and only a person can tell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TITLES = frozenset({"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "miss", "sir", "dame", "md", "phd", "frcp", "pd", "priv", "doz"})
"""Words a name carries that do not tell two people apart."""

COMPARED = ("name", "institution", "city", "npi", "email", "other_emails")
"""The fields the rule reads."""

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Duplicate:
    """An HCP already held that a new one may be, and why it looks so."""

    hcp_id: str
    name: str
    institution: str | None
    city: str | None
    reason: str


def normalised(text: str | None, *, drop_titles: bool = False) -> str:
    """The words of a name or place, as comparison sees them: accents, case, punctuation (and titles) dropped."""
    if not text:
        return ""
    plain = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    words = _WORD.findall(plain.casefold())
    return " ".join(word for word in words if not (drop_titles and word in TITLES))


def _emails(values: Mapping[str, Any]) -> set[str]:
    found = [values.get("email"), *(values.get("other_emails") or [])]
    return {str(item).strip().casefold() for item in found if item}


def why_duplicate(candidate: Mapping[str, Any], other: Mapping[str, Any]) -> str | None:
    """Why `other` looks like the same HCP as `candidate`, or None when it does not."""
    npi = candidate.get("npi")
    if npi and npi == other.get("npi"):
        return "same NPI"
    if _emails(candidate) & _emails(other):
        return "same e-mail"
    name = normalised(candidate.get("name"), drop_titles=True)
    if not name or name != normalised(other.get("name"), drop_titles=True):
        return None
    institution, city = normalised(candidate.get("institution")), normalised(candidate.get("city"))
    if institution and institution == normalised(other.get("institution")):
        return "same name and institution"
    if city and city == normalised(other.get("city")):
        return "same name and city"
    if not institution and not city:
        return "same name"
    return None


def likely_duplicates(candidate: Mapping[str, Any], others: Iterable[tuple[str, Mapping[str, Any]]]) -> list[Duplicate]:
    """Every HCP of `others` (id and fields) that looks like `candidate`, in the order given; the candidate's own id is skipped."""
    own = candidate.get("id")
    found: list[Duplicate] = []
    for hcp_id, fields in others:
        if hcp_id == own:
            continue
        reason = why_duplicate(candidate, fields)
        if reason is not None:
            found.append(Duplicate(hcp_id, str(fields.get("name") or ""), fields.get("institution"), fields.get("city"), reason))
    return found
