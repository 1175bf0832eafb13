"""Who is looking at a web page: a manager or administrator signed in with a password, or holding a device token.

Signing in trades a password (checked against its Argon2id hash, which is
re-hashed when out of date: see `passwords`) for a random session token, sent
back as an HttpOnly, SameSite=Strict cookie (Secure over https, whether direct
or as a trusted proxy's X-Forwarded-Proto says) and kept on the server only as
its SHA-256 digest, with an expiry. Wrong passwords are
throttled per client address and account (`throttle`). Forms carry a CSRF token
derived from the session token; the sign-in form, which has no session yet, is
tied to a one-off cookie of its own (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from liaison.core.errors import LiaisonError
from liaison.server.admin import AdminError
from liaison.server.db import writing
from liaison.server.deps import get_caller
from liaison.server.models import User, WebCredential, WebSession
from liaison.server.security import hash_token, new_token
from liaison.server.web import passwords, throttle

SESSION_COOKIE = "liaison_session"
SIGN_IN_COOKIE = "liaison_sign_in"
SESSION_LIFETIME = timedelta(hours=8)
"""A working day; then the manager signs in again."""
MAX_EMAIL_LENGTH = 254
WEB_ROLES = frozenset({"manager", "admin", "data_steward"})
DASHBOARD_ROLES = frozenset({"manager", "admin"})
"""Who reads the dashboard; a data steward signs in for the HCP requests only."""
COOKIE_PATH = "/manager"


class Refused(LiaisonError):
    """A request the web pages turn away, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Viewer:
    user: User
    session_token: str | None = None
    """Set when signed in through a browser; None for a device's bearer token."""

    @property
    def csrf(self) -> str:
        return csrf_for(self.session_token or "")


# --- administration -------------------------------------------------------------------


def set_password(engine: Engine, *, email: str, password: str) -> User:
    """Give a manager or administrator a password for the web pages; signs out their open sessions and lifts a sign-in lock."""
    passwords.validate_new(password)
    with Session(engine, expire_on_commit=False) as session:
        writing(session)
        user = session.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            raise AdminError(f"email: no user {email}; create it with 'liaison-server create-user'")
        if user.role not in WEB_ROLES:
            raise AdminError(f"email: {user.email} is an {user.role.upper()}; only managers and administrators sign in to the web pages")
        assert user.id is not None, "a stored user has an id"
        credential = session.get(WebCredential, user.id) or WebCredential(user_id=user.id, password_hash="", updated_at=datetime.now(UTC))
        credential.password_hash, credential.updated_at = passwords.hash_password(password), datetime.now(UTC)
        session.add(credential)
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))  # type: ignore[arg-type]
        throttle.lift(session, user.email)
        session.commit()
        return user


# --- signing in and out ---------------------------------------------------------------


def sign_in(session: Session, email: str, password: str, address: str) -> tuple[str, User]:
    """A new session token for the right password of a manager or administrator; refused otherwise.

    `address` is the client's network address. Every attempt is first charged
    to the (address, account) pair and to the address (`throttle`), and refused
    without looking at the password while either is locked, so a password
    cannot be guessed at the speed of the network. Unknown accounts are counted
    alike, so the answer says nothing about which accounts exist.
    """
    now = datetime.now(UTC)
    email = sign_in_email(email)
    keys = throttle.Keys.of(address, email)
    try:
        throttle.charge(session, keys, now)
    except throttle.Throttled as refused:
        raise Refused(429, refused.message) from None
    user = session.exec(select(User).where(User.email == email)).first()
    credential = session.get(WebCredential, user.id) if user is not None else None
    matches, upgraded = passwords.verify_and_upgrade(password, credential.password_hash if credential else passwords.decoy())
    if user is None or credential is None or not matches:
        raise Refused(401, "Wrong e-mail or password.")
    throttle.forgive(session, keys)
    if user.role not in WEB_ROLES:
        raise Refused(403, "Only managers and administrators can sign in to these pages.")
    token = new_token()
    session.commit()
    writing(session)
    if upgraded is not None:
        credential.password_hash = upgraded  # an old format or old parameters: the right password re-hashes it as today's
        session.add(credential)
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))  # type: ignore[arg-type]
    session.add(WebSession(token_hash=hash_token(token), user_id=user.id, created_at=now, expires_at=now + SESSION_LIFETIME))  # type: ignore[arg-type]
    session.commit()
    return token, user


def sign_in_email(typed: str) -> str:
    """The e-mail address as the sign-in looks it up; one with control characters (a NUL, say) is refused before any query."""
    email = typed.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or any(unicodedata.category(char) == "Cc" for char in email):
        raise Refused(422, "E-mail: must be an e-mail address, without control characters.")
    return email


def sign_out(session: Session, token: str) -> None:
    session.commit()
    writing(session)
    session.execute(delete(WebSession).where(WebSession.token_hash == hash_token(token)))  # type: ignore[arg-type]
    session.commit()


def session_user(session: Session, token: str) -> User | None:
    signed_in = session.get(WebSession, hash_token(token))
    if signed_in is None or signed_in.expires_at <= datetime.now(UTC):
        return None
    return session.get(User, signed_in.user_id)


# --- who is asking ---------------------------------------------------------------------


def viewer(request: Request, session: Session) -> Viewer | None:
    """The signed-in manager or administrator; None when nobody is signed in. Refuses anyone else.

    A device's bearer token works too (for scripts fetching the exports); a wrong one is refused outright.
    """
    user: User | None
    if request.headers.get("authorization"):
        user = get_caller(request, session).user
        token = None
    else:
        token = request.cookies.get(SESSION_COOKIE)
        user = session_user(session, token) if token else None
        if user is None:
            return None
    if user.role not in WEB_ROLES:
        raise Refused(403, f"{user.email} is an {user.role.upper()}: only managers and administrators can see these pages.")
    return Viewer(user=user, session_token=token)


# --- forms ---------------------------------------------------------------------------------


def csrf_for(session_token: str) -> str:
    """The token a signed-in page's forms carry: derived from the session's, so nothing more is stored."""
    return hmac.new(session_token.encode(), b"liaison-web-form", hashlib.sha256).hexdigest()


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(24)


def check_form(request: Request, expected: str | None, given: str | None) -> None:
    """Refuse a form posted from elsewhere: its token must match, and its Origin (when sent) must be this server."""
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
        raise Refused(403, "This form was sent from another site.")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise Refused(403, "This form has expired; reload the page and try again.")
