"""An HCP erased on one device is erased everywhere: the other devices, the server's records and change log, and new devices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from liaison.core.erasure import pseudonym, receipt_id
from liaison.core.records.models import AdverseEvent, Hcp, HcpErasure, Interaction, MedicalInquiry
from liaison.device.store import audit, keys
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import RecordRow
from tests.conftest import PASSPHRASE
from tests.traces import page_traces, row_traces, server_traces

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
NAME, EMAIL, PHONE, NPI = "Dr Marie Curie", "marie.curie@example.org", "+44 20 7946 0958", "1234567893"
TRACES = [NAME, "Marie Curie", EMAIL, PHONE, NPI, "polonium"]


class Device:
    def __init__(self, server: EmbeddedServer, data_dir: Path, email: str) -> None:
        self.data_dir = data_dir
        self.store = Store.init(data_dir, PASSPHRASE, user=email)
        SyncEngine(self.store).enroll(server.url, server.enroll_code(email), data_dir.name)

    def sync(self) -> None:
        SyncEngine(self.store).run_once()

    def traces(self) -> list[str]:
        return row_traces(self.store.engine, TRACES)


@pytest.fixture
def devices(server: EmbeddedServer, tmp_path: Path) -> Iterator[tuple[Device, Device]]:
    server.create_user("ada@example.org", "Ada", territory="north")
    laptop, tablet = Device(server, tmp_path / "laptop", "ada@example.org"), Device(server, tmp_path / "tablet", "ada@example.org")
    yield laptop, tablet
    for device in (laptop, tablet):
        device.store.close()


def a_territory_with_curie(repository) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Dr Curie and what names her: a filed interaction, a signed inquiry, an adverse event she reported."""
    hcp = repository.create(
        Hcp,
        {
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "npi": NPI,
            "specialty": "Oncology",
            "territory": "north",
            "notes": "Prefers polonium over radium",
            "contact_consent": True,
            "consent_recorded_at": NOW,
        },
    )
    interaction = repository.create(
        Interaction, {"hcp_id": hcp.id, "occurred_at": NOW, "channel": "in_person", "notes": f"{NAME} asked about dosing"}
    )
    repository.submit(Interaction, interaction.id)
    inquiry = repository.create(
        MedicalInquiry,
        {"hcp_id": hcp.id, "received_at": NOW, "question": "Renal dosing?", "unsolicited_attested": True, "signature": [[[0.1, 0.2], [0.3, 0.4]]]},
    )
    repository.submit(MedicalInquiry, inquiry.id)
    event = repository.create(
        AdverseEvent,
        {
            "reporter": f"{NAME}, oncologist",
            "reporter_hcp_id": hcp.id,
            "aware_at": NOW,
            "product": "zentrolimab",
            "description": "rash after dose 2",
            "seriousness": "non_serious",
        },
    )
    repository.submit(AdverseEvent, event.id)
    return {"hcp": hcp.id, "interaction": interaction.id, "inquiry": inquiry.id, "adverse_event": event.id}


def test_an_erasure_reaches_the_other_device_the_server_and_a_new_device(
    server: EmbeddedServer, devices: tuple[Device, Device], tmp_path: Path
) -> None:
    laptop, tablet = devices
    ids = a_territory_with_curie(laptop.store.repository)
    laptop.sync()
    tablet.sync()
    assert tablet.store.repository.get(Hcp, ids["hcp"]).email == EMAIL
    assert tablet.traces(), "the tablet held her personal data before the erasure"

    laptop.store.repository.erase_hcp(ids["hcp"], "Request by e-mail of 20 Nov 2026 (GDPR art. 17)")
    laptop.sync()
    tablet.sync()

    alias = pseudonym(ids["hcp"])
    for device in (laptop, tablet):
        repository = device.store.repository
        assert device.traces() == []
        hcp = repository.get(Hcp, ids["hcp"], include_deleted=True)
        assert hcp.deleted and hcp.name == alias and hcp.territory == "north"
        event = repository.get(AdverseEvent, ids["adverse_event"])
        assert (event.reporter, event.reporter_hcp_id, event.description, event.status) == (alias, alias, "rash after dose 2", "submitted")
        assert repository.get(MedicalInquiry, ids["inquiry"]).signature is None
        assert repository.get(HcpErasure, receipt_id(ids["hcp"])).pseudonym == alias
        with repository.session() as session:
            assert audit.verify(session).intact
    assert page_traces(tablet.data_dir, keys.unlock(tablet.data_dir, PASSPHRASE), TRACES) == []

    assert server_traces(server.engine, TRACES) == []
    with Session(server.engine) as session:
        kept = session.get(RecordRow, ("adverse_event", ids["adverse_event"]))
        assert kept is not None and kept.fields["reporter"] == alias and kept.fields["description"] == "rash after dose 2"

    newcomer = Device(server, tmp_path / "new-tablet", "ada@example.org")
    try:
        newcomer.sync()
        assert newcomer.traces() == []
        event = newcomer.store.repository.get(AdverseEvent, ids["adverse_event"])
        assert event.reporter == alias and event.status == "submitted"
        assert newcomer.store.repository.get(HcpErasure, receipt_id(ids["hcp"])).reason.startswith("Request by e-mail")
    finally:
        newcomer.store.close()


def test_an_edit_made_offline_before_hearing_of_the_erasure_arrives_scrubbed(server: EmbeddedServer, devices: tuple[Device, Device]) -> None:
    laptop, tablet = devices
    ids = a_territory_with_curie(laptop.store.repository)
    laptop.sync()
    tablet.sync()
    laptop.store.repository.erase_hcp(ids["hcp"], "Request by phone, confirmed in writing")
    laptop.sync()

    tablet.store.repository.update(Hcp, ids["hcp"], {"phone": "+44 20 7946 0000", "notes": "Moved to polonium research"})
    later = tablet.store.repository.create(
        Interaction, {"hcp_id": ids["hcp"], "occurred_at": NOW, "channel": "phone", "notes": f"Called {NAME} again"}
    )
    tablet.sync()
    laptop.sync()

    extra = [*TRACES, "+44 20 7946 0000", "again"]
    assert server_traces(server.engine, extra) == []
    for device in (laptop, tablet):
        assert row_traces(device.store.engine, extra) == []
        assert device.store.repository.get(Interaction, later.id).hcp_id == pseudonym(ids["hcp"])
    on_laptop = laptop.store.repository.get(Hcp, ids["hcp"], include_deleted=True)
    on_tablet = tablet.store.repository.get(Hcp, ids["hcp"], include_deleted=True)
    assert on_laptop.phone is None and on_tablet.phone is None and on_tablet.deleted
