"""A writer killed with SIGKILL mid-stream loses nothing it reported as committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from liaison.core.records.models import Interaction
from liaison.device.store import audit
from liaison.device.store.models import OutboxEntry
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.slow
@pytest.mark.parametrize("committed_before_kill", [1, 40, 150])
def test_sigkill_mid_stream_keeps_every_committed_write(data_dir: Path, committed_before_kill: int) -> None:
    Store.init(data_dir, PASSPHRASE).close()
    writer = subprocess.Popen(
        [sys.executable, str(FIXTURES / "crash_writer.py"), str(data_dir), PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
        cwd=FIXTURES.parent.parent,
        env={**os.environ, "PYTHONPATH": str(FIXTURES.parent.parent)},
    )
    assert writer.stdout is not None
    reported: list[str] = []
    try:
        for line in writer.stdout:
            kind, record_id = line.split()
            if kind == "committed":
                reported.append(record_id)
            if len(reported) >= committed_before_kill:
                break
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert len(reported) == committed_before_kill

    with Store.open(data_dir, PASSPHRASE) as store, store.repository.session() as session:
        assert session.exec(text("PRAGMA integrity_check")).one()[0] == "ok"  # type: ignore[call-overload]
        present = set(session.exec(select(Interaction.id)).all())
        missing = [record_id for record_id in reported if record_id not in present]
        assert not missing, f"{len(missing)} committed writes lost"
        outboxed = set(session.exec(select(OutboxEntry.record_id)).all())
        assert present <= outboxed, "every write kept must also still be waiting to sync"
        assert audit.verify(session).intact
