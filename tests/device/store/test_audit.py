"""The audit log is a hash chain: any edit to an entry is caught, and named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from liaison.core.records.models import Hcp, Interaction
from liaison.device.store import audit
from liaison.device.store.models import AuditEntry
from liaison.device.store.store import Store


@pytest.fixture
def audited(store: Store) -> Store:
    hcp = store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})
    store.repository.update(Hcp, hcp.id, {"specialty": "Oncology"})
    interaction = store.repository.create(Interaction, {"hcp_id": hcp.id, "occurred_at": datetime.now(UTC), "channel": "phone", "notes": "first"})
    store.repository.submit(Interaction, interaction.id)
    return store


def test_every_write_leaves_who_what_when_before_and_after(audited: Store) -> None:
    with audited.repository.session() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [entry.action for entry in entries] == ["create", "update", "create", "submit"]
    update = entries[1]
    assert update.actor == "msl@example.org" and update.device_id == audited.device_id
    assert update.before["specialty"] is None and update.after["specialty"] == "Oncology"


def test_an_untouched_chain_verifies(audited: Store) -> None:
    with audited.repository.session() as session:
        report = audit.verify(session)
    assert report.intact and report.entries == 4


@pytest.mark.parametrize(
    ("statement", "broken", "reason"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", 2, "altered"),
        ('UPDATE audit_log SET after = \'{"name": "Dr Someone Else"}\' WHERE seq = 1', 1, "altered"),
        ("DELETE FROM audit_log WHERE seq = 3", 3, "missing"),
        ("UPDATE audit_log SET prev_hash = hash WHERE seq = 4", 4, "does not link"),
    ],
)
def test_tampering_through_the_key_is_caught_at_the_first_broken_entry(audited: Store, statement: str, broken: int, reason: str) -> None:
    with audited.engine.begin() as connection:
        connection.execute(text(statement))
    with audited.repository.session() as session:
        report = audit.verify(session)
    assert not report.intact
    assert report.first_broken == broken
    assert reason in (report.reason or "")


def test_the_chain_commits_to_a_salted_digest_of_each_payload(audited: Store) -> None:
    with audited.repository.session() as session:
        first = session.exec(select(AuditEntry).where(AuditEntry.seq == 1)).one()
    assert first.salt is not None and len(first.salt) == 32
    assert first.payload_digest == audit.payload_digest(first.salt, first.before, first.after)
    assert first.payload_digest != audit.payload_digest("0" * 32, first.before, first.after), "the salt is part of it"


def test_an_entry_redacted_outside_an_erasure_is_caught(audited: Store) -> None:
    with audited.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET after = NULL, salt = NULL WHERE seq = 2"))
    with audited.repository.session() as session:
        report = audit.verify(session)
    assert (report.first_broken, report.reason) == (2, "entry 2 was redacted but no erasure in the log accounts for it")


def test_an_erasure_redacts_payloads_and_the_chain_still_verifies(audited: Store) -> None:
    [hcp_id] = {entry.record_id for entry in _entries(audited) if entry.table_name == "hcp"}
    audited.repository.erase_hcp(hcp_id, "request by e-mail")
    entries = _entries(audited)
    assert [entry.salt is None for entry in entries[:4]] == [True, True, True, True]
    assert entries[1].before is not None and entries[1].before["name"].startswith("Erased HCP ")
    with audited.repository.session() as session:
        assert audit.verify(session).intact


def test_tampering_with_the_list_of_redacted_entries_is_caught(audited: Store) -> None:
    [hcp_id] = {entry.record_id for entry in _entries(audited) if entry.table_name == "hcp"}
    audited.repository.erase_hcp(hcp_id, "request by e-mail")
    [redaction] = [entry for entry in _entries(audited) if entry.action == audit.REDACT]
    with audited.engine.begin() as connection:
        connection.execute(text(f"UPDATE audit_log SET after = json_set(after, '$.entries', json('[1, 2, 3]')) WHERE seq = {redaction.seq}"))
    with audited.repository.session() as session:
        report = audit.verify(session)
    assert report.first_broken == redaction.seq and "altered" in (report.reason or "")


def _entries(store: Store) -> list[AuditEntry]:
    with store.repository.session() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all())
