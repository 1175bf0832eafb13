"""A form's unsaved input is kept in the encrypted store: it outlives the window, and nothing of it stays once saved or discarded."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from liaison.core.records.models import Hcp
from liaison.device.store import queries
from liaison.device.store.db import db_path
from liaison.device.store.models import AuditEntry, Draft
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE

SECRET_NOTE = "Dr Quist asked about the hepatic dosing of zantrelib"


def test_a_draft_survives_closing_the_store_and_reopening_it(store: Store, data_dir: Path) -> None:
    store.repository.drafts.save({"log_interaction": {"notes": SECRET_NOTE, "reactive": True, "materials": ["a", "b"]}})
    store.close()
    with Store.open(data_dir, PASSPHRASE) as again:
        assert again.repository.drafts.all() == {"log_interaction": {"notes": SECRET_NOTE, "reactive": True, "materials": ["a", "b"]}}


def test_a_draft_is_in_the_encrypted_database_and_in_no_plaintext_file_of_the_data_dir(store: Store, data_dir: Path) -> None:
    store.repository.drafts.save({"log_interaction": {"notes": SECRET_NOTE}})
    with store.repository.session() as session:
        assert [draft.fields["notes"] for draft in session.exec(select(Draft))] == [SECRET_NOTE], "kept in the SQLCipher store"
    store.close()
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert files, "the data dir holds the store"
    for path in files:
        assert SECRET_NOTE.encode() not in path.read_bytes(), f"{path.name} holds the draft in plain text"
        assert "hepatic".encode("utf-16-le") not in path.read_bytes()


def test_saving_a_draft_again_replaces_it_and_an_emptied_one_is_dropped(store: Store) -> None:
    drafts = store.repository.drafts
    drafts.save({"insight": {"text": "first"}, "event": {"title": "Board"}})
    drafts.save({"insight": {"text": "second"}, "event": {}})
    assert drafts.all() == {"insight": {"text": "second"}}


def test_discarding_a_draft_removes_it_from_the_store(store: Store, data_dir: Path) -> None:
    store.repository.drafts.save({"insight": {"text": "typed"}, "event": {"title": "Board"}})
    store.repository.drafts.discard("insight")
    store.close()
    with Store.open(data_dir, PASSPHRASE) as again:
        assert again.repository.drafts.all() == {"event": {"title": "Board"}}


def test_a_draft_is_no_record_it_never_syncs_and_is_not_audited(store: Store) -> None:
    with store.repository.session() as session:
        audited, pending = len(session.exec(select(AuditEntry)).all()), queries.pending_changes(session)
    store.repository.drafts.save({"insight": {"text": "typed"}})
    with store.repository.session() as session:
        assert queries.pending_changes(session) == pending, "nothing waits in the outbox"
        assert len(session.exec(select(AuditEntry)).all()) == audited


def test_a_wiped_store_has_no_drafts_left(store: Store, data_dir: Path) -> None:
    store.repository.drafts.save({"log_interaction": {"notes": SECRET_NOTE}})
    store.wipe()
    leftovers = [path for path in data_dir.rglob("*") if path.is_file() and SECRET_NOTE.encode() in path.read_bytes()]
    assert leftovers == [] and not db_path(data_dir).exists()
    with Store.init(data_dir, PASSPHRASE, user="msl@example.org") as fresh:
        assert fresh.repository.drafts.all() == {}, "a store set up again after the wipe starts with no drafts"


def test_erasing_an_hcp_drops_the_drafts_that_name_them(store: Store) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr Ada Quist"})
    other = store.repository.create(Hcp, {"name": "Dr Ben Lowe"})
    store.repository.drafts.save(
        {
            "log_interaction": {"hcp_id": hcp.id, "hcp": "Dr Ada Quist", "notes": "asked about dosing"},
            "insight": {"text": "Dr Ada Quist thinks the washout is too long"},
            "event": {"attendee_ids": [other.id], "title": "Board"},
        }
    )
    store.repository.erase_hcp(hcp.id, "request by e-mail of 3 March, GDPR art. 17")
    assert set(store.repository.drafts.all()) == {"event"}
