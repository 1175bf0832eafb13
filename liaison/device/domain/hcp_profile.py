"""An HCP profile's lists as a person types them in one line: "Charité | Cardiology | Head of department".

The CLI takes a repeated option per list entry, the app a row of fields; both
end as the list values `liaison.core.records.models.Hcp` validates. A repeated
`--email` (or phone, specialty) is the primary value first and the further
ones after it, as the profile keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from liaison.core.errors import ValidationError

SEPARATOR = "|"

AFFILIATION = ("institution", "department", "role")
PUBLICATION = ("title", "journal", "year", "doi", "pmid")
TRIAL = ("study", "role", "trial_site_id")


def entry(field: str, text: str, parts: Sequence[str], required: int) -> dict[str, Any]:
    """One list entry from "a | b | c": the first `required` parts must be there, the rest may be left out."""
    values = [part.strip() for part in text.split(SEPARATOR)]
    if len(values) > len(parts) or len([value for value in values[:required] if value]) < required:
        shape = f" {SEPARATOR} ".join(parts[:required]) + "".join(f" [{SEPARATOR} {name}]" for name in parts[required:])
        raise ValidationError(field, f"{text!r}: write it as '{shape}'")
    return {name: value for name, value in zip(parts, values, strict=False) if value}


def entries(field: str, texts: Sequence[str] | None, parts: Sequence[str], required: int) -> list[dict[str, Any]] | None:
    """Every entry of a repeated option, or None when it was not given (an edit keeps the list)."""
    return None if texts is None else [entry(field, text, parts, required) for text in texts]


def primary_and_further(values: Sequence[str] | None, primary: str, further: str) -> dict[str, Any]:
    """A repeated option's values as the primary field and the list of further ones; nothing when not given."""
    if values is None:
        return {}
    cleaned = [value.strip() for value in values if value.strip()]
    return {primary: cleaned[0] if cleaned else None, further: cleaned[1:]}
