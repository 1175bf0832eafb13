"""`liaison-server`: the administrator's commands, against a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from liaison.server.cli import cli
from liaison.server.embedded import EmbeddedServer

runner = CliRunner()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.db'}"


def run(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, [*args, "--database-url", database_url])
    return result.exit_code, result.output


def test_create_a_user_print_a_code_that_enrols_a_device_then_list_and_revoke_it(database_url: str) -> None:
    assert run(database_url, "create-user", "--email", "Ada@Example.org", "--name", "Ada", "--role", "msl", "--territory", "north") == (
        0,
        "created msl ada@example.org\n",
    )
    code, output = run(database_url, "enroll-code", "--email", "ada@example.org")
    assert code == 0
    enrolment = output.strip()
    with EmbeddedServer(database_url) as server:
        answer = httpx.post(f"{server.url}/v1/enroll", json={"code": enrolment.lower(), "device_id": "tablet-1", "device_name": "iPad"})
        assert answer.status_code == 200
    code, output = run(database_url, "list-devices")
    assert code == 0 and "tablet-1" in output and "ada@example.org" in output
    assert run(database_url, "revoke-device", "tablet-1") == (0, "revoked tablet-1 (iPad)\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create-user", "--email", "nobody", "--name", "N", "--role", "msl"), "email: 'nobody' is not an e-mail address"),
        (("create-user", "--email", "a@b.org", "--name", "N", "--role", "boss"), "role: must be one of msl, manager, admin"),
        (("enroll-code", "--email", "ghost@example.org"), "email: no user ghost@example.org"),
        (("revoke-device", "no-such-device"), "device: no device no-such-device"),
        (("serve", "--workers", "2"), "--workers: an SQLite database is served by one process"),
    ],
)
def test_mistakes_get_one_line_naming_the_field_and_a_failing_exit(database_url: str, args: tuple[str, ...], message: str) -> None:
    code, output = run(database_url, *args)
    assert code == 1
    assert output.startswith("error: ") and message in output and output.count("\n") == 1
