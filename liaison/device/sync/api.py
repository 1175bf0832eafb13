"""A small httpx client for the sync protocol: timeouts on every call, TLS always verified."""

from __future__ import annotations

import gzip
import ssl
from functools import cache
from typing import Any

import httpx
import pydantic

from liaison.core.protocol import (
    COMPRESS_OVER_BYTES,
    DEVICE_REVOKED,
    AnchorLinksPage,
    AnchorRequest,
    AnchorState,
    EnrollRequest,
    EnrollResponse,
    ErrorResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from liaison.device.sync.errors import (
    ChangesRefused,
    DeviceRevoked,
    NotOffered,
    Offline,
    SyncError,
    TokenRefused,
    Untrusted,
)

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
PROBE_TIMEOUT = httpx.Timeout(3.0)


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_server_url(server_url: str) -> str:
    """Refuse anything but https, except on loopback (the embedded demo server and tests)."""
    url = httpx.URL(server_url.strip())
    if url.scheme == "https" and url.host:
        return str(url)
    if url.scheme == "http" and url.host in LOOPBACK_HOSTS:
        return str(url)
    raise SyncError(f"server: {server_url!r} must be an https:// address (plain http is allowed on this machine only)")


@cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context per process: building one loads the CA bundle, which costs
    more than a whole no-op sync round, and the app probes and syncs many times a day."""
    return httpx.create_ssl_context(verify=True)


class SyncApi:
    def __init__(self, server_url: str, token: str | None = None, *, transport: httpx.BaseTransport | None = None) -> None:
        server_url = check_server_url(server_url)
        headers = {"Accept-Encoding": "gzip", "User-Agent": "liaison-app"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(base_url=server_url.rstrip("/"), headers=headers, timeout=TIMEOUT, verify=_tls(), transport=transport)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SyncApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def probe(self) -> Offline | None:
        """The cheap connectivity probe: None when the server answers, otherwise why it cannot be used now."""
        try:
            response = self._client.get("/v1/health", timeout=PROBE_TIMEOUT)
        except httpx.TransportError as exc:
            return _transport_failure(exc)
        if response.status_code != 200:
            return Offline(f"the server is not ready (HTTP {response.status_code}); will retry")
        return None

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        return EnrollResponse.model_validate(self._call("POST", "/v1/enroll", json=request.model_dump()))

    def push(self, request: PushRequest) -> PushResponse:
        return self._send_changes("/v1/push", request)

    def deliver_safety(self, request: PushRequest) -> PushResponse:
        """A revoked device's last call: hand over its adverse events and inquiries (`accepted` lists those kept)."""
        return self._send_changes("/v1/revoked/deliver", request)

    def _send_changes(self, path: str, request: PushRequest) -> PushResponse:
        body = request.model_dump_json().encode()
        headers = {"Content-Type": "application/json"}
        if len(body) > COMPRESS_OVER_BYTES:
            body, headers["Content-Encoding"] = gzip.compress(body, compresslevel=6), "gzip"
        return PushResponse.model_validate(self._call("POST", path, content=body, headers=headers))

    def pull(self, cursor: str, limit: int, *, count: bool = False) -> PullResponse:
        """Parsed and validated in one pass from the raw bytes: pages are the bulk of what a device receives.

        `count` asks the server to say how many changes remain (`PullResponse.remaining`).
        """
        params: dict[str, str | int] = {"cursor": cursor, "limit": limit}
        if count:
            params["count"] = "true"
        body = self._send("GET", "/v1/pull", params=params).content
        try:
            return PullResponse.model_validate_json(body)
        except pydantic.ValidationError as exc:
            raise SyncError(f"the server sent a page this app cannot read: {exc.errors()[0]['msg']}") from None

    def retire(self) -> None:
        self._call("POST", "/v1/retire")

    def anchor(self, request: AnchorRequest) -> AnchorState:
        """Send audit links to be anchored; raises NotOffered on a server that keeps no anchors."""
        body = request.model_dump_json().encode()
        headers = {"Content-Type": "application/json"}
        if len(body) > COMPRESS_OVER_BYTES:
            body, headers["Content-Encoding"] = gzip.compress(body, compresslevel=6), "gzip"
        return AnchorState.model_validate(self._call("POST", "/v1/audit/anchor", content=body, headers=headers))

    def anchor_state(self) -> AnchorState:
        return AnchorState.model_validate(self._call("GET", "/v1/audit/anchor"))

    def anchored_links(self, after: int, limit: int) -> AnchorLinksPage:
        return AnchorLinksPage.model_validate(self._call("GET", "/v1/audit/links", params={"after": after, "limit": limit}))

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError:
            raise SyncError("the server sent an answer that is not JSON") from None

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a network failure or a refusal becomes a SyncError in plain words."""
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise _transport_failure(exc) from None
        if not response.is_success:
            raise _refusal(response)
        return response


def _transport_failure(exc: httpx.TransportError) -> Offline:
    """A request that got no answer, in words: the network, the server, or a certificate this device does not trust."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Untrusted("the server's certificate is not trusted by this device (on a guest Wi-Fi, sign in to the network first)")
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return Offline("server unreachable: no network or the server is down")
    if isinstance(exc, httpx.TimeoutException):
        return Offline("the server did not answer in time")
    return Offline(f"the connection to the server failed ({exc.__class__.__name__})")


def _refusal(response: httpx.Response) -> SyncError:
    try:
        error = ErrorResponse.model_validate_json(response.content).error
        code, message = error.code, error.message
    except (pydantic.ValidationError, ValueError):
        code, message = "http_error", f"HTTP {response.status_code}"
    if response.status_code == 404 and code == "http_error":
        return NotOffered(f"the server does not offer {response.request.url.path}")
    if code == DEVICE_REVOKED:
        return DeviceRevoked("this device was revoked by your administrator")
    if response.status_code == 401:
        if code == "invalid_code":
            return TokenRefused(f"enrolment refused: {message}")
        return TokenRefused("server refused the device token")
    if response.status_code in (403, 413, 422, 400, 409):
        return ChangesRefused(f"server refused the request: {message}")
    if response.status_code >= 500:
        return Offline(f"the server had a problem (HTTP {response.status_code}); will retry")
    return SyncError(f"server answered HTTP {response.status_code}: {message}")
