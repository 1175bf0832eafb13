"""`liaison-server serve` as IT runs it: behind a TLS proxy on another host, and with the docs only when asked for.

The proxy "on another host" is a client on 127.0.0.2: Linux answers the whole
loopback range, and the server trusts only 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from liaison.server.embedded import EmbeddedServer
from liaison.server.process import served
from liaison.server.web import auth

PROXY = "127.0.0.2"
BEHIND_TLS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def from_proxy(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address=PROXY))


def sign_in_cookie(response: httpx.Response) -> str:
    return next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{auth.SIGN_IN_COOKIE}=")).lower()


def test_a_tls_proxy_on_another_host_is_believed_only_when_named(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'server.db'}"
    with served(database, tmp_path / "default.log") as url:
        ignored = from_proxy(url).get("/manager/login", headers=BEHIND_TLS)
        assert ignored.status_code == 200 and "secure" not in sign_in_cookie(ignored), "an unnamed proxy's word is not taken"
    with served(database, tmp_path / "proxied.log", options=["--forwarded-allow-ips", PROXY]) as url:
        believed = from_proxy(url).get("/manager/login", headers=BEHIND_TLS)
        cookie = sign_in_cookie(believed)
        assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie


def test_docs_are_served_only_with_docs_and_the_default_pages_name_no_other_host(tmp_path: Path, sqlite_server: EmbeddedServer) -> None:
    login = httpx.get(f"{sqlite_server.url}/manager/login")
    assert not re.search(r"(src|href|action)=\"(https?:)?//", login.text) and "cdn" not in login.text.lower()
    assert httpx.get(f"{sqlite_server.url}/docs").status_code == 404
    with served(f"sqlite:///{tmp_path / 'server.db'}", tmp_path / "docs.log", options=["--docs"]) as url:
        assert httpx.get(f"{url}/docs").status_code == 200
        assert "/v1/push" in httpx.get(f"{url}/openapi.json").json()["paths"]
