"""`liaison-server serve` in a child process on loopback, as IT runs it: for the benchmark and multi-process tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from liaison.server.embedded import free_port

STARTUP_SECONDS = 60.0


@contextmanager
def served(database_url: str, log: Path, *, workers: int = 1, options: Sequence[str] = ()) -> Iterator[str]:
    """The server's base URL once its health check answers; the process is stopped on the way out.

    It runs this interpreter's `liaison-server` script (the environment Liaison is
    installed in, so the child imports the same code) with any further `options`,
    writing its output to `log`, which a failed start quotes.
    """
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("liaison-server")),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--database-url",
        database_url,
        *options,
    ]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"liaison-server exited at start: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"liaison-server did not answer within {STARTUP_SECONDS:.0f} s: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
