"""Erasing an HCP on request: what becomes of each field, decided the same way on every node.

The device that erases, every other device and the server each apply these
rules to the copies they hold (records, queued changes, the change log, audit
payloads), so all of them reach the same state without the erased values ever
travelling again. The rules are pure functions of a record's JSON field values
and the `Erasure`, field by field, so a change scrubbed on arrival and a record
scrubbed in place agree. docs/PRIVACY.md explains the choices.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from liaison.core.records.kinds import Erased, Reference, references_to

PSEUDONYM_PREFIX = "Erased HCP "
RECEIPT_TABLE = "hcp_erasure"
_NAMESPACE = uuid.UUID("5d0c1b6e-2f4a-4c8e-9b7d-3e1a6f2c8d90")
_HONORIFICS = re.compile(r"^(dr|prof|professor|mr|mrs|ms|mx|sir|dame)\.?\s+", re.IGNORECASE)

HCP_KEPT = frozenset({"territory", "country", "master_status", "merged_into"})
"""Fields of the HCP that stay on the tombstone: which territory's devices it concerns, the jurisdiction, and
where it stands in the master data (what the data steward decided; a merge names only the other HCP's id)."""

HCP_CLEARED: dict[str, Any] = {
    "specialty": None,
    "institution": None,
    "city": None,
    "kol_tier": None,
    "therapeutic_areas": [],
    "npi": None,
    "identifiers": {},
    "email": None,
    "phone": None,
    "other_emails": [],
    "other_phones": [],
    "address": None,
    "specialties": [],
    "affiliations": [],
    "publications": [],
    "trials": [],
    "contact_consent": False,
    "consent_recorded_at": None,
    "notes": None,
    "steward_note": None,
}
"""The HCP's own fields and what they become; the name becomes the pseudonym."""


def _hcp_references() -> dict[str, tuple[Reference, ...]]:
    found: dict[str, list[Reference]] = {}
    for kind, reference in references_to("hcp"):
        found.setdefault(kind.table, []).append(reference)
    return {table: tuple(references) for table, references in found.items()}


_HCP_REFERENCES = _hcp_references()

REFERENCES: dict[str, tuple[str, ...]] = {table: tuple(ref.field for ref in refs) for table, refs in _HCP_REFERENCES.items()}
"""Where each kind names an HCP by id (the kinds' declared references to `hcp`)."""

ERASED_FOLLOW_UP = "Follow-up with an erased HCP"
"""What a follow-up's text becomes: the promise is kept as activity (due, done), its words are not (a text is never empty)."""

CLEARED: dict[str, dict[str, Any]] = {
    "interaction": {"notes": "", "follow_ups": []},
    "medical_inquiry": {"signature": None},
    "adverse_event": {"reporter_contact": None},
    "follow_up": {"text": ERASED_FOLLOW_UP},
}
"""Free text and marks of the person on records that are kept: cleared, whatever they held."""


def pseudonym(hcp_id: str) -> str:
    """The name an erased HCP goes by: derived from the id (itself random), so every node picks the same one."""
    return PSEUDONYM_PREFIX + hashlib.sha256(f"liaison-erasure:{hcp_id}".encode()).hexdigest()[:12]


def is_pseudonym(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PSEUDONYM_PREFIX)


def receipt_id(hcp_id: str) -> str:
    """One receipt per HCP: two devices erasing the same HCP write the same record."""
    return str(uuid.uuid5(_NAMESPACE, f"{RECEIPT_TABLE}:{hcp_id}"))


def referenced_ids(table: str, fields: Mapping[str, Any]) -> set[str]:
    """The HCP ids (or pseudonyms) a record's fields point at."""
    found: set[str] = set()
    for name in REFERENCES.get(table, ()):
        value = fields.get(name)
        if isinstance(value, str) and value:
            found.add(value)
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str))
    return found


@dataclass(frozen=True)
class Erasure:
    """One HCP's erasure as a node applies it: the id, its pseudonym, and the identifying strings to redact.

    `literals` are the HCP's name, e-mail, phone and identifiers as this node
    last knew them; wherever they appear in a kept text of an affected record
    they are replaced by the pseudonym. A node that never held the HCP, or
    meets a record only after the name is gone, applies the field rules alone.
    """

    hcp_id: str
    pseudonym: str
    literals: tuple[str, ...] = ()

    @classmethod
    def of(cls, hcp_id: str, hcp_fields: Mapping[str, Any] | None = None) -> Erasure:
        return cls(hcp_id, pseudonym(hcp_id), _literals(hcp_fields or {}))

    @property
    def ids(self) -> frozenset[str]:
        """What a reference to this HCP looks like, before and after erasure."""
        return frozenset({self.hcp_id, self.pseudonym})

    def concerns(self, table: str, record_id: str, fields: Mapping[str, Any]) -> bool:
        """Whether a record (all its fields) is the HCP or names them: by id, or, for an adverse event, as its reporter."""
        if table == "hcp":
            return record_id == self.hcp_id
        if referenced_ids(table, fields) & self.ids:
            return True
        return table == "adverse_event" and self._names(fields.get("reporter"))

    def scrub(self, table: str, fields: Mapping[str, Any], *, subject: str | None = None) -> dict[str, Any]:
        """The fields of a record this erasure concerns, as they must be from now on.

        Works on a whole record or on the few fields one change carries. For an
        amendment, `subject` (else its own `subject_table`) names the kind its
        `changes` apply to.
        """
        rules = self._rules(table)
        result: dict[str, Any] = {}
        for name, value in fields.items():
            if name in rules:
                result[name] = rules[name](value)
            elif table == "amendment" and name == "changes" and isinstance(value, Mapping):
                kind = subject or fields.get("subject_table")
                result[name] = self.scrub(str(kind), value) if kind else self.redact(value)
            else:
                result[name] = self.redact(value)
        return result

    def redact(self, value: Any) -> Any:
        """Every identifying string of the HCP inside a value (texts, lists, objects) replaced by the pseudonym."""
        if not self.literals:
            return value
        if isinstance(value, str):
            return self._pattern().sub(self.pseudonym, value)
        if isinstance(value, list):
            return [self.redact(item) for item in value]
        if isinstance(value, dict):
            return {key: self.redact(item) for key, item in value.items()}
        return value

    def _rules(self, table: str) -> dict[str, Callable[[Any], Any]]:
        if table == "hcp":
            rules: dict[str, Callable[[Any], Any]] = {name: _constant(value) for name, value in HCP_CLEARED.items()}
            rules["name"] = _constant(self.pseudonym)
            rules["deleted"] = _constant(True)
            return rules
        rules = {name: _constant(value) for name, value in CLEARED.get(table, {}).items()}
        if table == "adverse_event":
            rules["reporter"] = _constant(self.pseudonym)
        for reference in _HCP_REFERENCES.get(table, ()):
            rules[reference.field] = self._reference_rule(reference)
        return rules

    def _reference_rule(self, reference: Reference) -> Callable[[Any], Any]:
        """As the kind declares: a record kept as the HCP's (interactions, inquiries, adverse events) points at
        the pseudonym; one that stands without them drops the link, and a list of ids loses theirs."""
        ids = self.ids
        if reference.many:
            return lambda value: [item for item in value if item not in ids] if isinstance(value, list) else value
        if reference.erased is Erased.DROPPED:
            return lambda value: None if value in ids else value
        return lambda value: self.pseudonym if value in ids else value

    def _names(self, text: Any) -> bool:
        return bool(self.literals) and isinstance(text, str) and self._pattern().search(text) is not None

    def _pattern(self) -> re.Pattern[str]:
        return _compiled(self.literals)


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _: value


@lru_cache(maxsize=64)
def _compiled(literals: tuple[str, ...]) -> re.Pattern[str]:
    """Longest first, so a full name is replaced whole before its shorter form could match inside it."""
    alternatives = "|".join(re.escape(item) for item in sorted(literals, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _literals(hcp: Mapping[str, Any]) -> tuple[str, ...]:
    """The strings that identify the HCP in free text: full name, name without title, e-mail, phone, identifiers."""
    found: list[str] = []
    name = " ".join(str(hcp.get("name") or "").split())
    if name and not is_pseudonym(name):
        found.append(name)
        bare = _HONORIFICS.sub("", name)
        if bare != name and len(bare.split()) >= 2:
            found.append(bare)
    identifiers = hcp.get("identifiers") or {}
    values: Iterable[Any] = (
        hcp.get("email"),
        hcp.get("phone"),
        *_listed(hcp.get("other_emails")),
        *_listed(hcp.get("other_phones")),
        hcp.get("npi"),
        *(identifiers.values() if isinstance(identifiers, Mapping) else ()),
    )
    found += [str(value).strip() for value in values if value and len(str(value).strip()) >= 4]
    return tuple(dict.fromkeys(found))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
