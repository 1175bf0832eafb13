"""An HCP profile's lists: each entry checked where it is written, and every problem named by its field and place."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.erasure import HCP_CLEARED, HCP_KEPT
from liaison.core.errors import ValidationError
from liaison.core.records import shape
from liaison.core.records.models import Hcp, HcpCreate, Record


def hcp(**fields: Any) -> HcpCreate:
    return HcpCreate.model_validate({"name": "Dr Ana Sousa", **fields})


def test_a_full_profile_keeps_its_lists_tidy() -> None:
    made = hcp(
        specialties=["  Heart   failure ", "Heart failure", ""],
        other_emails=["ana@uni.example", " "],
        other_phones=["+351  21 000 0000"],
        address="  Av. Prof. Egas Moniz\n1649-035 Lisboa  ",
        affiliations=[{"institution": " Hospital  de Santa Maria ", "department": "", "role": "Consultant"}],
        publications=[{"title": "A trial", "journal": "NEJM", "year": "2021", "doi": "https://doi.org/10.1056/NEJMoa2107038", "pmid": "34449189"}],
        trials=[{"study": "EMPEROR", "role": "Sub-investigator"}, {"study": "EMPEROR", "role": "Sub-investigator"}],
    )
    assert made.specialties == ["Heart failure"] and made.other_emails == ["ana@uni.example"] and made.other_phones == ["+351 21 000 0000"]
    assert made.address == "Av. Prof. Egas Moniz\n1649-035 Lisboa"
    assert made.affiliations[0].model_dump() == {"institution": "Hospital de Santa Maria", "department": None, "role": "Consultant"}
    assert (made.publications[0].year, made.publications[0].doi) == (2021, "10.1056/NEJMoa2107038")
    assert len(made.trials) == 1, "the same role in the same study is one entry"


def test_the_flat_fields_stay_the_primary_values_and_default_to_empty_lists() -> None:
    made = hcp(email="ana@example.org", phone="+351 1", specialty="Cardiology", institution="Santa Maria")
    assert (made.email, made.phone, made.specialty, made.institution) == ("ana@example.org", "+351 1", "Cardiology", "Santa Maria")
    assert made.other_emails == made.other_phones == made.specialties == made.affiliations == made.publications == made.trials == []


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        ({"other_emails": ["ana at uni"]}, "other_emails", "must look like name@example.org"),
        ({"other_phones": ["call me"]}, "other_phones", "must be a phone number"),
        ({"affiliations": [{"institution": "  "}]}, "affiliations.0.institution", "must not be blank"),
        ({"publications": [{"title": "T", "journal": "J", "year": 1066}]}, "publications.0.year", "greater than or equal to 1900"),
        ({"publications": [{"title": "T", "journal": "J", "year": 2020, "doi": "nature.com/x"}]}, "publications.0.doi", "10.1000/xyz123"),
        ({"publications": [{"title": "T", "journal": "J", "year": 2020, "pmid": "PMC123"}]}, "publications.0.pmid", "digits only"),
        ({"trials": [{"study": "X", "role": ""}]}, "trials.0.role", "must not be blank"),
        ({"specialties": ["x" * 121]}, "specialties", "at most 120 characters"),
    ],
)
def test_a_bad_entry_is_refused_naming_its_field_and_place(fields: dict[str, Any], where: str, words: str) -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError) as caught:
        hcp(**fields)
    error = caught.value.errors()[0]
    assert ".".join(str(part) for part in error["loc"]) == where and words in error["msg"]


def test_the_server_checks_pushed_lists_by_the_same_rules() -> None:
    shape.check_values(Hcp, {"affiliations": [{"institution": "Charité", "department": None, "role": None}], "other_emails": ["a@b.org"]})
    with pytest.raises(ValidationError, match=r"^affiliations: 0\.institution: must not be blank$"):
        shape.check_values(Hcp, {"affiliations": [{"institution": ""}]})
    with pytest.raises(ValidationError, match="other_emails"):
        shape.check_values(Hcp, {"other_emails": ["nope"]})
    assert shape.typed(Hcp, "publications", [{"title": "T", "journal": "J", "year": 2020}]) == [
        {"title": "T", "journal": "J", "year": 2020, "doi": None, "pmid": None}
    ]


def test_an_erasure_clears_every_field_of_the_hcp_but_the_name_it_replaces_and_the_two_it_keeps() -> None:
    personal = set(Hcp.model_fields) - Record.BOOKKEEPING - {"name"} - HCP_KEPT
    assert personal == set(HCP_CLEARED), "a new HCP field must say what an erasure makes of it"


def test_the_further_e_mails_and_phones_are_redacted_from_kept_texts_too() -> None:
    from liaison.core.erasure import Erasure

    erasure = Erasure.of("hcp-1", {"name": "Dr Ana Sousa", "other_emails": ["ana@uni.example"], "other_phones": ["+351 21 780 5000"]})
    assert erasure.redact("wrote to ana@uni.example, then rang +351 21 780 5000") == f"wrote to {erasure.pseudonym}, then rang {erasure.pseudonym}"
