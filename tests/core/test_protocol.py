"""The wire format: what a change must look like before either side merges it."""

from __future__ import annotations

import re

import pydantic
import pytest

from liaison.core.clock import MAX_COUNTER, STAMP_PATTERN, ZERO, Stamp
from liaison.core.protocol import Change


def change(**overrides: object) -> dict[str, object]:
    stamp = Stamp(1_795_000_000_000, 0, "laptop-ada").encode()
    return {
        "change_id": "c-1",
        "table": "hcp",
        "record_id": "h-1",
        "fields": {"name": "Dr A"},
        "clocks": {"*": stamp},
        "device_id": "laptop-ada",
        **overrides,
    }


@pytest.mark.parametrize("stamp", [ZERO, Stamp(1, 0, "a"), Stamp(1_795_000_000_000, MAX_COUNTER, "laptop-ada"), Stamp(10**14, 255, "x" * 64)])
def test_every_stamp_a_clock_writes_is_one_the_wire_accepts(stamp: Stamp) -> None:
    assert re.fullmatch(STAMP_PATTERN, stamp.encode())
    Change.model_validate(change(clocks={"*": stamp.encode()}, base_clocks={"name": stamp.encode()}))


@pytest.mark.parametrize(
    "text",
    [
        "5-0-laptop",  # decodes, but sorts before every real stamp as text
        "001795000000000-00000A-laptop",  # upper-case counter: sorts apart from its lower-case twin
        "001795000000000-000000",  # no device
        "yesterday",
    ],
)
def test_a_stamp_not_written_the_one_way_stamps_sort_by_is_refused(text: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="clocks"):
        Change.model_validate(change(clocks={"*": text}))
    with pytest.raises(pydantic.ValidationError, match="base_clocks"):
        Change.model_validate(change(base_clocks={"name": text}))


def test_a_change_must_set_a_field_of_a_synced_table() -> None:
    with pytest.raises(pydantic.ValidationError, match="fields"):
        Change.model_validate(change(fields={}))
    with pytest.raises(pydantic.ValidationError, match="unknown table 'pets'"):
        Change.model_validate(change(table="pets"))
