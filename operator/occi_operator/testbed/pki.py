"""The testbed's certificates, made with the ``openssl`` command line.

The API server authenticates clients by certificate only (static tokens do not work: its
delegated authenticator only does TokenReview), so the testbed needs a CA, a serving
certificate for ``127.0.0.1``/``localhost`` and a client certificate in the
``system:masters`` group, which the server's authorizer lets do anything. The venv has no
``cryptography`` package; ``openssl`` is on every machine the tests run on.
This module imports no operator code.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from occi_operator.testbed.errors import TestbedStartError

__all__ = ["Pki", "make_pki"]

_DAYS = "30"


@dataclass(frozen=True)
class Pki:
    """Paths of the PEM files :func:`make_pki` wrote."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_pki(directory: Path) -> Pki:
    """Write a CA, a serving and a ``system:masters`` client certificate into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    pki = Pki(
        ca_cert=directory / "ca.crt",
        server_cert=directory / "server.crt",
        server_key=directory / "server.key",
        client_cert=directory / "client.crt",
        client_key=directory / "client.key",
    )
    ca_key = directory / "ca.key"
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", _DAYS,
        "-keyout", str(ca_key), "-out", str(pki.ca_cert), "-subj", "/CN=occi-operator-testbed-ca",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    server_ext = directory / "server.ext"
    server_ext.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "extendedKeyUsage=serverAuth\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
    )
    _issue(directory, ca_key, pki, "server", "/CN=127.0.0.1", server_ext)
    client_ext = directory / "client.ext"
    client_ext.write_text(
        "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    )
    subject = "/O=system:masters/CN=occi-operator-testbed"
    _issue(directory, ca_key, pki, "client", subject, client_ext)
    return pki


def _issue(directory: Path, ca_key: Path, pki: Pki, name: str, subject: str, ext: Path) -> None:
    key = directory / f"{name}.key"
    request = directory / f"{name}.csr"
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
        "-out", str(request), "-subj", subject,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(request), "-CA", str(pki.ca_cert), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", _DAYS, "-sha256", "-extfile", str(ext),
        "-out", str(directory / f"{name}.crt"),
    )  # fmt: skip


def _openssl(*arguments: str) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            ["openssl", *arguments],  # noqa: S607 - openssl from PATH is the point
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TestbedStartError("pki", f"openssl {arguments[0]}: {error}") from error
    if result.returncode != 0:
        raise TestbedStartError("pki", f"openssl {arguments[0]}: {result.stderr.strip()}")
