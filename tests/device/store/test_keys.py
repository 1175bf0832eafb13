"""The key hierarchy: passphrase → Argon2id → wrapped data key → SQLCipher database."""

from __future__ import annotations

import base64
import hashlib
import json
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backends import fail
from sqlmodel import select

from liaison.core.errors import (
    KeyFileError,
    KeyringUnavailable,
    Locked,
    ValidationError,
    WrongPassphrase,
)
from liaison.core.records.models import Hcp
from liaison.device.store import keys
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.keystores import MemoryKeyring


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


@pytest.fixture
def restore_keyring():  # type: ignore[no-untyped-def]
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)


def test_without_an_os_key_store_remembering_fails_clearly(closed_store: Path, restore_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())
    with Store.open(closed_store, PASSPHRASE) as store, pytest.raises(KeyringUnavailable, match="no OS key store"):
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


# --- a tampered, truncated or absurd key file ---------------------------------------


def rewrite(key_file: Path, change) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(key_file.read_text())
    change(document)
    key_file.write_text(json.dumps(document))


def flip_nonce_byte(document: dict) -> None:  # type: ignore[type-arg]
    nonce = bytearray(base64.b64decode(document["nonce"]))
    nonce[0] ^= 0x01
    document["nonce"] = base64.b64encode(bytes(nonce)).decode()


def test_a_flipped_nonce_byte_reads_exactly_as_a_wrong_passphrase_and_points_at_the_backup(closed_store: Path) -> None:
    with pytest.raises(WrongPassphrase) as wrong:
        Store.open(closed_store, "not my passphrase")
    rewrite(closed_store / "liaison.key", flip_nonce_byte)
    with pytest.raises(WrongPassphrase) as tampered:
        Store.open(closed_store, PASSPHRASE)
    assert str(tampered.value) == str(wrong.value), "nothing tells a guesser whether the file or the guess was wrong"
    assert "liaison.key" in str(tampered.value) and "backup" in str(tampered.value)


def set_kdf(name: str, value: object):  # type: ignore[no-untyped-def]
    return lambda document: document["kdf"].__setitem__(name, value)


def drop(*path: str):  # type: ignore[no-untyped-def]
    def change(document: dict) -> None:  # type: ignore[type-arg]
        for step in path[:-1]:
            document = document[step]
        del document[path[-1]]

    return change


@pytest.mark.parametrize(
    "change",
    [
        set_kdf("memory_cost_kib", 2**40),
        set_kdf("memory_cost_kib", 2**31),
        set_kdf("memory_cost_kib", 0),
        set_kdf("memory_cost_kib", -65536),
        set_kdf("iterations", 10**9),
        set_kdf("iterations", 0),
        set_kdf("lanes", 2**24),
        set_kdf("lanes", 0),
        set_kdf("memory_cost_kib", "65536"),
        set_kdf("memory_cost_kib", 65536.0),
        set_kdf("iterations", True),
        set_kdf("lanes", None),
        set_kdf("salt", ""),
        set_kdf("salt", 16),
        set_kdf("salt", "not base64!"),
        set_kdf("name", "scrypt"),
        drop("kdf", "memory_cost_kib"),
        drop("kdf"),
        drop("nonce"),
        drop("wrapped_key"),
        lambda document: document.__setitem__("kdf", [65536, 3, 1]),
        lambda document: document.__setitem__("nonce", document["nonce"][:8]),
    ],
    ids=[
        "memory-2^40",
        "memory-2^31",
        "memory-zero",
        "memory-negative",
        "iterations-billion",
        "iterations-zero",
        "lanes-huge",
        "lanes-zero",
        "memory-as-text",
        "memory-as-float",
        "iterations-as-bool",
        "lanes-null",
        "salt-empty",
        "salt-a-number",
        "salt-not-base64",
        "another-kdf",
        "no-memory",
        "no-kdf",
        "no-nonce",
        "no-wrapped-key",
        "kdf-a-list",
        "short-nonce",
    ],
)
def test_absurd_or_malformed_key_derivation_fields_are_refused_before_any_derivation(closed_store: Path, change) -> None:  # type: ignore[no-untyped-def]
    rewrite(closed_store / "liaison.key", change)
    before = snapshot(closed_store)
    started = time.perf_counter()
    with pytest.raises(KeyFileError) as refused:
        Store.open(closed_store, PASSPHRASE)
    assert time.perf_counter() - started < 0.1, "refused without running Argon2id"
    message = str(refused.value)
    assert "liaison.key" in message and "backup" in message and "re-enrol" in message and "\n" not in message
    assert snapshot(closed_store) == before


def test_a_truncated_key_file_is_refused_by_name_at_every_length(closed_store: Path) -> None:
    key_file = closed_store / "liaison.key"
    whole = key_file.read_bytes()
    for length in range(len(whole)):
        key_file.write_bytes(whole[:length])
        with pytest.raises(KeyFileError, match="liaison.key.*backup"):
            keys.unlock(closed_store, PASSPHRASE)


@given(
    memory_cost_kib=st.integers(min_value=-(2**64), max_value=2**64),
    iterations=st.integers(min_value=-(2**64), max_value=2**64),
    lanes=st.integers(min_value=-(2**64), max_value=2**64),
)
def test_key_derivation_parameters_are_accepted_exactly_within_their_bounds(memory_cost_kib: int, iterations: int, lanes: int) -> None:
    document = {"name": "argon2id", "memory_cost_kib": memory_cost_kib, "iterations": iterations, "lanes": lanes, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="}
    within = all(
        keys.KDF_BOUNDS[name][0] <= value <= keys.KDF_BOUNDS[name][1]
        for name, value in (("memory_cost_kib", memory_cost_kib), ("iterations", iterations), ("lanes", lanes))
    )
    try:
        params = keys.KdfParams.from_json(Path("liaison.key"), document)
    except KeyFileError as refused:
        assert not within, refused
    else:
        assert within and (params.memory_cost_kib, params.iterations, params.lanes) == (memory_cost_kib, iterations, lanes)


def test_what_this_app_writes_sits_inside_the_bounds_with_room_to_raise_it() -> None:
    for name in ("memory_cost_kib", "iterations", "lanes"):
        low, high = keys.KDF_BOUNDS[name]
        assert low <= keys.DEFAULT_KDF[name] <= high, name
    assert keys.DEFAULT_KDF["memory_cost_kib"] * 4 <= keys.KDF_BOUNDS["memory_cost_kib"][1]
    assert keys.DEFAULT_KDF["iterations"] < keys.KDF_BOUNDS["iterations"][1]


def seconds_to_derive(params: keys.KdfParams) -> float:
    started = time.perf_counter()
    params.derive(PASSPHRASE)
    return time.perf_counter() - started


@pytest.mark.slow
def test_the_costliest_parameters_within_the_bounds_cost_at_most_eight_times_what_this_app_writes() -> None:
    """Today's parameters take about 0.15 s here and under a second on a tablet: the ceiling keeps an unlock to seconds."""
    today = seconds_to_derive(keys.KdfParams.fresh())
    costliest = keys.KdfParams(
        memory_cost_kib=keys.KDF_BOUNDS["memory_cost_kib"][1],
        iterations=keys.KDF_BOUNDS["iterations"][1],
        lanes=keys.KDF_BOUNDS["lanes"][1],
        salt=bytes(16),
    )
    assert seconds_to_derive(costliest) < 8 * today, "about 5x by design; 8x leaves room for a busy machine"


# --- a passphrase change that fails -------------------------------------------------


def test_a_passphrase_change_leaves_no_temporary_file_whatever_it_found(closed_store: Path) -> None:
    (closed_store / "liaison.key.tmp").write_text("left by a change killed mid-write")
    keys.change_passphrase(closed_store, PASSPHRASE, "an entirely new passphrase")
    assert sorted(path.name for path in closed_store.iterdir()) == ["liaison.db", "liaison.key"]
    keys.unlock(closed_store, "an entirely new passphrase")


def with_file_size_limit(limit: int) -> None:
    """In the child: the kernel refuses to grow any file past `limit` bytes (EFBIG), as a full disk refuses a write."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


CHANGE = """
import sys
from pathlib import Path
from liaison.core.errors import LiaisonError
from liaison.device.store import keys
try:
    keys.change_passphrase(Path(sys.argv[1]), sys.argv[2], "an entirely new passphrase")
except LiaisonError as error:
    print(error)
    sys.exit(1)
"""


def test_a_passphrase_change_that_fails_writing_the_new_file_keeps_the_old_one_and_no_temporary(closed_store: Path) -> None:
    before = (closed_store / "liaison.key").read_bytes()
    changing = subprocess.run(
        [sys.executable, "-c", CHANGE, str(closed_store), PASSPHRASE],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: with_file_size_limit(64),
    )
    assert changing.returncode == 1, changing.stderr
    assert "liaison.key" in changing.stdout and "unchanged" in changing.stdout
    assert sorted(path.name for path in closed_store.iterdir()) == ["liaison.db", "liaison.key"]
    assert (closed_store / "liaison.key").read_bytes() == before
    keys.unlock(closed_store, PASSPHRASE)
