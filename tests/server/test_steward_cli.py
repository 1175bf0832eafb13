"""`liaison-server hcp-requests`: the data steward's queue from the command line, against a real SQLite database.

The requests are pushed as a device would (the server's own apply path), so what
the commands decide is what devices would receive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import uuid6
from sqlmodel import Session, select
from typer.testing import CliRunner

from liaison.core.clock import ALL_FIELDS, HybridLogicalClock
from liaison.core.protocol import Change
from liaison.server import admin
from liaison.server.apply import apply_all
from liaison.server.cli import cli
from liaison.server.db import make_engine
from liaison.server.migrate import upgrade
from liaison.server.models import RecordRow, User

runner = CliRunner()
STEWARD = "dora@example.org"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    engine = make_engine(url)
    upgrade(engine)
    admin.create_user(engine, email="ada@example.org", name="Ada", role="msl", territory="north")
    admin.create_user(engine, email="max@example.org", name="Max", role="manager", territory="north")
    engine.dispose()
    assert run(url, "create-user", "--email", STEWARD, "--name", "Dora", "--role", "data_steward") == (0, "created data_steward dora@example.org\n")
    return url


def run(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, [*args, "--database-url", database_url])
    return result.exit_code, result.output


def pushed(database_url: str, fields: dict[str, object]) -> str:
    """An HCP Ada's tablet pushed; its id."""
    engine = make_engine(database_url)
    clock = HybridLogicalClock("ada-tablet")
    now = datetime.now(UTC).isoformat()
    record = {"created_at": now, "updated_at": now, "created_by": "ada@example.org", "updated_by": "ada@example.org", "device_id": "ada-tablet"}
    change = Change(
        change_id=str(uuid6.uuid7()),
        table="hcp",
        record_id=str(uuid6.uuid7()),
        fields={**record, "territory": "north", "deleted": False, **fields},
        clocks={ALL_FIELDS: clock.tick().encode()},
        device_id="ada-tablet",
    )
    with Session(engine) as session, session.begin():
        apply_all(session, session.exec(select(User).where(User.email == "ada@example.org")).one(), [change])
    engine.dispose()
    return change.record_id


def stored(database_url: str, hcp_id: str) -> dict[str, object]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        row = session.get(RecordRow, ("hcp", hcp_id))
        assert row is not None
        fields = dict(row.fields)
    engine.dispose()
    return fields


def test_the_queue_lists_each_request_with_its_likely_duplicates_and_approve_takes_it_off(database_url: str) -> None:
    existing = pushed(database_url, {"name": "Dr Marie Curie", "institution": "Institut Curie", "npi": "1234567890"})
    request = pushed(database_url, {"name": "Prof. Marie Curie", "institution": "institut curie", "master_status": "requested"})
    code, output = run(database_url, "hcp-requests", "list", "--steward", STEWARD)
    assert code == 0
    first, duplicate = output.splitlines()
    assert first.startswith(f"{request}  Prof. Marie Curie  (institut curie)  by ada@example.org  requested")
    assert duplicate.strip() == f"likely duplicate {existing}  Dr Marie Curie  (Institut Curie)  same name and institution"

    assert run(database_url, "hcp-requests", "approve", request, "--steward", STEWARD) == (0, f"approved {request}\n")
    assert stored(database_url, request)["master_status"] == "approved"
    assert run(database_url, "hcp-requests", "list", "--steward", STEWARD) == (0, "no HCP requests awaiting a decision\n")


def test_reject_keeps_the_request_with_its_reason_and_merge_tombstones_it(database_url: str) -> None:
    existing = pushed(database_url, {"name": "Dr Louis Pasteur", "city": "Lille"})
    request = pushed(database_url, {"name": "Dr L. Pasteur", "master_status": "requested"})
    assert run(database_url, "hcp-requests", "reject", request, "--steward", STEWARD, "--reason", "Duplicate of Dr Louis Pasteur")[0] == 0
    assert (stored(database_url, request)["master_status"], stored(database_url, request)["steward_note"]) == (
        "rejected",
        "Duplicate of Dr Louis Pasteur",
    )
    code, output = run(database_url, "hcp-requests", "list", "--steward", STEWARD, "--rejected")
    assert code == 0 and "rejected: Duplicate of Dr Louis Pasteur" in output

    assert run(database_url, "hcp-requests", "merge", request, "--into", existing, "--steward", STEWARD) == (
        0,
        f"merged {request} into {existing}; 0 records re-pointed\n",
    )
    merged = stored(database_url, request)
    assert (merged["master_status"], merged["merged_into"], merged["deleted"]) == ("merged", existing, True)


@pytest.mark.parametrize("who", ["ada@example.org", "max@example.org"])
def test_an_msl_or_a_manager_cannot_decide(database_url: str, who: str) -> None:
    request = pushed(database_url, {"name": "Dr Waiting", "master_status": "requested"})
    for args in (("list",), ("approve", request), ("reject", request, "--reason", "no"), ("merge", request, "--into", request)):
        code, output = run(database_url, "hcp-requests", *args, "--steward", who)
        assert code == 1 and output.startswith("error: steward: ") and "only a data steward or an administrator decides" in output
    assert stored(database_url, request)["master_status"] == "requested"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("approve", "01900000-0000-7000-8000-000000000000"), "id: no HCP 01900000-0000-7000-8000-000000000000 on the server"),
        (("reject", "{request}", "--reason", "  "), "reason: say why the request is rejected"),
        (("merge", "{request}", "--into", "{request}"), "into: a request cannot be merged into itself"),
        (("merge", "{request}", "--into", "01900000-0000-7000-8000-000000000000"), "into: no HCP 01900000-0000-7000-8000-000000000000"),
        (("approve", "{approved}"), "is approved, not a request awaiting a decision"),
    ],
)
def test_mistakes_get_one_line_naming_the_field_and_change_nothing(database_url: str, args: tuple[str, ...], message: str) -> None:
    request = pushed(database_url, {"name": "Dr Waiting", "master_status": "requested"})
    approved = pushed(database_url, {"name": "Dr Known"})
    code, output = run(database_url, "hcp-requests", *(arg.format(request=request, approved=approved) for arg in args), "--steward", STEWARD)
    assert code == 1 and output.startswith("error: ") and message in output and output.count("\n") == 1
    assert stored(database_url, request)["master_status"] == "requested"
