"""Slowing down password guessing at the web sign-in, without a CAPTCHA.

Two counters stand in front of every password check:

- per (client address, account): `MAX_FAILURES` wrong passwords in a row lock
  that pair out for `LOCKOUT`. Someone guessing from elsewhere therefore
  cannot lock a manager out of their own address;
- per client address, whatever the account: past `ADDRESS_ALLOWANCE`
  failures, each further try must wait twice as long as the one before (one
  second, two, four…, at most `LOCKOUT`), so one address cannot spread
  guesses over many accounts either.

An attempt is counted *before* its password is checked, in one write
transaction holding the counters' rows (`FOR UPDATE` on PostgreSQL; SQLite's
single writer, begun IMMEDIATE, is the same guarantee), and refused there when
a counter is locked. Guesses fired in parallel thus queue on those rows, and
no more than the limit ever reach the password check. A right password then
clears its pair and gives the address back the try it was charged.

Addresses and e-mail addresses are kept only as SHA-256 digests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from liaison.server.db import writing
from liaison.server.models import SignInThrottle
from liaison.server.security import hash_token

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
"""How long an (address, account) pair is refused after `MAX_FAILURES` wrong passwords in a row, and the longest backoff."""
ADDRESS_ALLOWANCE = 10
"""Failures an address may make, over all accounts, before each further try has to wait."""
ADDRESS_MEMORY = timedelta(days=1)
"""How long an address's failures are remembered: a run of guesses starts over only after a quiet day."""


class Throttled(Exception):
    """A sign-in refused before its password was looked at; `message` says for how long."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Keys:
    """The two counters one attempt is charged to."""

    pair: str
    address: str
    email_hash: str

    @classmethod
    def of(cls, address: str, email: str) -> Keys:
        return cls(pair=hash_token(f"pair\n{address}\n{email}"), address=hash_token(f"address\n{address}"), email_hash=hash_token(email))


def backoff(failures: int) -> timedelta:
    """How long an address waits after its `failures`-th failure: nothing within the allowance, then doubling up to `LOCKOUT`."""
    beyond = failures - ADDRESS_ALLOWANCE
    if beyond <= 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(beyond - 1, 20)), LOCKOUT)


def charge(session: Session, keys: Keys, now: datetime) -> None:
    """Count one attempt against both counters, or refuse it (`Throttled`) when either is locked; commits."""
    session.commit()
    writing(session)
    _insert_missing(session, keys, now)
    rows = {
        row.key: row for row in session.exec(select(SignInThrottle).where(col(SignInThrottle.key).in_([keys.address, keys.pair])).with_for_update())
    }
    pair, address = rows[keys.pair], rows[keys.address]
    refusal = _refusal(pair, address, now)
    if refusal is not None:
        session.rollback()
        raise Throttled(refusal)
    _count(pair, now, LOCKOUT, lambda failures: LOCKOUT if failures >= MAX_FAILURES else None)
    _count(address, now, ADDRESS_MEMORY, lambda failures: backoff(failures) or None)
    session.add_all([pair, address])
    session.commit()


def forgive(session: Session, keys: Keys) -> None:
    """A right password: its pair starts afresh and the address gets back the try it was charged for it."""
    session.commit()
    writing(session)
    session.execute(delete(SignInThrottle).where(col(SignInThrottle.key) == keys.pair))
    address = session.exec(select(SignInThrottle).where(SignInThrottle.key == keys.address).with_for_update()).first()
    if address is not None:
        address.failures = max(address.failures - 1, 0)
        address.locked_until = None
        session.add(address)
    session.commit()


def lift(session: Session, email: str) -> None:
    """Lift every lock on an account (a new password was set); the caller commits."""
    session.execute(delete(SignInThrottle).where(col(SignInThrottle.email_hash) == hash_token(email)))


def _insert_missing(session: Session, keys: Keys, now: datetime) -> None:
    """Both rows exist before they are locked: a row lock cannot hold a row nobody has inserted yet."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [
        {"key": keys.address, "email_hash": None, "failures": 0, "last_failed_at": now, "locked_until": None},
        {"key": keys.pair, "email_hash": keys.email_hash, "failures": 0, "last_failed_at": now, "locked_until": None},
    ]
    session.execute(dialect.insert(SignInThrottle).values(rows).on_conflict_do_nothing(index_elements=["key"]))


def _refusal(pair: SignInThrottle, address: SignInThrottle, now: datetime) -> str | None:
    if pair.locked_until is not None and pair.locked_until > now:
        return f"Too many failed sign-ins for this e-mail address; try again in {_minutes(pair.locked_until - now)}."
    if address.locked_until is not None and address.locked_until > now:
        return f"Too many failed sign-ins from your network address; try again in {_span(address.locked_until - now)}."
    return None


def _count(row: SignInThrottle, now: datetime, memory: timedelta, lock_for: Callable[[int], timedelta | None]) -> None:
    """One more failure on this counter (a run older than `memory` starts over), and the lock that follows from it."""
    if now - row.last_failed_at > memory:
        row.failures = 0
    row.failures += 1
    row.last_failed_at = now
    wait = lock_for(row.failures)
    row.locked_until = now + wait if wait else None


def _minutes(left: timedelta) -> str:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _span(left: timedelta) -> str:
    seconds = max(1, math.ceil(left.total_seconds()))
    return f"{seconds} second{'s' if seconds > 1 else ''}" if seconds < 120 else _minutes(left)
