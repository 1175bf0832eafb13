"""Web passwords, stored only as standard Argon2id hash strings (argon2-cffi).

`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (the PHC string format) keeps its
parameters beside it, so they can be raised later without locking anyone out:
a password whose hash was made with other parameters is re-hashed with the
current ones the next time it signs in. The parameters are OWASP's floor for
Argon2id: a sign-in costs a few tens of milliseconds here, guessing offline
costs as much per guess.

Hashes written before this module used argon2-cffi lack the leading `$` and the
version (`argon2id$m=…,t=…,p=…$<salt>$<hash>`, Argon2 version 19 all the same):
they still verify, and are re-hashed into the standard form on the next sign-in.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from liaison.core.errors import ValidationError

MEMORY_KIB = 19_456
ITERATIONS = 2
LANES = 1
MIN_LENGTH = 12
LEGACY_PREFIX = "argon2id$m="
"""How a hash from before the standard format starts."""
HASHER = PasswordHasher(time_cost=ITERATIONS, memory_cost=MEMORY_KIB, parallelism=LANES, hash_len=32, salt_len=16, type=Type.ID)


def validate_new(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError("password", f"must be at least {MIN_LENGTH} characters")
    if not password.strip():
        raise ValidationError("password", "must not be blank")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches; compares in constant time, and a malformed hash never matches."""
    try:
        return HASHER.verify(_standard(stored), password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a hash that just verified should be replaced: an old-format string, or other parameters than today's."""
    return stored.startswith(LEGACY_PREFIX) or HASHER.check_needs_rehash(stored)


def verify_and_upgrade(password: str, stored: str) -> tuple[bool, str | None]:
    """Whether the password matches, and, when it does and its hash is out of date, the hash to store instead."""
    if not verify_password(password, stored):
        return False, None
    return True, hash_password(password) if needs_rehash(stored) else None


@cache
def decoy() -> str:
    """Checked against when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


def _standard(stored: str) -> str:
    """The PHC string of a stored hash: old-format hashes are the same hash, written without `$` and version."""
    if stored.startswith(LEGACY_PREFIX):
        return "$argon2id$v=19$" + stored.removeprefix("argon2id$")
    return stored
