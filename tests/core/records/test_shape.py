"""Specs for the one shape checker's fast paths: they pass only what the full check passes, unchanged.

The agreement of the push check, the pull and the quick checks on every field is
specified against a real store in tests/device/store/test_remote.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import NoneType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.core.errors import ValidationError
from liaison.core.records.models import AdverseEvent, Hcp, Interaction
from liaison.core.records.shape import check_values, is_utc_wire_time, plain_types, typed


@pytest.mark.parametrize(
    ("value", "fast"),
    [
        ("2026-11-24T10:00:00.123456+00:00", True),
        ("2026-11-24T10:00:00.123456Z", True),
        ("2026-11-31T10:00:00.000000Z", False),  # shaped like a time, but no such day
        ("2026-11-24T10:00:00+00:00", False),  # no microseconds: the full check decides
        ("2026-11-24T11:00:00.000000+01:00", False),
        ("2026-11-24T10:00:00.000000", False),
        (1764000000, False),
        (None, False),
    ],
)
def test_a_time_as_devices_write_it_takes_the_fast_path_and_nothing_else_does(value: object, fast: bool) -> None:
    assert is_utc_wire_time(value) is fast


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)))
def test_every_time_the_fast_path_takes_the_full_check_takes_as_the_same_moment(moment: datetime) -> None:
    text = moment.isoformat(timespec="microseconds")
    assert is_utc_wire_time(text)
    assert typed(Interaction, "occurred_at", text) == moment


def test_a_time_the_fast_path_leaves_is_still_judged_by_the_full_check() -> None:
    with pytest.raises(ValidationError) as caught:
        typed(Interaction, "occurred_at", "2026-11-31T10:00:00.000000Z")
    assert caught.value.field == "occurred_at"


def test_only_fields_of_plain_json_types_are_stored_as_they_come() -> None:
    assert plain_types(Hcp, "name") == {str}
    assert plain_types(Hcp, "kol_tier") == {int, NoneType}
    assert plain_types(Hcp, "contact_consent") == {bool}
    assert plain_types(Hcp, "therapeutic_areas") is None  # a list: a JSON column
    assert plain_types(AdverseEvent, "aware_at") is None  # a time: converted


def test_the_push_check_names_the_field_and_says_what_is_wrong() -> None:
    with pytest.raises(ValidationError) as caught:
        check_values(Hcp, {"name": "Dr Curie", "kol_tier": 9})
    assert caught.value.field == "kol_tier"
    assert "less than or equal to 4" in caught.value.message
