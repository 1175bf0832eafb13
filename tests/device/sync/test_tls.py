"""Sync over real TLS on loopback: a certificate this device does not trust is refused, and said so plainly."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from liaison.core.records.models import Hcp
from liaison.device.store.store import Store
from liaison.device.sync import api
from liaison.device.sync.api import SyncApi
from liaison.device.sync.engine import SyncEngine
from liaison.device.sync.errors import Untrusted
from liaison.device.sync.service import SyncService
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key, as a company's private CA would be to this device."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "liaison test server")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_file, key_file = directory / "server.pem", directory / "server.key"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return certificate_file, key_file


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path / "server.db", tls=self_signed(tmp_path)) as running:
        yield running


@pytest.fixture
def fresh_trust() -> Iterator[None]:
    """The TLS context is built once per process; these tests change what it trusts."""
    api._tls.cache_clear()
    yield
    api._tls.cache_clear()


@pytest.mark.usefixtures("fresh_trust")
def test_a_server_whose_certificate_this_device_does_not_trust_is_refused_in_plain_words(tls_server: EmbeddedServer, store: Store) -> None:
    code = tls_server.create_user("ada@example.org", "Ada", territory="north")
    with SyncApi(tls_server.url) as client:
        assert isinstance(client.probe(), Untrusted)
    with pytest.raises(Untrusted, match=r"^the server's certificate is not trusted by this device \(on a guest Wi-Fi, sign in"):
        SyncEngine(store).enroll(tls_server.url, code, "laptop")
    assert SyncEngine(store).state() is None, "nothing enrolled"


@pytest.mark.usefixtures("fresh_trust")
def test_the_background_service_says_why_it_stays_offline(tls_server: EmbeddedServer, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tls_server.tls is not None
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.tls[0]))
    SyncEngine(store).enroll(tls_server.url, tls_server.create_user("ada@example.org", "Ada", territory="north"), "laptop")
    monkeypatch.delenv("SSL_CERT_FILE")
    api._tls.cache_clear()  # the device no longer trusts the server's certificate (a guest Wi-Fi in between)
    service = SyncService(store)
    service.round()
    assert service.status.online is False
    assert service.status.error is not None and service.status.error.startswith("the server's certificate is not trusted")


@pytest.mark.usefixtures("fresh_trust")
def test_a_device_that_trusts_the_company_certificate_syncs_over_tls(
    tls_server: EmbeddedServer, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tls_server.tls is not None
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.tls[0]))  # how IT points devices at a private CA
    SyncEngine(store).enroll(tls_server.url, tls_server.create_user("ada@example.org", "Ada", territory="north"), "laptop")
    hcp = store.repository.create(Hcp, {"name": "Dr Over TLS"})
    assert SyncEngine(store).run_once().pushed == 1
    tablet = Store.init(tmp_path / "tablet", PASSPHRASE, user="ada@example.org")
    try:
        SyncEngine(tablet).enroll(tls_server.url, tls_server.enroll_code("ada@example.org"), "tablet")
        SyncEngine(tablet).run_once()
        assert tablet.repository.get(Hcp, hcp.id).name == "Dr Over TLS"
    finally:
        tablet.close()
