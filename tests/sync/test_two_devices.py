"""Two devices and a real server, driven through the CLI as support would."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from liaison.device.cli import cli
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE

runner = CliRunner()


def liaison(data_dir: Path, *args: str, ok: bool = True) -> str:
    result = runner.invoke(cli, list(args), env={"LIAISON_DATA_DIR": str(data_dir), "LIAISON_PASSPHRASE": PASSPHRASE})
    assert (result.exit_code == 0) == ok, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout.strip() if ok else result.stderr.strip()


@pytest.fixture
def devices(server: EmbeddedServer, tmp_path: Path) -> tuple[Path, Path]:
    code_laptop = server.create_user("ada@example.org", "Ada", territory="north")
    code_tablet = server.enroll_code("ada@example.org")
    laptop, tablet = tmp_path / "laptop", tmp_path / "tablet"
    for data_dir, code in ((laptop, code_laptop), (tablet, code_tablet)):
        liaison(data_dir, "init")
        assert "enrolled" in liaison(data_dir, "enroll", "--server", server.url, "--code", code)
    return laptop, tablet


def test_what_one_device_adds_appears_on_the_other(devices: tuple[Path, Path]) -> None:
    laptop, tablet = devices
    hcp_id = liaison(laptop, "hcp", "add", "--name", "Dr Marie Curie", "--consent")
    interaction_id = liaison(laptop, "interaction", "add", "--hcp", hcp_id, "--notes", "MoA discussion", "--submit")
    liaison(laptop, "sync")
    liaison(tablet, "sync")
    assert hcp_id in liaison(tablet, "hcp", "list", "--search", "curie")
    listed = liaison(tablet, "interaction", "list")
    assert interaction_id in listed and "submitted" in listed


def test_concurrent_edits_converge_and_leave_one_conflict(devices: tuple[Path, Path]) -> None:
    laptop, tablet = devices
    hcp_id = liaison(laptop, "hcp", "add", "--name", "Dr Marie Curie", "--specialty", "Oncology")
    liaison(laptop, "sync")
    liaison(tablet, "sync")
    liaison(laptop, "hcp", "edit", hcp_id, "--specialty", "Cardiology")
    liaison(tablet, "hcp", "edit", hcp_id, "--specialty", "Neurology")
    for data_dir in (laptop, tablet, laptop):
        liaison(data_dir, "sync")
    on_laptop = liaison(laptop, "hcp", "list").split("\t")[2]
    on_tablet = liaison(tablet, "hcp", "list").split("\t")[2]
    assert on_laptop == on_tablet and on_laptop in ("Cardiology", "Neurology")
    conflicts = {device: liaison(device, "conflicts").splitlines() for device in (laptop, tablet)}
    assert all(len(lines) == 1 for lines in conflicts.values())
    [line] = conflicts[laptop]
    assert '"Cardiology"' in line and '"Neurology"' in line

    conflict_id = line.split("\t")[0]
    liaison(laptop, "conflicts", "resolve", conflict_id, "--keep", "mine")
    for data_dir in (laptop, tablet):
        liaison(data_dir, "sync")
    assert liaison(tablet, "hcp", "list").split("\t")[2] == "Cardiology"
    assert liaison(laptop, "conflicts") == ""
    assert liaison(tablet, "conflicts") == "", "the resolution supersedes the conflict on the other device"


def test_a_revoked_device_wipes_its_store_and_says_why(devices: tuple[Path, Path], server: EmbeddedServer) -> None:
    from liaison.server import admin
    from liaison.server.admin import list_devices

    laptop, _ = devices
    liaison(laptop, "hcp", "add", "--name", "Dr Secret")
    [laptop_device, *_] = list_devices(server.engine)
    admin.revoke_device(server.engine, laptop_device.id)
    message = liaison(laptop, "sync", ok=False)
    assert "revoked by your administrator" in message and "wiped" in message
    assert not (laptop / "liaison.db").exists() and not (laptop / "liaison.key").exists()


def test_sync_without_enrolment_or_with_an_unreachable_server_says_so(tmp_path: Path) -> None:
    device = tmp_path / "device"
    liaison(device, "init")
    assert "not enrolled" in liaison(device, "sync", ok=False)
    assert "server unreachable" in liaison(device, "enroll", "--server", "http://127.0.0.1:9", "--code", "X", ok=False)


def test_a_bad_enrolment_code_is_refused_plainly(server: EmbeddedServer, tmp_path: Path) -> None:
    device = tmp_path / "device"
    liaison(device, "init")
    assert "enrolment refused" in liaison(device, "enroll", "--server", server.url, "--code", "WRONG-CODE", ok=False)
