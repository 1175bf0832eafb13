"""On the target: the wheel is SQLCipher over OpenSSL, and what it writes is ciphertext."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlcipher3


def keyed(path: Path, key: str) -> sqlcipher3.Connection:
    connection = sqlcipher3.connect(str(path))
    connection.execute(f"PRAGMA key = '{key}'")
    return connection


def test_it_is_sqlcipher_4_on_openssl(tmp_path: Path) -> None:
    connection = keyed(tmp_path / "probe.db", "k")
    assert connection.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    assert connection.execute("PRAGMA cipher_provider").fetchone()[0] == "openssl"
    connection.close()


def test_a_keyed_file_round_trips_and_is_unreadable_without_the_key(tmp_path: Path) -> None:
    path = tmp_path / "secret.db"
    connection = keyed(path, "right key")
    connection.execute("CREATE TABLE note (text TEXT)")
    connection.execute("INSERT INTO note VALUES ('a plaintext marker')")
    connection.commit()
    connection.close()

    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert b"a plaintext marker" not in path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM note").fetchall()
    with pytest.raises(sqlcipher3.DatabaseError):
        keyed(path, "wrong key").execute("SELECT * FROM note").fetchall()
    reopened = keyed(path, "right key")
    assert reopened.execute("SELECT text FROM note").fetchall() == [("a plaintext marker",)]
    reopened.close()
