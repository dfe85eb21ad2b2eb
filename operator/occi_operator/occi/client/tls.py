"""The TLS side of an endpoint: server verification and X.509 client certificates.

Verification is on by default, against the system's certifi bundle or a custom CA
bundle. A client certificate may come as separate certificate and key files or as one
PEM file holding certificate, key and chain — the form of a VOMS proxy (RFC 3820
proxy certificate followed by the user certificate that signed it). OpenSSL reads
the first certificate of the file as the leaf and sends the rest as its chain.
"""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import certifi
from pydantic import SecretStr

from occi_operator.occi.errors import TLSError

__all__ = ["build_ssl_context"]

logger = logging.getLogger(__name__)


def build_ssl_context(
    *,
    verify: bool = True,
    ca_bundle: Path | None = None,
    client_cert: Path | None = None,
    client_key: Path | None = None,
    key_password: SecretStr | None = None,
) -> ssl.SSLContext:
    """An SSL context for one endpoint.

    Raises :class:`~..errors.TLSError` when a file cannot be read or a key does not
    match its certificate; the message names the file, never the password.
    """
    try:
        context = ssl.create_default_context(cafile=str(ca_bundle or certifi.where()))
    except (OSError, ssl.SSLError) as exc:
        raise TLSError(f"cannot load CA bundle {ca_bundle}: {type(exc).__name__}") from exc
    if not verify:
        logger.warning("TLS verification is disabled for this endpoint")
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if client_cert is not None:
        password = key_password.get_secret_value() if key_password else None
        try:
            context.load_cert_chain(
                str(client_cert), str(client_key) if client_key else None, password
            )
        except (OSError, ssl.SSLError) as exc:
            raise TLSError(
                f"cannot load client certificate {client_cert}"
                + (f" with key {client_key}" if client_key else "")
                + f": {getattr(exc, 'reason', None) or type(exc).__name__}"
            ) from exc
    return context
