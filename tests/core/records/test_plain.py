"""Input problems reach the MSL in plain words naming the field, every one of them at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import SQLModel

from liaison.core.errors import ValidationError, ValidationErrors
from liaison.core.records import models
from liaison.core.records.kinds import KINDS
from liaison.core.records.models import (
    LONG_TEXT,
    AdverseEventCreate,
    InsightCreate,
    InteractionCreate,
    MedicalInquiryCreate,
    TrialSiteCreate,
)
from liaison.core.records.plain import check, label_for, refusal

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def lines(model: type[SQLModel], values: dict[str, Any]) -> list[str]:
    return [str(problem) for problem in check(model, values)]


def test_every_failing_field_is_named_by_its_label_in_one_go() -> None:
    found = lines(
        InteractionCreate,
        {"hcp_id": "h1", "occurred_at": "yesterday", "channel": "in_person", "notes": "x" * 10_001, "follow_ups": [{"text": "Call", "due": "soon"}]},
    )
    assert found == [
        "Date and time: use a date and time like 2026-12-31 14:30",
        "Notes: keep it to 10,000 characters or fewer (this has 10,001)",
        "Follow-up due: use a date like 2026-12-31",
    ]


@pytest.mark.parametrize(
    ("model", "values", "line"),
    [
        (InsightCreate, {"text": "", "captured_at": NOW}, "Insight: please write something"),
        (MedicalInquiryCreate, {"hcp_id": "h1", "received_at": NOW}, "Question: please fill this in"),
        (TrialSiteCreate, {"study": "S", "protocol": "P", "site_name": "N", "enrolment_actual": -1}, "Enrolled: cannot be negative"),
        (TrialSiteCreate, {"study": "S", "protocol": "P", "site_name": "N", "enrolment_actual": "many"}, "Enrolled: use a whole number, like 12"),
        (
            AdverseEventCreate,
            {"reporter": "Dr Curie", "aware_at": NOW, "product": "p", "description": "rash", "patient_age": 200},
            "Patient age: must be 130 or less",
        ),
        (
            InteractionCreate,
            {"hcp_id": "h1", "occurred_at": NOW, "channel": "fax"},
            "Channel: choose one of in_person, virtual, phone, email or congress",
        ),
    ],
)
def test_pydantic_jargon_becomes_a_plain_sentence(model: type[SQLModel], values: dict[str, Any], line: str) -> None:
    assert lines(model, values) == [line]
    assert not any(word in line for word in ("string should", "Input should", "Field required", "valid integer"))


def test_one_problem_is_a_plain_validation_error_and_several_are_listed_one_line_each() -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError) as one:
        InsightCreate.model_validate({"text": "", "captured_at": NOW})
    single = refusal(one.value, InsightCreate)
    assert type(single) is ValidationError and (single.field, single.message, single.label) == ("text", "please write something", "Insight")

    with pytest.raises(pydantic.ValidationError) as two:
        InsightCreate.model_validate({"text": "", "captured_at": "later"})
    several = refusal(two.value, InsightCreate)
    assert isinstance(several, ValidationErrors) and len(several.problems) == 2
    assert str(several).splitlines() == ["Insight: please write something", "Captured at: use a date and time like 2026-12-31 14:30"]
    assert several.field == "text", "callers that show one problem show the first"


def test_labels_leave_list_positions_out_and_fall_back_to_the_field_in_words() -> None:
    assert label_for(InteractionCreate, "follow_ups.0.due") == "Follow-up due"
    assert label_for(None, "therapeutic_area") == "Therapeutic area"
    assert label_for(models.Insight, "text") == "Insight" and label_for(models.Interaction, "notes") == "Notes"


def test_every_free_text_field_has_a_limit() -> None:
    """A text column with no maximum lets a pasted document into a record (and a field thousands of pixels tall)."""
    unbounded = []
    for kind in KINDS:
        for name, info in kind.create.model_fields.items():
            if info.annotation in (str, str | None) and not any(getattr(rule, "max_length", None) for rule in info.metadata):
                unbounded.append(f"{kind.table}.{name}")
    assert unbounded == []
    assert InteractionCreate.model_fields["notes"].metadata and LONG_TEXT == 10_000
