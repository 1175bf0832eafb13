"""Likely duplicates of an HCP: one rule for the Add HCP form's warning and the data steward's queue."""

from __future__ import annotations

import pytest

from liaison.core.rules.hcp_duplicates import likely_duplicates, normalised, why_duplicate

CURIE = {"name": "Dr Marie Curie", "institution": "Institut Curie", "city": "Paris", "npi": "1234567890", "email": "marie@curie.example"}


def test_names_and_places_compare_without_titles_accents_case_or_punctuation() -> None:
    assert normalised("Prof. Dr. José  MARÍA-López", drop_titles=True) == "jose maria lopez"
    assert normalised("Hôpital Saint-Louis") == normalised("hopital saint louis")


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ({"name": "Someone Else", "npi": "1234567890"}, "same NPI"),
        ({"name": "M. Curie", "other_emails": ["MARIE@curie.example"]}, "same e-mail"),
        ({"name": "Prof. Marie CURIE", "institution": "institut curie"}, "same name and institution"),
        ({"name": "Marie Curie", "institution": "Sorbonne", "city": "PARIS"}, "same name and city"),
        ({"name": "Marie Curie"}, "same name"),
        ({"name": "Marie Curie", "institution": "Karolinska", "city": "Stockholm"}, None),
        ({"name": "Pierre Curie", "institution": "Institut Curie"}, None),
    ],
)
def test_what_makes_a_likely_duplicate(candidate: dict[str, object], reason: str | None) -> None:
    assert why_duplicate(candidate, CURIE) == reason


def test_the_candidate_itself_is_never_its_own_duplicate() -> None:
    others = [("a", CURIE), ("b", {"name": "Dr Louis Pasteur"})]
    assert [item.hcp_id for item in likely_duplicates({"id": "a", **CURIE}, others)] == []
    assert [(item.hcp_id, item.reason) for item in likely_duplicates({"name": "Marie Curie", "city": "Paris"}, others)] == [
        ("a", "same name and city")
    ]
