"""An in-process central server on loopback: for `liaison --demo` and for tests.

Real uvicorn serving the real app over a real socket, in a daemon thread.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from liaison.server import admin
from liaison.server.app import create_app
from liaison.server.settings import ServerSettings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class EmbeddedServer:
    def __init__(self, database: Path | str, port: int | None = None, *, tls: tuple[Path, Path] | None = None) -> None:
        """`tls` is (certificate file, key file): the server then speaks HTTPS only, as in production."""
        url = database if isinstance(database, str) and "://" in database else f"sqlite:///{Path(database)}"
        self.settings = ServerSettings(database_url=url)
        self.app = create_app(self.settings)
        self.engine = self.app.state.engine
        self.port = port or free_port()
        self.tls = tls
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 15.0) -> EmbeddedServer:
        certificate, key = self.tls or (None, None)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            ssl_certfile=certificate,
            ssl_keyfile=key,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="liaison-embedded-server", daemon=True)
        self._thread.start()
        trust = ssl.create_default_context(cafile=str(certificate)) if certificate else True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1, verify=trust).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"embedded server did not start on {self.url}")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def create_user(self, email: str, name: str, *, role: str = "msl", territory: str | None = None, manager_email: str | None = None) -> str:
        """Create a user and return a one-time enrolment code for their device."""
        admin.create_user(self.engine, email=email, name=name, role=role, territory=territory, manager_email=manager_email)
        return admin.enroll_code(self.engine, email=email)

    def publish_content(self, items: list[dict[str, object]], admin_email: str = "library.admin@example.org") -> list[str]:
        """Publish approved content as the company's medical-information admin would."""
        from sqlmodel import Session, select

        from liaison.server.models import User

        with Session(self.engine) as session:
            exists = session.exec(select(User).where(User.email == admin_email)).first() is not None
        if not exists:
            admin.create_user(self.engine, email=admin_email, name="Content library", role="admin")
        return admin.publish_content(self.engine, admin_email=admin_email, items=items)

    def publish_plan(self, document: dict[str, object], admin_email: str = "medical.affairs@example.org") -> str:
        """Publish a medical plan version as medical affairs would; returns its record id."""
        from sqlmodel import Session, select

        from liaison.server import medical_plan
        from liaison.server.models import User

        with Session(self.engine) as session:
            exists = session.exec(select(User).where(User.email == admin_email)).first() is not None
        if not exists:
            admin.create_user(self.engine, email=admin_email, name="Medical affairs", role="admin")
        return medical_plan.publish(self.engine, admin_email=admin_email, document=document)[0]

    def enroll_code(self, email: str) -> str:
        return admin.enroll_code(self.engine, email=email)

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
