"""A far-future clock from one device stops no one: devices and a real server, SQLite and PostgreSQL.

The issue: a stamp `999999999999999-ffffff-…` reached the server, another device
pulled it, its clock rolled past the wire format's 15 digits, the bad clock was
saved, and every push it built afterwards failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from liaison.core.clock import HOUR_MS, Stamp, fits_wire, is_acceptable, resumable, wall_ms
from liaison.core.protocol import Change
from liaison.core.records.models import Hcp
from liaison.device.store import audit
from liaison.device.store.device_state import CLOCK_RESET
from liaison.device.store.models import AuditEntry, Conflict, DeviceState, OutboxEntry
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server.apply import apply_changes
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow, User
from tests.conftest import PASSPHRASE

EMAIL = "ada@example.org"
YEAR_MS = 365 * 24 * HOUR_MS


class Device:
    def __init__(self, server: EmbeddedServer, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.store = Store.init(data_dir, PASSPHRASE, user=EMAIL)
        SyncEngine(self.store).enroll(server.url, server.enroll_code(EMAIL), data_dir.name)

    def sync(self) -> None:
        SyncEngine(self.store).run_once()

    def reopen(self) -> None:
        self.store.close()
        self.store = Store.open(self.data_dir, PASSPHRASE)

    def hcp(self, hcp_id: str) -> Hcp:
        return self.store.repository.get(Hcp, hcp_id)

    def stored_clock(self) -> str:
        with Session(self.store.engine) as session:
            state = session.get(DeviceState, 1)
            assert state is not None
            return state.clock

    def resets(self) -> list[AuditEntry]:
        with Session(self.store.engine) as session:
            return list(session.exec(select(AuditEntry).where(AuditEntry.action == CLOCK_RESET)))


@pytest.fixture
def devices(server: EmbeddedServer, tmp_path: Path) -> Iterator[tuple[Device, Device]]:
    server.create_user(EMAIL, "Ada", territory="north")
    laptop, tablet = Device(server, tmp_path / "laptop"), Device(server, tmp_path / "tablet")
    yield laptop, tablet
    for device in (laptop, tablet):
        device.store.close()


def a_shared_hcp(laptop: Device, tablet: Device) -> str:
    hcp = laptop.store.repository.create(Hcp, {"name": "Dr Marie Curie", "specialty": "Oncology", "city": "Paris", "territory": "north"})
    laptop.sync()
    tablet.sync()
    return hcp.id


def plant(server: EmbeddedServer, hcp_id: str, stamp: str, device_id: str) -> None:
    """Write a change straight into the server's records and log, as a server without the clock check kept it."""
    change = Change(change_id="planted", table="hcp", record_id=hcp_id, fields={"specialty": "Haematology"}, clocks={"*": stamp}, device_id=device_id)
    with Session(server.engine) as session, session.begin():
        user = session.exec(select(User).where(User.email == EMAIL)).one()
        apply_changes(session, user, [change])


def test_a_device_that_pulls_a_far_future_stamp_keeps_its_clock_and_keeps_syncing(devices: tuple[Device, Device], server: EmbeddedServer) -> None:
    laptop, tablet = devices
    hcp_id = a_shared_hcp(laptop, tablet)
    plant(server, hcp_id, f"999999999999999-ffffff-{laptop.store.device_id}", laptop.store.device_id)

    tablet.sync()
    assert tablet.hcp(hcp_id).specialty == "Haematology", "the record still merges by the stamp it came with"
    assert is_acceptable(tablet.store.repository.clock.last, wall_ms())
    assert resumable(tablet.stored_clock(), wall_ms()) is not None

    new = tablet.store.repository.create(Hcp, {"name": "Dr Rosalind Franklin", "territory": "north"})
    tablet.store.repository.update(Hcp, hcp_id, {"city": "Warsaw"})
    tablet.sync()
    with Session(server.engine) as session:
        assert session.get(RecordRow, ("hcp", new.id)) is not None
        on_server = session.get(RecordRow, ("hcp", hcp_id))
        assert on_server is not None and on_server.fields["city"] == "Warsaw"
    laptop.sync()
    assert laptop.hcp(new.id).name == "Dr Rosalind Franklin" and laptop.hcp(hcp_id).city == "Warsaw"
    tablet.reopen()
    assert tablet.resets() == [], "a clock that never adopted the stamp needs no recovery"


def poison(device: Device, clock_text: str, wall: int) -> dict[str, str]:
    """Leave the store as the old clock did: its queued changes, and the fields they wrote, stamped from `wall` on."""
    renamed: dict[str, str] = {}
    with Session(device.store.engine) as session, session.begin():
        entries = session.exec(select(OutboxEntry).order_by(col(OutboxEntry.seq))).all()
        for number, entry in enumerate(entries):
            [text] = entry.clocks.values()
            renamed[text] = f"{wall:015d}-{number:06x}-{device.store.device_id}"
            entry.clocks = {"*": renamed[text]}
        for entry in entries:
            entry.base_clocks = {name: renamed.get(text, text) for name, text in entry.base_clocks.items()}
            hcp = session.get(Hcp, entry.record_id)
            assert hcp is not None
            hcp.clocks = {name: renamed.get(text, text) for name, text in hcp.clocks.items()}
            session.add_all([entry, hcp])
        state = session.get(DeviceState, 1)
        assert state is not None
        state.clock = clock_text
        session.add(state)
    return renamed


@pytest.mark.parametrize(
    "poisoned",
    ["three years ahead", "past the wire format", "unreadable"],
)
def test_a_device_whose_stored_clock_was_poisoned_recovers_at_its_next_open_and_syncs(
    devices: tuple[Device, Device], server: EmbeddedServer, poisoned: str
) -> None:
    laptop, tablet = devices
    hcp_id = a_shared_hcp(laptop, tablet)
    tablet.store.repository.update(Hcp, hcp_id, {"specialty": "Cardiology"})
    tablet.store.repository.update(Hcp, hcp_id, {"specialty": "Neurology"})
    new = tablet.store.repository.create(Hcp, {"name": "Dr Rosalind Franklin", "territory": "north"})
    wall = 10**15 if poisoned == "past the wire format" else wall_ms() + 3 * YEAR_MS
    clock_text = {"unreadable": "not a clock"}.get(poisoned, f"{wall:015d}-000009-{tablet.store.device_id}")
    old = poison(tablet, clock_text, wall)

    tablet.reopen()
    now = wall_ms()
    [reset] = tablet.resets()
    assert reset.before == {"clock": clock_text}
    assert reset.after == {"clock": tablet.stored_clock(), "restamped_changes": 3}
    assert is_acceptable(Stamp.decode(tablet.stored_clock()), now)
    with Session(tablet.store.engine) as session:
        queued = session.exec(select(OutboxEntry).order_by(col(OutboxEntry.seq))).all()
        stamps = [Stamp.decode(entry.clocks["*"]) for entry in queued]
        assert all(is_acceptable(stamp, now) and fits_wire(stamp) for stamp in stamps) and stamps == sorted(stamps), "re-stamped in order"
        assert queued[1].base_clocks["specialty"] == queued[0].clocks["*"], "the second edit still builds on the first"
    assert set(old).isdisjoint(tablet.hcp(hcp_id).clocks.values()), "the record's fields follow their changes' new stamps"

    tablet.sync()
    tablet.store.repository.update(Hcp, hcp_id, {"specialty": "Immunology"})
    tablet.sync()
    laptop.sync()
    with Session(server.engine) as session:
        on_server = session.get(RecordRow, ("hcp", hcp_id))
        assert on_server is not None and on_server.fields["specialty"] == "Immunology", "the new edit wins over the earlier one"
        assert session.get(RecordRow, ("hcp", new.id)) is not None
    assert laptop.hcp(hcp_id).specialty == tablet.hcp(hcp_id).specialty == "Immunology"
    assert laptop.hcp(new.id).name == "Dr Rosalind Franklin"
    with Session(laptop.store.engine) as session:
        assert session.exec(select(Conflict)).all() == [], "the tablet's edits were sequential, and stay so re-stamped"
        assert audit.verify(session).intact
    with Session(tablet.store.engine) as session:
        assert audit.verify(session).intact
    tablet.reopen()
    assert len(tablet.resets()) == 1, "a recovered clock stays recovered"
