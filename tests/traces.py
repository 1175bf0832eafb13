"""Looking for what must be gone: every row of every table, and every page of the decrypted file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import Engine, text

PAGE_SIZE = 4096
RESERVED = 80
"""SQLCipher 4's defaults: each page ends with a 16-byte IV and a 64-byte HMAC."""


def row_traces(engine: Engine, needles: list[str]) -> list[str]:
    """`table: needle` for every needle found (case-insensitively) in any row of any table, FTS shadow tables included."""
    found: list[str] = []
    with engine.connect() as connection:
        tables = [row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
        for table in tables:
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            blob = "\n".join(_text(value) for row in rows for value in row).lower()
            found += [f"{table}: {needle}" for needle in needles if needle.lower() in blob]
    return found


def page_traces(data_dir: Path, data_key: bytes, needles: list[str]) -> list[str]:
    """`file page N: needle` for every needle found in any decrypted page of the database or its WAL, free pages included."""
    found: list[str] = []
    database = (data_dir / "liaison.db").read_bytes()
    pages = _decrypt(database, data_key, first_page_salted=True)
    assert pages[0][:2] == b"\x10\x00", "page 1 did not decrypt to an SQLite header (page size 4096)"
    wal_path = data_dir / "liaison.db-wal"
    wal = wal_path.read_bytes() if wal_path.exists() else b""
    frames = [wal[offset + 24 : offset + 24 + PAGE_SIZE] for offset in range(32, len(wal) - PAGE_SIZE - 23, PAGE_SIZE + 24)]
    for name, group in (("liaison.db", pages), ("liaison.db-wal", _decrypt(b"".join(frames), data_key, first_page_salted=False))):
        for number, page in enumerate(group, start=1):
            lowered = page.lower()
            found += [f"{name} page {number}: {needle}" for needle in needles if needle.lower().encode() in lowered]
    return found


def server_traces(engine: Engine, needles: list[str]) -> list[str]:
    """`table: needle` for the server's merged records and change log."""
    found: list[str] = []
    with engine.connect() as connection:
        for table in ("records", "change_log"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            blob = "\n".join(_text(value) for row in rows for value in row).lower()
            found += [f"{table}: {needle}" for needle in needles if needle.lower() in blob]
    return found


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _decrypt(raw: bytes, key: bytes, *, first_page_salted: bool) -> list[bytes]:
    pages = []
    for number in range(len(raw) // PAGE_SIZE):
        page = raw[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        start = 16 if first_page_salted and number == 0 else 0
        iv = page[PAGE_SIZE - RESERVED : PAGE_SIZE - RESERVED + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        pages.append(decryptor.update(page[start : PAGE_SIZE - RESERVED]) + decryptor.finalize())
    return pages
