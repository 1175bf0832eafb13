"""The key hierarchy that protects an MSL's store.

A random 256-bit *data key* encrypts the SQLCipher database. It is never stored
in the clear: the key file holds it wrapped with AES-GCM under a *key-encryption
key* derived from the MSL's passphrase with Argon2id. The salt and Argon2
parameters sit beside the wrapped key so they can be raised later, and changing
the passphrase only re-wraps the data key: the database itself is never
re-encrypted or put at risk.

The key file is JSON and is replaced atomically (write, fsync, rename), so a
crash during a passphrase change leaves either the old or the new file whole.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.errors import KeyFileError, ValidationError, WrongPassphrase

KEY_FILE_NAME = "liaison.key"
KEY_FILE_FORMAT = "liaison-keyfile/1"
DATA_KEY_BYTES = 32

# RFC 9106's second recommended option (64 MiB, t=3), well above OWASP's floor
# (19 MiB, t=2, p=1). About 0.15 s on a 2-core laptop: a wrong passphrase
# answers well within a second while guessing stays expensive.
DEFAULT_KDF = {"name": "argon2id", "memory_cost_kib": 65536, "iterations": 3, "lanes": 1}
MIN_PASSPHRASE_LENGTH = 8


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
    _write_atomically(path, document)
    return data_key


def store_id(data_dir: Path) -> str:
    """A random, non-secret name for this store: how the OS key store finds its remembered key."""
    path = key_file_path(data_dir)
    value = _read(path).get("store_id")
    if not isinstance(value, str) or not value:
        raise KeyFileError(f"{path}: key file is corrupt (no store id)")
    return value


def unlock(data_dir: Path, passphrase: str) -> bytes:
    """Unwrap the data key. Reads only: a wrong passphrase modifies nothing."""
    path = key_file_path(data_dir)
    document = _read(path)
    kdf, nonce, ciphertext = _parse(path, document)
    try:
        return AESGCM(kdf.derive(passphrase)).decrypt(nonce, ciphertext, _aad(document))
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase") from None


def change_passphrase(data_dir: Path, old: str, new: str) -> None:
    """Re-wrap the data key under a new passphrase; the database is not touched."""
    validate_new_passphrase(new)
    data_key = unlock(data_dir, old)
    document = _wrap(data_key, new, KdfParams.fresh())
    document["store_id"] = store_id(data_dir)
    _write_atomically(key_file_path(data_dir), document)


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
        raise KeyFileError(f"{path}: key file is missing; run 'liaison init' or restore it from backup") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read key file ({exc.strerror})") from None
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeyFileError(f"{path}: key file is corrupt (not valid JSON)") from None
    if not isinstance(document, dict):
        raise KeyFileError(f"{path}: key file is corrupt (not a JSON object)")
    return document


def _parse(path: Path, document: dict[str, Any]) -> tuple[KdfParams, bytes, bytes]:
    try:
        if document["format"] != KEY_FILE_FORMAT:
            raise KeyFileError(f"{path}: unsupported key file format {document['format']!r}")
        kdf = document["kdf"]
        if kdf["name"] != "argon2id" or document["cipher"] != "aes-256-gcm":
            raise KeyFileError(f"{path}: unsupported key derivation or cipher")
        params = KdfParams(
            memory_cost_kib=int(kdf["memory_cost_kib"]),
            iterations=int(kdf["iterations"]),
            lanes=int(kdf["lanes"]),
            salt=_unb64(kdf["salt"]),
        )
        nonce, ciphertext = _unb64(document["nonce"]), _unb64(document["wrapped_key"])
    except KeyFileError:
        raise
    except (KeyError, TypeError, ValueError):
        raise KeyFileError(f"{path}: key file is corrupt (missing or malformed field)") from None
    if len(nonce) != 12 or len(ciphertext) != DATA_KEY_BYTES + 16:
        raise KeyFileError(f"{path}: key file is corrupt (wrong key length)")
    return params, nonce, ciphertext


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    _fsync_dir(path.parent)


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
