"""The compliance gate: the pre-submit review (`liaison.core.rules.review`) on every path that files text.

It runs on submitting or amending an interaction, and on every write of an
insight or a medical event's outcomes, so no path files flagged text
unnoticed. Findings refuse the write unless a written justification comes
with it; then a `ComplianceOverride` is written in the same transaction.
Blocking findings refuse it whatever is said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session

from liaison.core.errors import ComplianceBlocked, JustificationRequired, ValidationError
from liaison.core.findings import Finding
from liaison.core.records.kinds import KINDS
from liaison.core.records.models import ComplianceOverride, Hcp, Insight, Interaction, MedicalEvent, MedicalInquiry, Record
from liaison.core.rules import review as compliance
from liaison.core.types import utcnow
from liaison.device.store.values import label
from liaison.device.store.writes import Writes

REVIEWED_ON_WRITE = frozenset(kind.model for kind in KINDS if kind.reviewed_on_write)
"""Kinds that are not submitted: the compliance review runs whenever they are written."""


class Gate:
    """Reviews values and clears (or refuses) the write that carries them, inside that write's transaction."""

    def __init__(self, writes: Writes) -> None:
        self._writes = writes

    def review(self, model: type[Record], values: Mapping[str, Any]) -> list[Finding]:
        """What the compliance review finds in these values, without writing anything: shown before a submit."""
        with self._writes.session() as session:
            return self.findings(session, model, values)

    def findings(self, session: Session, model: type[Record], values: Mapping[str, Any]) -> list[Finding]:
        if model is Interaction:
            hcp = session.get(Hcp, values["hcp_id"]) if values.get("hcp_id") else None
            inquiry = session.get(MedicalInquiry, values["inquiry_id"]) if values.get("inquiry_id") else None
            return compliance.interaction_findings(values, hcp, inquiry if inquiry is not None and not inquiry.deleted else None)
        if model is Insight:
            return compliance.insight_findings(values)
        if model is MedicalEvent:
            return compliance.event_findings(values)
        return []

    def clear(
        self,
        session: Session,
        model: type[Record],
        subject_id: str,
        values: Mapping[str, Any],
        before: Mapping[str, Any] | None,
        justification: str | None,
        subject: type[Record] | None = None,
    ) -> None:
        """Refuse the write over findings it introduced, or keep the justification that overrides them.

        Runs inside the write's transaction: a refusal rolls the whole write back.
        `subject` is the kind the override names when it is not `model` (an amendment of an interaction).
        """
        findings = self.findings(session, model, values)
        if before is not None:
            findings = compliance.new_findings(findings, self.findings(session, model, before))
        if not findings:
            return
        named = f"{label(subject or model)} {subject_id}"
        blocking = [finding for finding in findings if finding.blocking]
        if blocking:
            raise ComplianceBlocked(f"{named}: cannot be filed; no justification overrides this", blocking)
        if not (justification or "").strip():
            raise JustificationRequired(
                f"{named}: {len(findings)} compliance finding(s); revise the text, or file it anyway with a written justification",
                findings,
            )
        data = {
            "subject_table": (subject or model).__tablename__,
            "subject_id": subject_id,
            "findings": [finding.record() for finding in findings],
            "justification": justification,
            "overridden_at": utcnow(),
        }
        self._writes.create(session, ComplianceOverride, data)


def refuse_findings(findings: Sequence[Finding]) -> None:
    """In a batch there is no room for a justification: a flagged row is an invalid row."""
    if findings:
        first = findings[0]
        raise ValidationError(first.field, f'"{first.phrase}" ({first.rule_id}): {first.reason} File it on its own with a justification.')
