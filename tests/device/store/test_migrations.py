"""An app upgrade opens a store written by an older schema and keeps every record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlmodel import select

from liaison.core.errors import StoreError
from liaison.core.records.models import AdverseEvent, Hcp, Insight, Interaction
from liaison.device.store import audit, migrate, queries
from liaison.device.store.migrations.env_metadata import local_metadata
from liaison.device.store.store import Store

V1_STORE = Path(__file__).resolve().parents[2] / "fixtures" / "v1_store"
V1_PASSPHRASE = "fixture passphrase v1"


@pytest.fixture
def upgraded(tmp_path: Path) -> Store:
    copy = tmp_path / "v1"
    shutil.copytree(V1_STORE, copy)
    store = Store.open(copy, V1_PASSPHRASE)
    yield store
    store.close()


def test_the_fixture_really_is_at_the_first_schema_version(tmp_path: Path) -> None:
    from liaison.device.store import keys
    from liaison.device.store.db import db_path, open_engine

    copy = tmp_path / "v1"
    shutil.copytree(V1_STORE, copy)
    engine = open_engine(db_path(copy), keys.unlock(copy, V1_PASSPHRASE))
    try:
        assert migrate.current_revision(engine) == "0001"
    finally:
        engine.dispose()


def test_opening_a_v1_store_upgrades_it_to_the_current_schema(upgraded: Store) -> None:
    assert migrate.current_revision(upgraded.engine) == migrate.head_revision()


def test_the_versions_read_without_alembic_are_alembics_own(upgraded: Store, tmp_path: Path) -> None:
    """The unlock reads both versions without importing Alembic; they must be the ones Alembic would find."""
    scripts = ScriptDirectory.from_config(migrate._config())
    assert migrate.head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert Path(script.path).name[:4] == script.revision, f"{script.path}: name it after its revision"
    with upgraded.engine.connect() as connection:
        assert migrate.current_revision(upgraded.engine) == MigrationContext.configure(connection).get_current_revision()
    empty = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert migrate.current_revision(empty) is None
    empty.dispose()


def test_every_v1_record_is_kept_and_still_readable(upgraded: Store) -> None:
    with upgraded.repository.session() as session:
        hcps = sorted(hcp.name for hcp in session.exec(select(Hcp)))
        notes = sorted(item.notes for item in session.exec(select(Interaction)))
        statuses = sorted(item.status for item in session.exec(select(Interaction)))
        events = session.exec(select(AdverseEvent)).all()
        insights = session.exec(select(Insight)).all()
        assert audit.verify(session).intact
    assert hcps == ["Dr Louis Pasteur", "Dr Marie Curie"]
    assert notes == ["v1 draft follow-up", "v1 exchange on MoA"]
    assert statuses == ["draft", "submitted"]
    assert [event.description for event in events] == ["v1 rash"] and events[0].deadline_at is not None
    assert [insight.text for insight in insights] == ["v1 insight on sequencing"]


def test_records_from_v1_are_found_by_the_search_index_added_later(upgraded: Store) -> None:
    with upgraded.repository.session() as session:
        found = queries.search_hcps(session, queries.HcpFilter(search="cur"))
    assert [hcp.name for hcp in found] == ["Dr Marie Curie"]


def test_an_upgraded_store_takes_new_writes_with_an_unbroken_audit_chain(upgraded: Store) -> None:
    upgraded.repository.create(Hcp, {"name": "Dr Rosalind Franklin"})
    with upgraded.repository.session() as session:
        assert audit.verify(session).intact


def test_the_migrated_schema_matches_the_models(upgraded: Store) -> None:
    def ignore_fts(name: str | None, type_: str, parent_names: object) -> bool:
        return not (type_ == "table" and name is not None and name.startswith("hcp_search"))

    with upgraded.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": ignore_fts})
        differences = compare_metadata(context, local_metadata())
    assert differences == []


def test_the_v1_audit_chain_is_verified_then_re_hashed_and_the_upgrade_recorded(upgraded: Store) -> None:
    from liaison.device.store.models import AuditEntry

    with upgraded.repository.session() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert audit.verify(session).intact
    *history, upgrade = entries
    assert history and all(entry.salt and entry.payload_digest == audit.payload_digest(entry.salt, entry.before, entry.after) for entry in history)
    assert (upgrade.action, upgrade.table_name, upgrade.actor) == ("upgrade", "audit_log", "v1.msl@example.org")
    assert upgrade.after is not None and upgrade.after["format"] == 2 and upgrade.after["entries"] == len(history)
    assert len(upgrade.after["format_1_head"]) == 64


def test_a_broken_v1_audit_chain_is_refused_and_the_store_left_as_it_was(tmp_path: Path) -> None:
    from sqlalchemy import text

    from liaison.device.store import keys
    from liaison.device.store.db import db_path, open_engine

    copy = tmp_path / "v1"
    shutil.copytree(V1_STORE, copy)
    engine = open_engine(db_path(copy), keys.unlock(copy, V1_PASSPHRASE))
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
    engine.dispose()
    with pytest.raises(StoreError, match="chain broken at entry 3: entry 3 was altered .*not upgraded"):
        Store.open(copy, V1_PASSPHRASE)
    engine = open_engine(db_path(copy), keys.unlock(copy, V1_PASSPHRASE))
    try:
        assert migrate.current_revision(engine) == "0001"
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'hcp_erasure'")).scalar() == 0
    finally:
        engine.dispose()


def test_an_upgraded_store_can_erase_an_hcp_and_its_re_hashed_chain_still_verifies(upgraded: Store) -> None:
    from liaison.core.errors import ValidationError

    with upgraded.repository.session() as session:
        pasteur, curie = sorted(session.exec(select(Hcp)).all(), key=lambda hcp: hcp.name)
    with pytest.raises(ValidationError, match="still a draft"):
        upgraded.repository.erase_hcp(curie.id, "request by letter")
    upgraded.repository.erase_hcp(pasteur.id, "request by letter")
    with upgraded.repository.session() as session:
        assert audit.verify(session).intact
