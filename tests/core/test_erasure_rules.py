"""The erasure rules every node applies: field by field, the same everywhere, and idempotent."""

from __future__ import annotations

import pytest

from liaison.core.erasure import Erasure, is_pseudonym, pseudonym, receipt_id, referenced_ids

HCP = "01900000-0000-7000-8000-0000000000aa"
CURIE = {"name": "Dr Marie Curie", "email": "marie@example.org", "phone": "+33 1 23 45 67 89", "npi": "1234567893", "identifiers": {"crm": "CRM-42"}}


@pytest.fixture
def erasure() -> Erasure:
    return Erasure.of(HCP, CURIE)


def test_the_pseudonym_and_the_receipt_id_are_derived_so_every_node_picks_the_same() -> None:
    assert pseudonym(HCP) == pseudonym(HCP) and pseudonym(HCP) != pseudonym(HCP[:-1] + "b")
    assert is_pseudonym(pseudonym(HCP)) and len(pseudonym(HCP)) <= 36 and not is_pseudonym(HCP)
    assert receipt_id(HCP) == receipt_id(HCP) != receipt_id("someone else")


def test_the_identifying_strings_are_the_name_with_and_without_title_and_the_contacts(erasure: Erasure) -> None:
    assert erasure.literals == ("Dr Marie Curie", "Marie Curie", "marie@example.org", "+33 1 23 45 67 89", "1234567893", "CRM-42")
    assert Erasure.of(HCP, {"name": "Dr Li"}).literals == ("Dr Li",), "a single word after the title is too common to redact"
    assert Erasure.of(HCP).literals == ()


def test_the_hcp_keeps_only_territory_and_country(erasure: Erasure) -> None:
    scrubbed = erasure.scrub(
        "hcp",
        {
            **CURIE,
            "territory": "north",
            "country": "FR",
            "notes": "x",
            "therapeutic_areas": ["Oncology"],
            "deleted": False,
            "created_by": "msl@example.org",
        },
    )
    assert scrubbed == {
        "name": pseudonym(HCP),
        "email": None,
        "phone": None,
        "npi": None,
        "identifiers": {},
        "territory": "north",
        "country": "FR",
        "notes": None,
        "therapeutic_areas": [],
        "deleted": True,
        "created_by": "msl@example.org",
    }


def test_a_change_carrying_a_few_fields_is_scrubbed_field_by_field(erasure: Erasure) -> None:
    assert erasure.scrub("hcp", {"phone": "+44 1"}) == {"phone": None}
    assert erasure.scrub("interaction", {"notes": "asked about dosing"}) == {"notes": ""}
    assert erasure.scrub("interaction", {"topics": ["dosing"]}) == {"topics": ["dosing"]}


@pytest.mark.parametrize(
    ("table", "fields", "expected"),
    [
        (
            "interaction",
            {"hcp_id": HCP, "notes": "n", "follow_ups": [{"text": "t"}], "topics": ["a"]},
            {"hcp_id": pseudonym(HCP), "notes": "", "follow_ups": [], "topics": ["a"]},
        ),
        (
            "medical_inquiry",
            {"hcp_id": HCP, "signature": [[[0, 0]]], "question": "Renal dosing?"},
            {"hcp_id": pseudonym(HCP), "signature": None, "question": "Renal dosing?"},
        ),
        (
            "adverse_event",
            {"reporter": "Nurse at the clinic", "reporter_hcp_id": HCP, "description": "Marie Curie saw a rash"},
            {"reporter": pseudonym(HCP), "reporter_hcp_id": pseudonym(HCP), "description": f"{pseudonym(HCP)} saw a rash"},
        ),
        ("insight", {"hcp_id": HCP, "text": "t"}, {"hcp_id": None, "text": "t"}),
        ("trial_site", {"pi_hcp_id": HCP, "site_name": "Site 12"}, {"pi_hcp_id": None, "site_name": "Site 12"}),
        ("medical_event", {"attendee_ids": ["other", HCP]}, {"attendee_ids": ["other"]}),
        (
            "amendment",
            {"subject_table": "interaction", "changes": {"notes": "x"}, "reason": "DR MARIE CURIE called"},
            {"subject_table": "interaction", "changes": {"notes": ""}, "reason": f"{pseudonym(HCP)} called"},
        ),
    ],
)
def test_records_that_name_the_hcp(erasure: Erasure, table: str, fields: dict, expected: dict) -> None:
    assert erasure.scrub(table, fields) == expected
    assert erasure.scrub(table, expected) == expected, "scrubbing twice changes nothing"


def test_identifying_strings_are_replaced_as_whole_words_only(erasure: Erasure) -> None:
    assert erasure.redact("Call Marie Curieux? No: Marie Curie, at marie@example.org") == (
        f"Call Marie Curieux? No: {pseudonym(HCP)}, at {pseudonym(HCP)}"
    )
    assert erasure.redact(["1234567893", {"note": "npi 12345678930"}, 7]) == [pseudonym(HCP), {"note": "npi 12345678930"}, 7]


def test_what_the_erasure_concerns(erasure: Erasure) -> None:
    assert erasure.concerns("hcp", HCP, {}) and not erasure.concerns("hcp", "other", {})
    assert erasure.concerns("interaction", "i", {"hcp_id": HCP})
    assert erasure.concerns("interaction", "i", {"hcp_id": pseudonym(HCP)}), "already scrubbed elsewhere"
    assert erasure.concerns("adverse_event", "a", {"reporter": "dr marie curie (phone)", "reporter_hcp_id": None})
    assert not erasure.concerns("adverse_event", "a", {"reporter": "Dr Pierre Curie", "reporter_hcp_id": None})
    assert not erasure.concerns("insight", "n", {"hcp_id": None, "text": "Marie Curie said"}), "unlinked mentions are out of scope"
    assert referenced_ids("medical_event", {"attendee_ids": ["a", "b"]}) == {"a", "b"}
