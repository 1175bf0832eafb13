"""One merge function, field by field: the same changes in the server's order give the same state everywhere."""

from __future__ import annotations

import random

import pytest

from sync.clock import ALL_FIELDS, Stamp
from sync.merge import RecordState, merge


def s(wall: int, device: str = "a", counter: int = 0) -> str:
    return Stamp(wall, counter, device).encode()


def create(fields: dict, stamp: str) -> RecordState:
    return merge("hcp", None, fields, {ALL_FIELDS: stamp}).state


def test_a_later_write_wins_its_field_and_leaves_the_others() -> None:
    state = create({"name": "Dr A", "specialty": "Oncology"}, s(1))
    result = merge("hcp", state, {"specialty": "Haematology"}, {"specialty": s(2, "b")}, {"specialty": s(1)})
    assert result.state.fields == {"name": "Dr A", "specialty": "Haematology"}
    assert result.changed == {"specialty": "Haematology"} and result.conflicts == []


def test_concurrent_writes_to_one_field_keep_the_loser_as_a_conflict() -> None:
    state = create({"name": "Dr A", "specialty": "Oncology"}, s(1))
    first = merge("hcp", state, {"specialty": "Cardiology"}, {"specialty": s(3, "b")}, {"specialty": s(1)}).state
    result = merge("hcp", first, {"specialty": "Neurology"}, {"specialty": s(2, "c")}, {"specialty": s(1)})
    assert result.state.fields["specialty"] == "Cardiology"
    [conflict] = result.conflicts
    assert (conflict.field, conflict.kept_value, conflict.lost_value) == ("specialty", "Cardiology", "Neurology")


@pytest.mark.parametrize("table", ["hcp", "interaction"])
def test_a_record_met_first_through_a_whole_stamp_is_taken_as_it_comes(table: str) -> None:
    """The short cut for a new record reaches exactly the state the field-by-field rule does."""
    fields = {"name": "Dr A", "specialty": "Oncology", "status": "submitted", "deleted": False}
    stamp = s(5, "b", 3)
    quick = merge(table, None, fields, {ALL_FIELDS: stamp})
    # The same stamp also named per field: no longer a whole stamp, so the general rule runs.
    slow = merge(table, None, fields, {ALL_FIELDS: stamp, "name": stamp})
    assert quick == slow
    assert quick.state == RecordState(fields, {ALL_FIELDS: stamp}) and quick.changed == fields


def test_a_concurrent_winner_also_reports_what_it_replaced() -> None:
    state = create({"specialty": "Oncology"}, s(1))
    first = merge("hcp", state, {"specialty": "Neurology"}, {"specialty": s(2, "c")}, {"specialty": s(1)}).state
    result = merge("hcp", first, {"specialty": "Cardiology"}, {"specialty": s(3, "b")}, {"specialty": s(1)})
    assert result.state.fields["specialty"] == "Cardiology"
    assert [(c.kept_value, c.lost_value) for c in result.conflicts] == [("Cardiology", "Neurology")]


def test_a_sequential_edit_is_not_a_conflict_even_from_a_clock_hours_behind() -> None:
    state = create({"specialty": "Oncology"}, s(10 * 3_600_000, "ahead"))
    seen = state.clocks[ALL_FIELDS]
    stamp = Stamp(10 * 3_600_000, 1, "behind").encode()
    result = merge("hcp", state, {"specialty": "Cardiology"}, {"specialty": stamp}, {"specialty": seen})
    assert result.state.fields["specialty"] == "Cardiology" and result.conflicts == []


def test_the_same_change_twice_changes_nothing() -> None:
    state = create({"name": "Dr A"}, s(1))
    again = merge("hcp", state, {"name": "Dr A"}, {ALL_FIELDS: s(1)})
    assert again.changed == {} and again.conflicts == [] and again.state == state


def test_a_filed_snapshot_wins_its_fields_and_later_edits_become_amendments() -> None:
    draft = merge("interaction", None, {"notes": "draft", "status": "draft"}, {ALL_FIELDS: s(1)}).state
    filed = merge(
        "interaction", draft, {"notes": "as filed", "status": "submitted"}, {ALL_FIELDS: s(2)}, {"notes": s(1), "status": s(1)}
    ).state
    late = merge("interaction", filed, {"notes": "edited elsewhere"}, {"notes": s(5, "b")}, {"notes": s(1)})
    assert late.state.fields["notes"] == "as filed"
    assert late.amendments == {"notes": "edited elsewhere"} and late.conflicts == []


@pytest.mark.parametrize(
    ("table", "first", "edit"),
    [
        ("compliance_override", {"justification": "HCP asked first", "deleted": False}, {"justification": "rewritten afterwards"}),
        ("compliance_override", {"justification": "HCP asked first", "deleted": False}, {"deleted": True}),
        ("hcp_erasure", {"reason": "request by e-mail", "erased_by": "ada@example.org", "deleted": False}, {"erased_by": "eve@example.org"}),
        ("hcp_erasure", {"reason": "request by e-mail", "erased_by": "ada@example.org", "deleted": False}, {"deleted": True}),
    ],
)
def test_evidence_stands_as_first_written(table: str, first: dict, edit: dict) -> None:
    written = merge(table, None, first, {ALL_FIELDS: s(1)}).state
    result = merge(table, written, edit, {ALL_FIELDS: s(9, "b")}, {ALL_FIELDS: s(1)})
    assert result.state == written
    assert not result.changed and not result.conflicts and not result.amendments


@pytest.mark.parametrize("seed", range(25))
def test_every_order_of_the_same_concurrent_writes_converges(seed: int) -> None:
    """Without a filed record, the result must not depend on the order writes arrive."""
    rng = random.Random(seed)
    start = create({"name": "Dr A", "specialty": "Oncology", "city": "Leeds"}, s(1))
    writes = []
    for number in range(6):
        name = rng.choice(["name", "specialty", "city"])
        stamp = s(rng.randint(2, 50), rng.choice("bcd"), number)
        writes.append(({name: f"{name}-{number}"}, {name: stamp}, {name: s(1)}))
    finals = set()
    for _ in range(10):
        rng.shuffle(writes)
        state = start
        for fields, clocks, base in writes:
            state = merge("hcp", state, fields, clocks, base).state
        finals.add(tuple(sorted(state.fields.items())))
    assert len(finals) == 1
