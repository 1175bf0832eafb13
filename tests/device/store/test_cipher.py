"""The store really is SQLCipher, whichever sqlcipher3 build is installed.

These hold for the PyPI wheel (OpenSSL fetched by conan) and for the build from
recipes/sqlcipher3 (tools/build_sqlcipher3.sh: OpenSSL from the system, as
mobile-forge links the host's): a build that silently fell back to plain SQLite
or lost its crypto provider must fail here, not on a tablet.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import Engine

from liaison.core.records.models import Hcp
from liaison.device.store.db import db_path
from liaison.device.store.store import Store


def pragma(engine: Engine, name: str) -> str:
    with engine.connect() as connection:
        value = connection.exec_driver_sql(f"PRAGMA {name}").scalar()
    return "" if value is None else str(value)


@pytest.fixture
def closed_store_file(store: Store, data_dir: Path) -> Path:
    """The store's database file after some records were written and every connection closed."""
    for number in range(50):
        store.repository.create(Hcp, {"name": f"Dr Number {number}", "notes": "visited the clinic " * 20})
    store.close()
    return db_path(data_dir)


def test_the_store_connections_report_a_sqlcipher_4_version(store: Store) -> None:
    version = pragma(store.engine, "cipher_version")
    assert version.startswith("4."), f"cipher_version is {version!r}"


def test_the_store_connections_name_openssl_as_the_crypto_provider(store: Store) -> None:
    assert pragma(store.engine, "cipher_provider") == "openssl"
    assert pragma(store.engine, "cipher_provider_version").startswith("OpenSSL 3.")


def test_every_page_of_the_store_passes_sqlciphers_hmac_check(store: Store) -> None:
    store.repository.create(Hcp, {"name": "Dr Checked"})
    with store.engine.connect() as connection:
        failures = connection.exec_driver_sql("PRAGMA cipher_integrity_check").all()
    assert failures == []


def test_the_file_does_not_start_with_the_sqlite_header(closed_store_file: Path) -> None:
    assert not closed_store_file.read_bytes()[:16].startswith(b"SQLite format 3")


def test_the_file_looks_random_rather_than_like_sqlite_pages(closed_store_file: Path) -> None:
    content = closed_store_file.read_bytes()
    zero_share = content.count(0) / len(content)
    # A plain SQLite file of this size is mostly zero padding; ciphertext has ~1/256 zeros.
    assert zero_share < 0.02, f"{zero_share:.1%} of the file is zero bytes"


def test_plain_sqlite_cannot_read_the_file(closed_store_file: Path) -> None:
    connection = sqlite3.connect(closed_store_file)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        connection.close()


@pytest.mark.parametrize("key_pragma", [None, "PRAGMA key = 'not the data key'"], ids=["no key", "wrong key"])
def test_sqlcipher_without_the_data_key_cannot_read_the_file(closed_store_file: Path, key_pragma: str | None) -> None:
    connection = sqlcipher3.connect(str(closed_store_file))
    try:
        if key_pragma is not None:
            connection.execute(key_pragma)
        with pytest.raises(sqlcipher3.DatabaseError, match="not a database"):
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        connection.close()
