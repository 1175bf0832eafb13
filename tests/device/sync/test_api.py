"""The sync client's wire layer: only encrypted transport off this machine, and nothing waits forever."""

from __future__ import annotations

import pytest

from liaison.device.sync.api import SyncApi, check_server_url
from liaison.device.sync.errors import SyncError


@pytest.mark.parametrize(
    "url", ["https://liaison.example.com", "https://liaison.example.com:8443/base", "http://127.0.0.1:8765", "http://localhost:9"]
)
def test_https_anywhere_and_plain_http_on_loopback_are_accepted(url: str) -> None:
    assert check_server_url(url).startswith(url.split(":")[0])


@pytest.mark.parametrize("url", ["http://liaison.example.com", "http://10.0.0.5:8765", "ftp://liaison.example.com", "liaison.example.com", ""])
def test_anything_else_is_refused_naming_the_server(url: str) -> None:
    with pytest.raises(SyncError, match=r"server: .* must be an https:// address"):
        SyncApi(url)


def test_every_request_has_a_timeout_and_verifies_tls() -> None:
    with SyncApi("https://liaison.example.com") as api:
        client = api._client
        assert client.timeout.connect is not None and client.timeout.read is not None
        assert client._transport._pool._ssl_context.verify_mode.name == "CERT_REQUIRED"  # type: ignore[attr-defined]
