"""Free text is checked for likely direct identifiers; what belongs in a narrative is left alone."""

from __future__ import annotations

import pytest

from liaison.device.domain.identifiers import IdentifierKind, find_identifiers, warning_lines

EMAIL, PHONE, DOB, NAME = IdentifierKind.EMAIL, IdentifierKind.PHONE, IdentifierKind.DATE_OF_BIRTH, IdentifierKind.FULL_NAME


def found(text: str) -> list[tuple[str, str]]:
    return [(finding.kind.value, finding.text) for finding in find_identifiers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Daughter wrote from maria.lopez@example.org", [(EMAIL, "maria.lopez@example.org")]),
        ("Call her on +44 20 7946 0958 after 5", [(PHONE, "+44 20 7946 0958")]),
        ("Husband's number 555-123-4567.", [(PHONE, "555-123-4567")]),
        ("Hospital number 40012345 on the discharge letter", [(PHONE, "40012345")]),
        ("DOB 12/03/1961, rash since Monday", [(DOB, "12/03/1961")]),
        ("Born on 4 March 1958 in Leeds", [(DOB, "4 March 1958")]),
        ("date of birth: March 4, 1958", [(DOB, "March 4, 1958")]),
        ("1961-03-12 (DOB) per the chart", [(DOB, "1961-03-12")]),
        ("Mrs Jones collapsed at home", [(NAME, "Mrs Jones")]),
        ("Seen with Mr. J. Smith and his wife", [(NAME, "Mr. J. Smith")]),
        ("The patient, Maria Lopez, aged 61", [(NAME, "Maria Lopez")]),
        ("John Smith's wife reported it", [(NAME, "John Smith")]),
        ("Anna-Lena Weber felt dizzy", [(NAME, "Anna-Lena Weber")]),
        ("Patient Hartmann was admitted", [(NAME, "Patient Hartmann")]),
    ],
)
def test_likely_direct_identifiers_are_found_with_their_kind(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == [(kind.value, value) for kind, value in expected]


@pytest.mark.parametrize(
    "text",
    [
        "Seen at Dr Smith's clinic; referred by Prof Marie Curie",
        "Referred to Marie Curie Hospital, then Northbridge University Hospital",
        "Grade 3 rash after the second dose of zentrolimab 200 mg",
        "Hospitalised 12/03/2026 with BP 90/60, HR 110, weight 72.5 kg",
        "Started orvatinib on 2026-11-20; ZEN-301 protocol v2, lot 12345678",
        "Patient JD, 61, female; Mr JD's GP informed",
        "Grace. Weber reported no further events",
        "Elevated liver enzymes at the routine visit.",
    ],
)
def test_what_belongs_in_a_narrative_is_not_flagged(text: str) -> None:
    assert found(text) == []


def test_several_findings_come_in_reading_order_each_with_a_plain_warning() -> None:
    findings = find_identifiers("Maria Lopez (DOB 12/03/1961) can be reached at maria@example.org or 0171 496 0000")
    assert [finding.kind for finding in findings] == [NAME, DOB, EMAIL, PHONE]
    lines = warning_lines(findings)
    assert lines[0] == "“Maria Lopez” looks like a person's name: use the patient's initials instead"
    assert "give the patient's age instead" in lines[1]
    assert all(finding.text in line for finding, line in zip(findings, lines, strict=True))
