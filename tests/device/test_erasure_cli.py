"""`liaison hcp erase`: says what will happen, asks, erases, and refuses plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from liaison.device.cli import cli
from tests.device.test_cli import Liaison, one_line_error

runner = CliRunner()


@pytest.fixture
def liaison(data_dir: Path) -> Liaison:
    tool = Liaison(data_dir)
    tool("init")
    return tool


@pytest.fixture
def curie(liaison: Liaison) -> str:
    hcp_id = liaison("hcp", "add", "--name", "Dr Marie Curie", "--email", "marie@example.org", "--consent").stdout.strip()
    liaison("interaction", "add", "--hcp", hcp_id, "--notes", "MoA discussion", "--submit")
    return hcp_id


def test_erase_says_what_will_happen_asks_and_erases(liaison: Liaison, curie: str) -> None:
    result = runner.invoke(cli, ["hcp", "erase", curie, "--reason", "request by e-mail"], env=liaison.env, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert "Erasing the personal data of Dr Marie Curie" in result.stderr
    assert "1 interaction kept as activity records, without notes or follow-ups." in result.stderr
    assert "Erase now?" in result.stderr
    assert f"erased {curie}: now Erased HCP " in result.stdout
    assert liaison("hcp", "list").stdout == ""
    assert "audit chain intact" in liaison("verify-audit").stdout


def test_declining_erases_nothing(liaison: Liaison, curie: str) -> None:
    before = liaison.counts()
    result = runner.invoke(cli, ["hcp", "erase", curie, "--reason", "request by e-mail"], env=liaison.env, input="n\n")
    assert result.exit_code == 1 and "nothing was erased" in result.stderr
    assert liaison.counts() == before and "Dr Marie Curie" in liaison("hcp", "list").stdout


def test_yes_skips_the_question_and_the_request_date_is_kept(liaison: Liaison, curie: str) -> None:
    result = liaison("hcp", "erase", curie, "--reason", "letter", "--requested-at", "2026-11-20T09:00:00+00:00", "--yes")
    assert "Erase now?" not in result.stderr
    exported = liaison("export").stdout
    assert '"table": "hcp_erasure"' in exported and '"requested_at": "2026-11-20T09:00:00+00:00"' in exported
    assert "Marie" not in exported and "marie@example.org" not in exported


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["nobody", "--reason", "x"], "HCP nobody not found"),
        (["{hcp}", "--reason", "Dr Marie Curie wrote in"], "reason: must not contain the HCP's name"),
    ],
)
def test_refusals_are_one_line_and_erase_nothing(liaison: Liaison, curie: str, args: list[str], named: str) -> None:
    before = liaison.counts()
    result = liaison("hcp", "erase", *[arg.format(hcp=curie) for arg in args], "--yes", ok=False)
    assert named in one_line_error(result)
    assert liaison.counts() == before
