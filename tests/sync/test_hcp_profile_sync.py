"""An HCP profile's lists travel like any field: the server takes them, other devices receive them, and an erasure
removes them everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.core.records.models import Hcp
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE
from tests.traces import row_traces, server_traces

PROFILE = {
    "name": "Dr Ana Sousa",
    "territory": "north",
    "email": "ana@santamaria.example",
    "other_emails": ["ana.sousa@uni.example"],
    "other_phones": ["+351 21 780 5000"],
    "address": "Av. Prof. Egas Moniz, Lisboa",
    "specialties": ["Heart failure"],
    "affiliations": [{"institution": "Hospital de Santa Maria", "department": "Cardiology", "role": "Consultant"}],
    "publications": [{"title": "Empagliflozin in HFpEF", "journal": "NEJM", "year": 2021, "pmid": "34449189"}],
    "trials": [{"study": "EMPEROR-Preserved", "role": "Sub-investigator"}],
    "contact_consent": True,
}
TRACES = ["ana.sousa@uni.example", "+351 21 780 5000", "Egas Moniz", "Hospital de Santa Maria", "Empagliflozin in HFpEF", "EMPEROR-Preserved"]


@pytest.fixture
def devices(server: EmbeddedServer, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    server.create_user("ada@example.org", "Ada", territory="north")
    stores = []
    for name in ("laptop", "tablet"):
        store = Store.init(tmp_path / name, PASSPHRASE, user="ada@example.org")
        SyncEngine(store).enroll(server.url, server.enroll_code("ada@example.org"), name)
        stores.append(store)
    yield stores[0], stores[1]
    for store in stores:
        store.close()


def sync(*stores: Store) -> None:
    for store in stores:
        SyncEngine(store).run_once()


def test_a_profile_and_its_edits_reach_the_other_device_and_an_erasure_leaves_no_trace(server: EmbeddedServer, devices: tuple[Store, Store]) -> None:
    laptop, tablet = devices
    hcp = laptop.repository.create(Hcp, PROFILE)
    sync(laptop, tablet)
    received = tablet.repository.get(Hcp, hcp.id)
    assert received.affiliations == laptop.repository.get(Hcp, hcp.id).affiliations
    assert (received.other_emails, received.publications[0]["pmid"], received.consent_recorded_at) == (
        ["ana.sousa@uni.example"],
        "34449189",
        hcp.consent_recorded_at,
    )

    tablet.repository.update(Hcp, hcp.id, {"trials": [*received.trials, {"study": "DELIVER", "role": "Principal investigator"}]})
    sync(tablet, laptop)
    assert [item["study"] for item in laptop.repository.get(Hcp, hcp.id).trials] == ["EMPEROR-Preserved", "DELIVER"]
    assert server_traces(server.engine, TRACES), "the server held the profile before the erasure"

    laptop.repository.erase_hcp(hcp.id, "Request by e-mail of 20 Nov 2026 (GDPR art. 17)")
    sync(laptop, tablet)
    for store in (laptop, tablet):
        erased = store.repository.get(Hcp, hcp.id, include_deleted=True)
        assert erased.deleted and (erased.other_emails, erased.address, erased.affiliations, erased.trials) == ([], None, [], [])
        assert row_traces(store.engine, [*TRACES, "DELIVER"]) == []
    assert server_traces(server.engine, [*TRACES, "DELIVER"]) == []
