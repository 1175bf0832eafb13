"""Wire values as record fields: one definition of what a device can store, used by the device and the server."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import ValidationError
from app.store.models import AdverseEvent, Hcp, Interaction, MedicalInquiry
from app.store.remote import check_values, typed

CASES: list[tuple[type, str, Any]] = [
    (Hcp, "kol_tier", 2), (Hcp, "kol_tier", "2"), (Hcp, "kol_tier", "top"), (Hcp, "kol_tier", None),
    (Hcp, "name", None), (Hcp, "therapeutic_areas", ["Oncology"]), (Hcp, "therapeutic_areas", "Oncology"),
    (Hcp, "identifiers", {"rpps": "1"}), (Hcp, "identifiers", {"rpps": None}), (Hcp, "contact_consent", "yes"),
    (Interaction, "occurred_at", "2026-11-24T10:00:00.123456Z"), (Interaction, "occurred_at", "2026-11-24T10:00:00"),
    (Interaction, "occurred_at", None), (Interaction, "submitted_at", None), (Interaction, "channel", "phone"),
    (Interaction, "channel", "carrier pigeon"), (Interaction, "follow_ups", [{"text": "Call back", "due": None}]),
    (MedicalInquiry, "signature", [[[0.1, 0.2]]]), (MedicalInquiry, "signature", "scribble"),
    (AdverseEvent, "aware_at", "2026-11-24T10:00:00+01:00"), (AdverseEvent, "seriousness", "mild-ish"),
]


def refused(call: Any) -> bool:
    try:
        call()
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize(("model", "name", "value"), CASES)
def test_a_change_is_checked_as_a_whole_exactly_as_each_value_is_on_its_own(model: type, name: str, value: Any) -> None:
    assert refused(lambda: check_values(model, {name: value})) == refused(lambda: typed(model, name, value))


def test_the_refusal_names_the_field_and_where_inside_it() -> None:
    with pytest.raises(ValidationError) as refusal:
        check_values(Hcp, {"name": "Dr A", "therapeutic_areas": ["Oncology", 7]})
    assert refusal.value.field == "therapeutic_areas"
    assert str(refusal.value) == "therapeutic_areas: 1: input should be a valid string"
    with pytest.raises(ValidationError, match=r"^occurred_at: input should have timezone info$"):
        check_values(Interaction, {"occurred_at": "2026-11-24T10:00:00"})
