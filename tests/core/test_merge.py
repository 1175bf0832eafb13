"""One merge function, field by field: the same changes in the server's order give the same state everywhere."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from liaison.core.clock import ALL_FIELDS, HybridLogicalClock, Stamp
from liaison.core.merge import RecordState, merge


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
    filed = merge("interaction", draft, {"notes": "as filed", "status": "submitted"}, {ALL_FIELDS: s(2)}, {"notes": s(1), "status": s(1)}).state
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


# --- for every input (hypothesis) ---------------------------------------------------------

FIELDS = ("name", "specialty", "city")
values = st.sampled_from(["A", "B", "C", "D"])
stamps = st.builds(Stamp, st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=3), st.sampled_from("bcd"))


@st.composite
def changes(draw: st.DrawFn) -> tuple[dict, dict, dict]:
    """One write to a few fields of a record: (fields, clocks, base_clocks), base stamps older than the write.

    Two writes drawn here may share a stamp; a spec that needs them distinct, as real stamps are, says so.
    """
    names = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True))
    stamp = draw(stamps)
    older = st.integers(min_value=0, max_value=stamp.wall_ms - 1)
    return (
        {name: draw(values) for name in names},
        {ALL_FIELDS: stamp.encode()},
        {name: Stamp(draw(older), 0, "a").encode() for name in names},
    )


def apply_all(table: str, start: RecordState | None, writes: list[tuple[dict, dict, dict]]) -> RecordState | None:
    state = start
    for fields, clocks, base in writes:
        state = merge(table, state, fields, clocks, base).state
    return state


def per_field(state: RecordState) -> dict[str, tuple[object, Stamp]]:
    return {name: (value, state.stamp(name)) for name, value in state.fields.items()}


@given(st.lists(changes(), max_size=12, unique_by=lambda write: write[1][ALL_FIELDS]), st.randoms())
def test_per_field_the_write_with_the_later_stamp_wins_in_any_order(writes: list, rng: random.Random) -> None:
    start = create({"name": "0", "specialty": "0", "city": "0"}, s(0))
    rng.shuffle(writes)
    final = apply_all("hcp", start, writes)
    assert final is not None
    for name in FIELDS:
        latest = max(
            [("0", Stamp(0, 0, "a"))] + [(fields[name], Stamp.decode(clocks[ALL_FIELDS])) for fields, clocks, _ in writes if name in fields],
            key=lambda pair: pair[1],
        )
        assert final.fields[name] == latest[0] and final.stamp(name) == latest[1]


@given(st.sampled_from(["hcp", "interaction"]), st.lists(changes(), min_size=1, max_size=10))
def test_re_delivering_any_change_changes_nothing(table: str, writes: list) -> None:
    state = apply_all(table, create({"name": "0", "status": "draft"}, s(0)), writes[:-1])
    fields, clocks, base = writes[-1]
    once = merge(table, state, fields, clocks, base)
    twice = merge(table, once.state, fields, clocks, base)
    assert twice.state == once.state and twice.changed == {}
    assert all(conflict in once.conflicts for conflict in twice.conflicts), "only the conflict already reported, kept once by its id"


@given(st.lists(changes(), max_size=10))
def test_a_write_once_record_never_changes_whatever_arrives(writes: list) -> None:
    written = merge("compliance_override", None, {"justification": "HCP asked first", "deleted": False}, {ALL_FIELDS: s(1)}).state
    for fields, clocks, base in writes:
        result = merge("compliance_override", written, {**fields, "deleted": True}, clocks, base)
        assert result.state == written and not result.changed and not result.conflicts


@given(values, stamps, values, stamps, st.integers(min_value=0, max_value=61))
def test_a_concurrent_losing_value_is_always_reported_never_dropped(
    kept: str, existing: Stamp, incoming_value: str, incoming: Stamp, base_wall: int
) -> None:
    assume(kept != incoming_value and incoming != existing)
    state = create({"specialty": kept}, existing.encode())
    base = Stamp(base_wall, 0, "a")
    result = merge("hcp", state, {"specialty": incoming_value}, {"specialty": incoming.encode()}, {"specialty": base.encode()})
    lost = [(c.kept_value, c.lost_value) for c in result.conflicts]
    if incoming < existing:
        assert lost == [(kept, incoming_value)], "a write that arrives after a newer one it did not build on"
    elif base < existing:
        assert lost == [(incoming_value, kept)], "a winner whose writer had not seen the value it replaced"
    else:
        assert lost == [], "a sequential edit: its writer saw the value it replaced"


@dataclass
class Node:
    """A device as the merge sees it: local edits applied at once, pulls merged in the server's order."""

    name: str
    skew: int
    state: RecordState
    clock: HybridLogicalClock = field(init=False)
    outbox: list[tuple[str, dict, dict, dict]] = field(default_factory=list)
    pulled: int = 0

    def __post_init__(self) -> None:
        self.clock = HybridLogicalClock(self.name, wall=lambda: 100 + self.skew)

    def edit(self, name: str, value: str) -> None:
        stamp = self.clock.tick().encode()
        base = {name: self.state.stamp(name).encode()}
        self.state = RecordState({**self.state.fields, name: value}, {**_expanded(self.state), name: stamp})
        self.outbox.append((self.name, {name: value}, {name: stamp}, base))

    def pull(self, log: list[tuple[str, dict, dict, dict]]) -> None:
        for writer, fields, clocks, base in log[self.pulled :]:
            self.clock.observe_newest(clocks.values())
            if writer != self.name:
                self.state = merge("hcp", self.state, fields, clocks, base).state
        self.pulled = len(log)


def _expanded(state: RecordState) -> dict[str, str]:
    return {name: state.stamp(name).encode() for name in state.fields}


@given(
    st.lists(st.integers(min_value=-50, max_value=50), min_size=2, max_size=3),
    st.lists(st.tuples(st.integers(min_value=0, max_value=2), st.booleans(), st.sampled_from(FIELDS), values), max_size=30),
)
def test_every_node_applying_the_server_order_reaches_the_servers_state(skews: list[int], actions: list) -> None:
    """Devices with skewed clocks edit and sync in any interleaving; once all have synced, all agree."""
    start = create(dict.fromkeys(FIELDS, "0"), s(0))
    nodes = [Node(f"dev{number}", skew, start) for number, skew in enumerate(skews)]
    server, log = start, []

    def sync(node: Node) -> None:
        nonlocal server
        for change in node.outbox:
            _, fields, clocks, base = change
            server = merge("hcp", server, fields, clocks, base).state
            log.append(change)
        node.outbox.clear()
        node.pull(log)

    for index, syncs, name, value in actions:
        node = nodes[index % len(nodes)]
        if syncs:
            sync(node)
        else:
            node.edit(name, value)
    for node in nodes * 2:
        sync(node)
    for node in nodes:
        assert per_field(node.state) == per_field(server), node.name
