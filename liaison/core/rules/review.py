"""The pre-submit compliance review: what stands between an MSL's record and filing it.

Three kinds of finding:
- the guard's flags on the free text (interaction notes, topics and follow-ups;
  an insight's text; a medical event's outcomes);
- consent: an interaction with an HCP who has no recorded contact consent;
- off-label: an interaction marked as discussing off-label use is allowed only
  when the HCP asked unsolicited (reactive) and it is linked to that HCP's
  medical inquiry carrying their attestation. Otherwise it is *blocking*: no
  justification files a proactive off-label discussion.

Any other finding may be overridden with a written justification; the
repository records the override (audited, synced, read by the manager).
This module is pure: the repository looks up the HCP and the inquiry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from liaison.core.findings import Finding
from liaison.core.rules.guard import check_text

CONSENT_RULE = "CONSENT-001"
OFF_LABEL_RULES = {
    "proactive": "OFFLABEL-001",
    "no_inquiry": "OFFLABEL-002",
    "not_attested": "OFFLABEL-003",
    "other_hcp": "OFFLABEL-004",
}


class HcpLike(Protocol):
    name: str
    contact_consent: bool


class InquiryLike(Protocol):
    id: str
    hcp_id: str
    unsolicited_attested: bool


def text_findings(field: str, text: str | None) -> list[Finding]:
    return [Finding(field, flag.rule_id, flag.category, flag.phrase, flag.reason, flag.suggestion) for flag in check_text(text or "")]


def interaction_findings(values: Mapping[str, Any], hcp: HcpLike | None, inquiry: InquiryLike | None) -> list[Finding]:
    """Review an interaction as it would be filed. `inquiry` is the linked medical inquiry, if any."""
    reactive = values.get("initiation") == "reactive"
    documented = reactive and inquiry is not None and bool(inquiry.unsolicited_attested) and inquiry.hcp_id == values.get("hcp_id")
    found = text_findings("notes", values.get("notes"))
    for topic in values.get("topics") or []:
        found += text_findings("topics", topic)
    for follow_up in values.get("follow_ups") or []:
        found += text_findings("follow_ups", _follow_up_text(follow_up))
    if documented:
        found = [finding for finding in found if not finding.category.startswith("off_label")]
    if hcp is not None and not hcp.contact_consent:
        found.append(
            Finding(
                "hcp_id",
                CONSENT_RULE,
                "consent",
                hcp.name,
                f"{hcp.name} has no recorded contact consent; under privacy rules an HCP is contacted only with their consent.",
                "Record the consent in the HCP's profile before submitting, or justify why this contact was appropriate "
                "(for example, the HCP contacted you).",
            )
        )
    if values.get("off_label"):
        found += _off_label(values, inquiry, reactive)
    return found


def insight_findings(values: Mapping[str, Any]) -> list[Finding]:
    return text_findings("text", values.get("text"))


def event_findings(values: Mapping[str, Any]) -> list[Finding]:
    return text_findings("outcomes", values.get("outcomes"))


def new_findings(after: Sequence[Finding], before: Iterable[Finding]) -> list[Finding]:
    """Findings in `after` that `before` did not have: an edit answers only for what it introduced."""
    seen = {finding.key for finding in before}
    return [finding for finding in after if finding.key not in seen]


def _off_label(values: Mapping[str, Any], inquiry: InquiryLike | None, reactive: bool) -> list[Finding]:
    def blocking(case: str, reason: str, suggestion: str) -> list[Finding]:
        return [Finding("off_label", OFF_LABEL_RULES[case], "off_label_discussion", "off-label discussion", reason, suggestion, blocking=True)]

    if not reactive:
        return blocking(
            "proactive",
            "Off-label use was discussed in an exchange the MSL started (proactive); that is never allowed.",
            "If the HCP asked unsolicited, mark the interaction reactive and link their medical inquiry; otherwise remove the off-label discussion.",
        )
    if inquiry is None:
        return blocking(
            "no_inquiry",
            "A reactive off-label discussion must be linked to the documented medical inquiry that asked for it.",
            "Log the HCP's question as a medical inquiry with their attestation and link it to this interaction.",
        )
    if not inquiry.unsolicited_attested:
        return blocking(
            "not_attested",
            "The linked medical inquiry has no attestation that the request was unsolicited.",
            "Have the HCP attest the request was unsolicited on the medical inquiry, then submit.",
        )
    if inquiry.hcp_id != values.get("hcp_id"):
        return blocking(
            "other_hcp",
            "The linked medical inquiry was made by another HCP, so it does not document this discussion.",
            "Link the medical inquiry this HCP made.",
        )
    return []


def _follow_up_text(follow_up: Any) -> str:
    if isinstance(follow_up, Mapping):
        return str(follow_up.get("text") or "")
    return str(getattr(follow_up, "text", "") or "")
