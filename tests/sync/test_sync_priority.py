"""Adverse events and medical inquiries jump the sync queue: they reach the server before older, ordinary changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from liaison.core.records.models import AdverseEvent, Hcp, Interaction, MedicalInquiry
from liaison.device.store.store import Store
from liaison.device.sync import engine as sync_engine
from liaison.device.sync.engine import SyncEngine
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import ChangeLog


def test_safety_records_are_pushed_first_even_across_batches(sqlite_server: EmbeddedServer, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    code = sqlite_server.create_user("ada@example.org", "Ada", territory="north")
    engine = SyncEngine(store)
    engine.enroll(sqlite_server.url, code, "laptop")
    repository = store.repository
    now = datetime.now(UTC)
    hcps = [repository.create(Hcp, {"name": f"Dr Number {n}"}).id for n in range(3)]
    repository.create(Interaction, {"hcp_id": hcps[0], "occurred_at": now, "channel": "phone", "notes": "routine"})
    inquiry = repository.create(MedicalInquiry, {"hcp_id": hcps[0], "received_at": now, "question": "Renal dosing?"}).id
    event = repository.create(
        AdverseEvent,
        {"reporter": "Dr Number 0", "aware_at": now - timedelta(hours=1), "product": "zentrolimab", "description": "rash", "patient_initials": "JD"},
    ).id
    repository.submit(AdverseEvent, event)

    monkeypatch.setattr(sync_engine, "PUSH_BATCH", 2)  # the queue spans several pushes
    report = engine.run_once()
    assert report.pushed == 7

    with Session(sqlite_server.engine) as session:
        order = [(row.table_name, row.record_id) for row in session.exec(select(ChangeLog).order_by(col(ChangeLog.seq)))]
    assert order[:3] == [("medical_inquiry", inquiry), ("adverse_event", event), ("adverse_event", event)], "safety first, each in the order made"
    assert [table for table, _ in order[3:]] == ["hcp", "hcp", "hcp", "interaction"], "then the rest, oldest first"
