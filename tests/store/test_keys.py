"""The key hierarchy: passphrase → Argon2id → wrapped data key → SQLCipher database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail
from sqlmodel import select

from app.errors import (
    KeyFileError,
    KeyringUnavailable,
    Locked,
    ValidationError,
    WrongPassphrase,
)
from app.store import keys
from app.store.models import Hcp
from app.store.store import Store
from tests.conftest import PASSPHRASE


def snapshot(data_dir: Path) -> dict[str, tuple[int, int, str]]:
    """Every file's size, modification time and digest: any write shows up."""
    return {
        path.name: (path.stat().st_size, path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(data_dir.iterdir())
    }


@pytest.fixture
def closed_store(data_dir: Path) -> Path:
    with Store.init(data_dir, PASSPHRASE) as store:
        store.repository.create(Hcp, {"name": "Dr Marie Curie"})
    return data_dir


def test_the_key_file_records_argon2id_at_or_above_owasp_minimums(closed_store: Path) -> None:
    document = json.loads((closed_store / "liaison.key").read_text())
    kdf = document["kdf"]
    assert kdf["name"] == "argon2id"
    assert kdf["memory_cost_kib"] >= 19 * 1024 and kdf["iterations"] >= 2 and kdf["lanes"] >= 1
    assert len(kdf["salt"]) > 0 and document["cipher"] == "aes-256-gcm"


def test_wrong_passphrase_is_refused_and_no_file_changes(closed_store: Path) -> None:
    before = snapshot(closed_store)
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        Store.open(closed_store, "not my passphrase")
    assert snapshot(closed_store) == before


def test_passphrase_change_rewraps_the_key_and_leaves_the_database_alone(closed_store: Path) -> None:
    database = (closed_store / "liaison.db").read_bytes()
    keys.change_passphrase(closed_store, PASSPHRASE, "an entirely new passphrase")
    assert (closed_store / "liaison.db").read_bytes() == database
    with pytest.raises(WrongPassphrase):
        Store.open(closed_store, PASSPHRASE)
    with Store.open(closed_store, "an entirely new passphrase") as store, store.repository.session() as session:
        assert [hcp.name for hcp in session.exec(select(Hcp))] == ["Dr Marie Curie"]


def test_passphrase_change_with_the_wrong_current_passphrase_changes_nothing(closed_store: Path) -> None:
    before = snapshot(closed_store)
    with pytest.raises(WrongPassphrase):
        keys.change_passphrase(closed_store, "not my passphrase", "an entirely new passphrase")
    assert snapshot(closed_store) == before


def test_a_short_new_passphrase_is_refused_by_name(data_dir: Path) -> None:
    with pytest.raises(ValidationError, match="passphrase: must be at least 8"):
        Store.init(data_dir, "short")


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_text("{ not json"),
        lambda path: path.write_text(json.dumps({"format": "something-else"})),
        lambda path: path.write_bytes(b""),
        lambda path: path.unlink(),
    ],
    ids=["not-json", "unknown-format", "empty", "missing"],
)
def test_a_corrupt_or_missing_key_file_is_named(closed_store: Path, damage) -> None:  # type: ignore[no-untyped-def]
    key_file = closed_store / "liaison.key"
    damage(key_file)
    with pytest.raises(KeyFileError, match="liaison.key"):
        Store.open(closed_store, PASSPHRASE)


def test_a_tampered_wrapped_key_reads_as_a_wrong_passphrase_not_a_crash(closed_store: Path) -> None:
    key_file = closed_store / "liaison.key"
    document = json.loads(key_file.read_text())
    document["kdf"]["iterations"] += 1
    key_file.write_text(json.dumps(document))
    with pytest.raises((WrongPassphrase, KeyFileError)):
        Store.open(closed_store, PASSPHRASE)


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def restore_keyring():  # type: ignore[no-untyped-def]
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)


def test_without_an_os_key_store_remembering_fails_clearly(closed_store: Path, restore_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())
    with Store.open(closed_store, PASSPHRASE) as store:
        with pytest.raises(KeyringUnavailable, match="no OS key store"):
            store.remember_key(PASSPHRASE)
    with pytest.raises(Locked, match="passphrase"):
        Store.open(closed_store)


def test_a_remembered_key_unlocks_without_the_passphrase_until_forgotten(closed_store: Path, restore_keyring: None) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    with Store.open(closed_store, PASSPHRASE) as store:
        store.remember_key(PASSPHRASE)
    assert PASSPHRASE not in str(backend.secrets)
    with Store.open(closed_store) as store:
        store.forget_key()
    with pytest.raises(Locked):
        Store.open(closed_store)
