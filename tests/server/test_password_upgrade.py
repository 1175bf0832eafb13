"""Manager passwords: standard Argon2id strings; hashes already stored in an older form or with
older parameters still sign in, and the right password re-hashes them as today's."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

import httpx
import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlmodel import Session, select

from liaison.server.embedded import EmbeddedServer
from liaison.server.models import User, WebCredential
from liaison.server.web import passwords
from tests.server.test_manager_web import sign_in

PASSWORD = "a manager's long passphrase"
TODAYS = "$argon2id$v=19$m=19456,t=2,p=1$"


def legacy_hash(password: str) -> str:
    """A hash as the server stored them before argon2-cffi: no leading `$`, no version."""
    salt = secrets.token_bytes(16)
    digest = Argon2id(salt=salt, length=32, iterations=2, lanes=1, memory_cost=19_456).derive(password.encode())
    b64 = lambda raw: base64.b64encode(raw).decode().rstrip("=")  # noqa: E731
    return f"argon2id$m=19456,t=2,p=1${b64(salt)}${b64(digest)}"


WEAKER = PasswordHasher(time_cost=1, memory_cost=8_192, parallelism=1)


def stored(server: EmbeddedServer) -> str:
    with Session(server.engine) as session:
        return session.exec(select(WebCredential.password_hash)).one()


@pytest.fixture
def with_hash(server: EmbeddedServer):  # type: ignore[no-untyped-def]
    def put(password_hash: str) -> None:
        server.create_user("boss@example.org", "Grace Manager", role="manager")
        with Session(server.engine) as session:
            user = session.exec(select(User).where(User.email == "boss@example.org")).one()
            session.add(WebCredential(user_id=user.id, password_hash=password_hash, updated_at=datetime.now(UTC)))  # type: ignore[arg-type]
            session.commit()

    return put


def test_a_new_password_is_a_standard_argon2id_string() -> None:
    made = passwords.hash_password(PASSWORD)
    assert made.startswith(TODAYS) and PASSWORD not in made
    assert PasswordHasher().verify(made, PASSWORD), "any Argon2 library reads it"
    assert passwords.verify_password(PASSWORD, made) and not passwords.needs_rehash(made)


@pytest.mark.parametrize("old", [legacy_hash(PASSWORD), WEAKER.hash(PASSWORD)], ids=["old format", "old parameters"])
def test_an_old_hash_signs_in_and_is_rehashed_as_todays(server: EmbeddedServer, with_hash, old: str) -> None:  # type: ignore[no-untyped-def]
    with_hash(old)
    assert passwords.verify_password(PASSWORD, old) and passwords.needs_rehash(old)
    assert sign_in(httpx.Client(base_url=server.url), "boss@example.org", PASSWORD).status_code == 303
    upgraded = stored(server)
    assert upgraded.startswith(TODAYS) and upgraded != old
    assert sign_in(httpx.Client(base_url=server.url), "boss@example.org", PASSWORD).status_code == 303
    assert stored(server) == upgraded, "a current hash is left as it is"


def test_a_wrong_password_is_refused_and_leaves_an_old_hash_alone(server: EmbeddedServer, with_hash) -> None:  # type: ignore[no-untyped-def]
    old = legacy_hash(PASSWORD)
    with_hash(old)
    refused = sign_in(httpx.Client(base_url=server.url), "boss@example.org", PASSWORD + "!")
    assert refused.status_code == 401 and "Wrong e-mail or password." in refused.text
    assert stored(server) == old
    assert passwords.verify_and_upgrade(PASSWORD + "!", old) == (False, None)


@pytest.mark.parametrize("broken", ["", "argon2id$m=19456", "$argon2id$v=19$m=x,t=2,p=1$AAAA$BBBB", "plain text"])
def test_a_malformed_hash_never_matches(broken: str) -> None:
    assert passwords.verify_password(PASSWORD, broken) is False
