"""Who may read and write what: the one place the server's access rules live.

- An MSL writes their own records, HCPs of their territory and nothing else;
  they read their territory's HCP directory, the content library and their own records.
- A manager reads their team's insights, interactions and compliance overrides (read-only) besides their own.
- Only an admin writes the content library and the insight taxonomy. Nobody reads another territory's records.
- An MSL may erase an HCP of their territory, and an administrator any HCP (an
  `hcp_erasure` receipt); every device receives every receipt, since any of them
  may hold records naming the HCP.
- An HCP an MSL requests on a device (`master_status` requested, rejected or merged) is shared with its requester
  alone until the data steward approves it (`RecordKind.private_while`); only the data steward or an
  administrator sets the master-data fields after a first write (`RecordKind.stewarded`).
- Evidence stands as first written (`liaison.core.merge.WRITE_ONCE_TABLES`): nobody, its
  author included, edits or deletes a compliance override or an erasure receipt.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from liaison.core.enums import MasterStatus
from liaison.core.merge import WRITE_ONCE_TABLES
from liaison.core.protocol import Change
from liaison.core.records.kinds import Sharing, kind_for, tables
from liaison.server.errors import ApiError
from liaison.server.models import ChangeLog, StoredRecord, User

SHARED_BY_TERRITORY = tables(sharing=Sharing.TERRITORY)
LIBRARY = tables(sharing=Sharing.PUBLISHED)
"""Published by an administrator, read by everyone."""
TEAM_READABLE = tables(team_readable=True)
ERASURES = tables(sharing=Sharing.EVERYONE)
ERASERS = frozenset({"msl", "admin"})
"""Who may erase an HCP: the MSLs of the HCP's territory, and administrators."""
STEWARDS = frozenset({"data_steward", "admin"})
"""Who decides on a requested HCP: approve, reject or merge it."""
FIRST_STATUSES = frozenset({MasterStatus.REQUESTED.value, MasterStatus.APPROVED.value})
"""What a device may write as a new HCP's master status: a request (added by hand) or approved (a territory's CSV import)."""


def check_write_once(change: Change, existing: StoredRecord | None) -> None:
    """Refuse any change to a write-once record the server already holds (a re-sent change is skipped before this)."""
    if existing is None or change.table not in WRITE_ONCE_TABLES:
        return
    kind = kind_for(change.table).label
    field = "deleted" if "deleted" in change.fields else min(change.fields, default=None)
    raise ApiError(
        409,
        "write_once",
        f"change {change.change_id}: {kind} {change.record_id} is kept as first written; it cannot be edited or deleted",
        field,
    )


def check_write(user: User, table: str, record_id: str, existing: StoredRecord | None, territory: str | None) -> None:
    """Refuse a change the user may not make, naming the record."""
    label = f"{table} {record_id}"
    if table in ERASURES:
        return  # checked against the HCP by check_erasure
    if table in LIBRARY:
        if user.role != "admin":
            raise ApiError(403, "forbidden", f"{label}: only an administrator can change what is published to everyone")
        return
    if table in SHARED_BY_TERRITORY:
        if existing is not None and not kind_for(table).shared_with_territory(existing.fields) and existing.owner_user_id != user.id:
            raise ApiError(403, "forbidden", f"{label}: a requested HCP stays with the MSL who requested it until the data steward approves it")
        current = existing.territory if existing else territory
        if current is not None and current != user.territory:
            raise ApiError(403, "forbidden", f"{label}: belongs to territory {current!r}, not yours", "territory")
        if territory is not None and territory != user.territory:
            raise ApiError(403, "forbidden", f"{label}: cannot move an HCP to territory {territory!r}", "territory")
        return
    if existing is not None and existing.owner_user_id != user.id:
        raise ApiError(403, "forbidden", f"{label}: belongs to another user")


def check_stewarded(user: User, change: Change, existing: StoredRecord | None) -> None:
    """Refuse a device's change to master-data fields: a new HCP is requested (or imported approved), and only
    the data steward or an administrator moves it on from there."""
    stewarded = kind_for(change.table).stewarded
    if not stewarded or user.role in STEWARDS:
        return
    label = f"{change.table} {change.record_id}"
    for name in sorted(stewarded & set(change.fields)):
        value = change.fields[name]
        if existing is None:
            allowed = value in FIRST_STATUSES if name == "master_status" else value is None
        else:
            allowed = existing.fields.get(name) == value
        if not allowed:
            raise ApiError(403, "forbidden", f"{label}: only the data steward sets {name}", name)


def log_territory(table: str, fields: dict[str, object], territory: str | None) -> str | None:
    """The territory a change-log row is shared with: none while the record stays with its author (a requested HCP)."""
    if table in SHARED_BY_TERRITORY and not kind_for(table).shared_with_territory(fields):
        return None
    return territory


def check_erasure(user: User, record_id: str, hcp_id: str | None, hcp: StoredRecord | None) -> None:
    """Only an MSL of the HCP's territory, or an administrator, erases them; an HCP the server never received cannot be erased."""
    label = f"hcp_erasure {record_id}"
    if user.role not in ERASERS:
        raise ApiError(403, "forbidden", f"{label}: only an MSL of the HCP's territory or an administrator can erase an HCP", "hcp_id")
    if not hcp_id:
        raise ApiError(422, "invalid", f"{label}: hcp_id is required", "hcp_id")
    if hcp is None:
        raise ApiError(404, "not_found", f"{label}: no HCP {hcp_id} on the server", "hcp_id")
    if user.role != "admin" and hcp.territory != user.territory:
        raise ApiError(403, "forbidden", f"{label}: HCP {hcp_id} belongs to territory {hcp.territory!r}, not yours", "hcp_id")


def record_territory(user: User, table: str, fields_territory: str | None, existing: StoredRecord | None) -> str | None:
    if existing is not None:
        return existing.territory
    if table in LIBRARY:
        return None
    return fields_territory if table in SHARED_BY_TERRITORY and fields_territory else user.territory


def team_ids(session: Session, user: User) -> list[int]:
    if user.role != "manager":
        return []
    return list(session.exec(select(User.id).where(User.manager_id == user.id)).all())  # type: ignore[arg-type]


def report_owners(session: Session, viewer: User) -> list[int]:
    """Whose records a manager's report covers: their team; an administrator's, the whole field force."""
    if viewer.role == "admin":
        return [user_id for user_id in session.exec(select(User.id).where(User.role != "admin")).all() if user_id is not None]
    return team_ids(session, viewer)


def visible(session: Session, user: User) -> ColumnElement[bool]:
    """The change-log rows this user may pull."""
    return or_(*visible_branches(session, user))


def visible_branches(session: Session, user: User) -> list[ColumnElement[bool]]:
    """The same rule as `visible`, as separate conditions that each match one index of the change log."""
    branches = [col(ChangeLog.table_name).in_(LIBRARY | ERASURES), col(ChangeLog.owner_user_id) == user.id]
    if user.territory is not None:
        branches.append(and_(col(ChangeLog.territory) == user.territory, col(ChangeLog.table_name).in_(SHARED_BY_TERRITORY)))
    team = team_ids(session, user)
    if team:
        branches.append(and_(col(ChangeLog.owner_user_id).in_(team), col(ChangeLog.table_name).in_(TEAM_READABLE)))
    return branches
