"""Web passwords, stored only as Argon2id hashes in a self-describing string.

`argon2id$m=19456,t=2,p=1$<salt>$<hash>` keeps its parameters beside it, so they
can be raised later without locking anyone out. The parameters are OWASP's
floor for Argon2id: a sign-in costs a few tens of milliseconds here, guessing
offline costs as much per guess.
"""

from __future__ import annotations

import base64
import secrets
from functools import cache

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from liaison.core.errors import ValidationError

MEMORY_KIB = 19_456
ITERATIONS = 2
LANES = 1
MIN_LENGTH = 12
SCHEME = "argon2id"


def validate_new(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError("password", f"must be at least {MIN_LENGTH} characters")
    if not password.strip():
        raise ValidationError("password", "must not be blank")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _kdf(salt, MEMORY_KIB, ITERATIONS, LANES).derive(password.encode())
    return f"{SCHEME}$m={MEMORY_KIB},t={ITERATIONS},p={LANES}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches; compares in constant time, and a malformed hash never matches."""
    try:
        scheme, params, salt, digest = stored.split("$")
        settings = dict(item.split("=") for item in params.split(","))
        kdf = _kdf(_unb64(salt), int(settings["m"]), int(settings["t"]), int(settings["p"]))
        expected = _unb64(digest)
    except (ValueError, KeyError):
        return False
    if scheme != SCHEME:
        return False
    try:
        kdf.verify(password.encode(), expected)
    except InvalidKey:
        return False
    return True


@cache
def decoy() -> str:
    """Checked against when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


def _kdf(salt: bytes, memory_kib: int, iterations: int, lanes: int) -> Argon2id:
    return Argon2id(salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory_kib)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))
