"""Nothing a manager types to sign in (e-mail, password) appears in any server log line or traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from liaison.server.embedded import EmbeddedServer
from tests.server.test_manager_web import PASSWORD, boss, browser, sign_in  # noqa: F401  (fixtures)

LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "sync")


@pytest.fixture
def server_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record the server's loggers write, at INFO and above (uvicorn's own loggers do not reach the root)."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(caplog.handler)
        logger.setLevel(logging.INFO)
    yield caplog
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)


def test_a_nul_byte_in_the_e_mail_is_a_plain_refusal_not_a_server_error(
    server: EmbeddedServer, boss: str, browser: httpx.Client, server_logs: pytest.LogCaptureFixture
) -> None:
    refused = sign_in(browser, "boss\x00@example.org", PASSWORD)
    assert refused.status_code == 422 and "E-mail: must be an e-mail address, without control characters." in refused.text
    assert "\x00" not in refused.text
    assert "boss" not in server_logs.text and PASSWORD not in server_logs.text


def test_a_failing_sign_in_logs_its_traceback_without_the_e_mail_or_password(
    server: EmbeddedServer, boss: str, browser: httpx.Client, server_logs: pytest.LogCaptureFixture
) -> None:
    with server.engine.begin() as connection:
        connection.execute(text("ALTER TABLE users RENAME TO users_gone"))  # the user lookup now fails inside the sign-in
    failed = sign_in(browser, boss, PASSWORD)
    assert failed.status_code == 500 and "Traceback" not in failed.text and boss not in failed.text
    assert any(record.exc_info for record in server_logs.records), "the failure is logged with its traceback"
    assert boss not in server_logs.text and PASSWORD not in server_logs.text
