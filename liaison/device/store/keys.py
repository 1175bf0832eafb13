"""The key hierarchy that protects an MSL's store.

A random 256-bit *data key* encrypts the SQLCipher database. It is never stored
in the clear: the key file holds it wrapped with AES-GCM under a *key-encryption
key* derived from the MSL's passphrase with Argon2id. The salt and Argon2
parameters sit beside the wrapped key so they can be raised later, and changing
the passphrase only re-wraps the data key: the database itself is never
re-encrypted or put at risk.

The key file is JSON and is replaced atomically (a temporary file in the same
folder, fsync, rename), so a crash during a passphrase change leaves either the
old or the new file whole, and a failed write leaves no temporary behind.

Everything read from the key file is checked before Argon2id runs: a tampered
or damaged file cannot make this device derive for hours or allocate terabytes.
A damaged file is named, with what to do; a wrapped key that does not decrypt
reads the same whether the passphrase or the file is wrong, since AES-GCM
cannot tell the two apart and a guesser should learn nothing more.
"""

from __future__ import annotations

import base64
import binascii
import errno
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from liaison.core.errors import KeyFileError, StorageFull, ValidationError, WrongPassphrase

KEY_FILE_NAME = "liaison.key"
KEY_FILE_FORMAT = "liaison-keyfile/1"
DATA_KEY_BYTES = 32

# RFC 9106's second recommended option (64 MiB, t=3), well above OWASP's floor
# (19 MiB, t=2, p=1). About 0.15 s on a 2-core laptop: a wrong passphrase
# answers well within a second while guessing stays expensive.
DEFAULT_KDF: dict[str, Any] = {"name": "argon2id", "memory_cost_kib": 65536, "iterations": 3, "lanes": 1}
MIN_PASSPHRASE_LENGTH = 8

# What a key file may ask of Argon2id, inclusive. The floor is OWASP's minimum
# (this app never wrote less). The ceilings leave room to raise DEFAULT_KDF
# (memory 4x, one more pass) while the costliest combination stays about 5x
# today's derivation: under a second on a 2-core laptop, a few seconds on a
# tablet, and 256 MiB is within any supported tablet's memory.
KDF_BOUNDS: dict[str, tuple[int, int]] = {
    "memory_cost_kib": (19 * 1024, 256 * 1024),
    "iterations": (2, 4),
    "lanes": (1, 4),
}
SALT_BYTES = (16, 64)
NONCE_BYTES = 12

_WHAT_TO_DO = "restore it from a backup, or ask support to re-enrol this device"


@dataclass(frozen=True)
class KdfParams:
    memory_cost_kib: int
    iterations: int
    lanes: int
    salt: bytes

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(
            memory_cost_kib=DEFAULT_KDF["memory_cost_kib"],
            iterations=DEFAULT_KDF["iterations"],
            lanes=DEFAULT_KDF["lanes"],
            salt=secrets.token_bytes(16),
        )

    @classmethod
    def from_json(cls, path: Path, kdf: object) -> KdfParams:
        """The parameters a key file names, refused unless each is an integer within KDF_BOUNDS."""
        if not isinstance(kdf, dict):
            raise _damaged(path, f"kdf is {_kind(kdf)}, not an object")
        if kdf.get("name") != "argon2id":
            raise _damaged(path, f"key derivation {kdf.get('name')!r} is not argon2id")
        counts = {name: _bounded(path, f"kdf.{name}", kdf.get(name), low, high) for name, (low, high) in KDF_BOUNDS.items()}
        salt = _decoded(path, "kdf.salt", kdf.get("salt"))
        if not SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1]:
            raise _damaged(path, f"kdf.salt is {len(salt)} bytes, not {SALT_BYTES[0]} to {SALT_BYTES[1]}")
        return cls(salt=salt, **counts)

    def derive(self, passphrase: str) -> bytes:
        return Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_cost_kib,
        ).derive(passphrase.encode("utf-8"))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "memory_cost_kib": self.memory_cost_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
            "salt": _b64(self.salt),
        }


def validate_new_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short to resist guessing on a stolen laptop."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError("passphrase", f"must be at least {MIN_PASSPHRASE_LENGTH} characters")


def key_file_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE_NAME


def create_key_file(data_dir: Path, passphrase: str) -> bytes:
    """Make a fresh data key, wrap it under the passphrase and store it. Returns the data key."""
    validate_new_passphrase(passphrase)
    path = key_file_path(data_dir)
    if path.exists():
        raise KeyFileError(f"{path}: a key file already exists; this data dir is already initialised")
    data_key = secrets.token_bytes(DATA_KEY_BYTES)
    document = _wrap(data_key, passphrase, KdfParams.fresh())
    document["store_id"] = secrets.token_hex(16)
    _write_atomically(path, document, outcome="no store was created")
    return data_key


def store_id(data_dir: Path) -> str:
    """A random, non-secret name for this store: how the OS key store finds its remembered key."""
    path = key_file_path(data_dir)
    value = _read(path).get("store_id")
    if not isinstance(value, str) or not value:
        raise _damaged(path, "no store id")
    return value


def unlock(data_dir: Path, passphrase: str) -> bytes:
    """Unwrap the data key. Reads only: a wrong passphrase modifies nothing."""
    path = key_file_path(data_dir)
    document = _read(path)
    kdf, nonce, ciphertext = _parse(path, document)
    try:
        return AESGCM(kdf.derive(passphrase)).decrypt(nonce, ciphertext, _aad(document))
    except InvalidTag:
        raise WrongPassphrase(f"wrong passphrase (if you are sure it is right, the key file {path} was altered: {_WHAT_TO_DO})") from None


def change_passphrase(data_dir: Path, old: str, new: str) -> None:
    """Re-wrap the data key under a new passphrase; the database is not touched."""
    validate_new_passphrase(new)
    data_key = unlock(data_dir, old)
    document = _wrap(data_key, new, KdfParams.fresh())
    document["store_id"] = store_id(data_dir)
    _write_atomically(key_file_path(data_dir), document, outcome=f"{key_file_path(data_dir)} is unchanged: your old passphrase still works")


def _wrap(data_key: bytes, passphrase: str, kdf: KdfParams) -> dict[str, Any]:
    nonce = secrets.token_bytes(12)
    document: dict[str, Any] = {"format": KEY_FILE_FORMAT, "kdf": kdf.to_json(), "cipher": "aes-256-gcm"}
    ciphertext = AESGCM(kdf.derive(passphrase)).encrypt(nonce, data_key, _aad(document))
    document["nonce"] = _b64(nonce)
    document["wrapped_key"] = _b64(ciphertext)
    return document


def _aad(document: dict[str, Any]) -> bytes:
    """Bind the ciphertext to its header so the KDF parameters cannot be swapped."""
    header = {key: document[key] for key in ("format", "kdf", "cipher")}
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: key file is missing; {_WHAT_TO_DO} (a new device starts with 'liaison init')") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read key file ({exc.strerror}); {_WHAT_TO_DO}") from None
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _damaged(path, "not valid JSON; it may be truncated") from None
    if not isinstance(document, dict):
        raise _damaged(path, "not a JSON object")
    return document


def _parse(path: Path, document: dict[str, Any]) -> tuple[KdfParams, bytes, bytes]:
    """Every field unlock needs, checked for type and size before anything is derived."""
    if document.get("format") != KEY_FILE_FORMAT:
        raise KeyFileError(f"{path}: key file format {document.get('format')!r} is not {KEY_FILE_FORMAT!r}; update the app, or {_WHAT_TO_DO}")
    if document.get("cipher") != "aes-256-gcm":
        raise _damaged(path, f"cipher {document.get('cipher')!r} is not aes-256-gcm")
    params = KdfParams.from_json(path, document.get("kdf"))
    nonce, ciphertext = _decoded(path, "nonce", document.get("nonce")), _decoded(path, "wrapped_key", document.get("wrapped_key"))
    if len(nonce) != NONCE_BYTES:
        raise _damaged(path, f"nonce is {len(nonce)} bytes, not {NONCE_BYTES}")
    if len(ciphertext) != DATA_KEY_BYTES + 16:
        raise _damaged(path, f"wrapped_key is {len(ciphertext)} bytes, not {DATA_KEY_BYTES + 16}")
    return params, nonce, ciphertext


def _bounded(path: Path, name: str, value: object, low: int, high: int) -> int:
    """An integer field within [low, high]; JSON's true, 3.0 and "3" are not integers here."""
    if type(value) is not int:
        raise _damaged(path, f"{name} is {_kind(value)}, not an integer")
    if not low <= value <= high:
        raise _damaged(path, f"{name} is {value}, outside {low} to {high}")
    return value


def _decoded(path: Path, name: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise _damaged(path, f"{name} is {_kind(value)}, not base64 text")
    try:
        return _unb64(value)
    except (UnicodeEncodeError, binascii.Error):
        raise _damaged(path, f"{name} is not valid base64") from None


def _kind(value: object) -> str:
    return "missing" if value is None else f"a {type(value).__name__}"


def _damaged(path: Path, problem: str) -> KeyFileError:
    return KeyFileError(f"{path}: key file is damaged ({problem}); {_WHAT_TO_DO}")


def _write_atomically(path: Path, document: dict[str, Any], *, outcome: str) -> None:
    """Write beside the target, fsync, rename: the old file stays whole until the new one is. A failure removes the temporary."""
    temp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _unwritable(path, exc, outcome) from None
        raise
    _fsync_dir(path.parent)


def _unwritable(path: Path, exc: OSError, outcome: str) -> KeyFileError | StorageFull:
    """A write the OS refused, in one line that says what was kept (`outcome`)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(f"the device's storage is full: free some space; {outcome}")
    return KeyFileError(f"{path}: cannot write the new key file ({exc.strerror}); {outcome}")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
