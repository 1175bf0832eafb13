"""Tokens and one-time codes: random, shown once, stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: the code is read off one screen and typed on another."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enroll_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[index : index + 4] for index in range(0, 12, 4))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_code(code: str) -> str:
    """Codes are compared case-insensitively and without the spaces people type."""
    normalised = "".join(code.split()).upper()
    return hashlib.sha256(normalised.encode()).hexdigest()
