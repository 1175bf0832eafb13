"""The pre-submit review: guard flags on free text, contact consent, and when off-label discussion is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.records.models import Hcp, MedicalInquiry
from liaison.core.rules.review import (
    CONSENT_RULE,
    event_findings,
    insight_findings,
    interaction_findings,
    new_findings,
)

CURIE = "hcp-curie"


def hcp(consent: bool = True) -> Hcp:
    return Hcp(id=CURIE, name="Dr Marie Curie", contact_consent=consent)


def inquiry(attested: bool = True, hcp_id: str = CURIE) -> MedicalInquiry:
    return MedicalInquiry(id="inq-1", hcp_id=hcp_id, question="Any data in children?", unsolicited_attested=attested)


def interaction(**values: Any) -> dict[str, Any]:
    return {"hcp_id": CURIE, "notes": "Discussed the ZEN-301 subgroup data.", "initiation": "proactive", **values}


def test_a_neutral_interaction_with_a_consenting_hcp_has_no_findings() -> None:
    assert interaction_findings(interaction(), hcp(), None) == []


def test_notes_topics_and_follow_ups_are_all_checked_and_say_where() -> None:
    found = interaction_findings(
        interaction(
            notes="It is the best option.",
            topics=["mechanism of action", "superior to adalimumab"],
            follow_ups=[{"text": "Send free samples", "due": None, "done": False}],
        ),
        hcp(),
        None,
    )
    assert [(finding.field, finding.where) for finding in found] == [("notes", "Notes"), ("topics", "Topics"), ("follow_ups", "Follow-up")]
    assert not any(finding.blocking for finding in found)


def test_an_hcp_without_recorded_consent_is_a_finding_that_names_them() -> None:
    [finding] = interaction_findings(interaction(), hcp(consent=False), None)
    assert (finding.rule_id, finding.category, finding.phrase, finding.blocking) == (CONSENT_RULE, "consent", "Dr Marie Curie", False)
    assert "Dr Marie Curie has no recorded contact consent" in finding.summary()


def test_a_proactive_off_label_discussion_is_blocking_even_with_an_attested_inquiry() -> None:
    [finding] = interaction_findings(interaction(off_label=True, inquiry_id="inq-1"), hcp(), inquiry())
    assert finding.blocking and finding.field == "off_label" and "never allowed" in finding.reason


@pytest.mark.parametrize(
    ("linked", "named"),
    [
        (None, "linked to the documented medical inquiry"),
        (inquiry(attested=False), "no attestation"),
        (inquiry(hcp_id="hcp-other"), "another HCP"),
    ],
)
def test_a_reactive_off_label_discussion_needs_this_hcps_attested_inquiry(linked: MedicalInquiry | None, named: str) -> None:
    [finding] = interaction_findings(interaction(off_label=True, initiation="reactive"), hcp(), linked)
    assert finding.blocking and named in finding.reason


def test_a_reactive_off_label_discussion_linked_to_an_attested_inquiry_is_allowed_and_may_name_the_off_label_use() -> None:
    notes = "HCP asked, unsolicited, about off-label use in adolescents; answered with the published case series."
    values = interaction(off_label=True, initiation="reactive", inquiry_id="inq-1", notes=notes)
    assert interaction_findings(values, hcp(), inquiry()) == []
    flagged = interaction_findings({**values, "initiation": "proactive", "off_label": False}, hcp(), inquiry())
    assert [finding.category for finding in flagged] == ["off_label_indication"], "the same words outside that context are flagged"


def test_promotion_is_flagged_even_in_a_documented_off_label_answer() -> None:
    values = interaction(off_label=True, initiation="reactive", inquiry_id="inq-1", notes="It is a miracle in adolescents.")
    assert [finding.category for finding in interaction_findings(values, hcp(), inquiry())] == ["superlative"]


def test_insight_text_and_event_outcomes_are_reviewed() -> None:
    assert [finding.field for finding in insight_findings({"text": "HCPs say it is the gold standard."})] == ["text"]
    assert [finding.field for finding in event_findings({"outcomes": "Board agreed it outperforms the rest."})] == ["outcomes"]
    assert insight_findings({"text": "Community sites lack biomarker testing."}) == []


def test_an_edit_answers_only_for_the_findings_it_introduced() -> None:
    before = insight_findings({"text": "They call it the gold standard."})
    after = insight_findings({"text": "They call it the gold standard and the safest choice."})
    assert [finding.phrase for finding in new_findings(after, before)] == ["safest"]


def test_an_override_keeps_what_a_reviewer_needs_of_each_finding() -> None:
    [finding] = insight_findings({"text": "It is the best."})
    assert finding.record() == {
        "field": "text",
        "rule_id": finding.rule_id,
        "category": "superlative",
        "phrase": "best",
        "reason": finding.reason,
    }
