"""What an erasure will do, in the words the confirmation shows (CLI and app alike)."""

from __future__ import annotations

from collections.abc import Mapping

from liaison.core.records.kinds import kind_for


def consequences(impact: Mapping[str, int]) -> list[str]:
    """One line per kind of record the erasure touches, from `Repository.erasure_impact`, ending with what cannot be undone."""
    lines = ["Their name is replaced by a pseudonym; contact details, identifiers, notes and consent are cleared, and they leave the HCP directory."]
    for table, fate in _FATES.items():
        if impact.get(table):
            lines.append(f"{_count(impact[table], kind_for(table).label)} {fate}.")
    lines.append(
        "Their data also leaves the audit log (the chain still verifies), the sync queue and, when this device syncs, "
        "the server and every other device. An erasure receipt without their name is kept. This cannot be undone."
    )
    return lines


_FATES = {
    "adverse_event": "kept for pharmacovigilance, with the reporter pseudonymized",
    "interaction": "kept as activity records, without notes or follow-ups",
    "medical_inquiry": "kept without the HCP's signature",
    "follow_up": "kept as tasks (due, done), without their text",
    "planned_visit": "kept as the MSL's plans, without the HCP among those visited",
    "insight": "kept without the link to the HCP",
    "trial_site": "kept without the HCP as principal investigator",
    "medical_event": "kept without the HCP among the attendees",
    "amendment": "of those records scrubbed the same way",
}
"""What becomes of each kind of record an erasure touches, in the order the confirmation lists them."""


def _count(number: int, noun: str) -> str:
    if number == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {plural}"
