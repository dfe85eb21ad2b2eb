"""TLS: server verification, custom CA bundles, X.509 client certificates and VOMS-style proxies.

The ``cryptography`` package is not installed in the project venv, so the certificates
are made at test time with the ``openssl`` command line (``.ci/run`` installs it if
missing):
a CA, a server certificate for 127.0.0.1, a user certificate, and an RFC 3820 proxy
certificate signed by the user, bundled with its key and the user certificate in one
PEM file as VOMS proxies are.
"""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest
import uvicorn
from client_testing import FakeClock, LiveServer
from fake_occi import FakeOCCI

from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.errors import TLSError, TransportError


def _openssl(directory: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)


_EC = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")  # fast to generate
_SERIALS = {"server": "101", "user": "102", "proxy": "424242"}


def _sign(directory: Path, name: str, subject: str, issuer: str, extensions: str) -> None:
    _openssl(directory, "req", *_EC, "-nodes", "-keyout", f"{name}.key",
             "-out", f"{name}.csr", "-subj", subject)
    (directory / f"{name}.ext").write_text(extensions)
    _openssl(directory, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{issuer}.pem",
             "-CAkey", f"{issuer}.key", "-set_serial", _SERIALS[name],
             "-days", "1", "-out", f"{name}.pem", "-extfile", f"{name}.ext")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    _openssl(directory, "req", "-x509", *_EC, "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-days", "1", "-subj", "/CN=Test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _sign(directory, "server", "/CN=127.0.0.1", "ca",
          "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
          "extendedKeyUsage=serverAuth\n")
    _sign(directory, "user", "/CN=alice", "ca",
          "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
          "extendedKeyUsage=clientAuth\n")
    _sign(directory, "proxy", "/CN=alice/CN=424242", "user",
          "proxyCertInfo=critical,language:id-ppl-inheritAll\n"
          "keyUsage=critical,digitalSignature,keyEncipherment\n")
    bundle = b"".join((directory / name).read_bytes()
                      for name in ("proxy.pem", "proxy.key", "user.pem"))
    (directory / "x509up").write_bytes(bundle)
    return directory


async def _tls_server(live_server: LiveServer, pki: Path, *, client_certs: bool) -> str:
    def allow_proxies(config: uvicorn.Config) -> None:
        assert config.ssl is not None
        config.ssl.verify_flags |= ssl.VERIFY_ALLOW_PROXY_CERTS

    options: dict[str, object] = {"ssl_certfile": str(pki / "server.pem"),
                                  "ssl_keyfile": str(pki / "server.key")}
    if client_certs:
        options |= {"ssl_ca_certs": str(pki / "ca.pem"), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return await live_server(FakeOCCI().app, configure=allow_proxies if client_certs else None,
                             **options)


async def _discover(config: EndpointConfig, clock: FakeClock) -> None:
    async with OCCIClient(config, clock=clock.clock()) as client:
        assert (await client.discover()).kinds


async def test_a_custom_ca_bundle_verifies_the_server(
    live_server: LiveServer, pki: Path, fake_clock: FakeClock
) -> None:
    url = await _tls_server(live_server, pki, client_certs=False)
    await _discover(EndpointConfig(url=url, ca_bundle=pki / "ca.pem", rate=None), fake_clock)


async def test_an_unknown_server_certificate_is_a_tls_error_not_retried(
    live_server: LiveServer, pki: Path, fake_clock: FakeClock
) -> None:
    url = await _tls_server(live_server, pki, client_certs=False)
    with pytest.raises(TLSError, match="CERTIFICATE_VERIFY_FAILED"):
        await _discover(EndpointConfig(url=url, rate=None), fake_clock)
    assert fake_clock.sleeps == []


async def test_verification_can_be_switched_off(
    live_server: LiveServer, pki: Path, fake_clock: FakeClock
) -> None:
    url = await _tls_server(live_server, pki, client_certs=False)
    await _discover(EndpointConfig(url=url, verify=False, rate=None), fake_clock)


@pytest.mark.parametrize(
    ("cert", "key"),
    [
        pytest.param("user.pem", "user.key", id="certificate-and-key-files"),
        pytest.param("x509up", None, id="voms-style-proxy-one-file-with-chain"),
    ],
)
async def test_client_certificates_are_presented(
    live_server: LiveServer, pki: Path, fake_clock: FakeClock, cert: str, key: str | None
) -> None:
    url = await _tls_server(live_server, pki, client_certs=True)
    config = EndpointConfig(url=url, ca_bundle=pki / "ca.pem", client_cert=pki / cert,
                            client_key=pki / key if key else None, rate=None)
    await _discover(config, fake_clock)


async def test_without_a_client_certificate_the_server_refuses(
    live_server: LiveServer, pki: Path, fake_clock: FakeClock
) -> None:
    url = await _tls_server(live_server, pki, client_certs=True)
    config = EndpointConfig(url=url, ca_bundle=pki / "ca.pem", rate=None,
                            retry={"max_attempts": 1})
    with pytest.raises(TransportError):
        await _discover(config, fake_clock)


def test_an_unreadable_client_certificate_is_a_tls_error(pki: Path) -> None:
    config = EndpointConfig(url="https://occi.test/", client_cert=pki / "missing.pem")
    with pytest.raises(TLSError, match=r"missing\.pem"):
        OCCIClient(config)
