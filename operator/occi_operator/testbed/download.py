"""Download the packages apt chose, in parallel, checking size and SHA-256.

``apt-get --print-uris install`` prints one line per package::

    'http://deb.debian.org/debian/pool/main/e/etcd/etcd-server_3.5.30-1_amd64.deb' \\
        etcd-server_3.5.30-1_amd64.deb 8123456 MD5Sum:ab…

The checksum is whichever apt chose to print (this apt prints ``MD5Sum``; others print
``SHA256``); both come from the signed ``InRelease``/``Packages`` chain apt verified.
:func:`parse_print_uris` reads those lines; :func:`download_all` fetches them with a
thread pool and refuses any file whose size or digest differs. This module imports no
operator code.
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from occi_operator.testbed.errors import TestbedBuildError

__all__ = ["Download", "download_all", "parse_print_uris"]

_LINE = re.compile(r"^'(?P<url>[^']+)' (?P<file>\S+) (?P<size>\d+) (?P<hash>\S+)$")
_STEP = "download packages"
_WORKERS = 8
_TIMEOUT = 120.0
_CHUNK = 1 << 20
_ATTEMPTS = 5
#: apt's checksum names → hashlib's.
_ALGORITHMS = {"SHA512": "sha512", "SHA256": "sha256", "SHA1": "sha1", "MD5SUM": "md5"}


@dataclass(frozen=True)
class Download:
    """One package file to fetch and the checksum apt expects."""

    url: str
    filename: str
    size: int
    algorithm: str
    digest: str

    @property
    def package(self) -> str:
        """The package name (``name_version_arch.deb``)."""
        return unquote(self.filename).split("_")[0]

    @property
    def version(self) -> str:
        """The package version, with the epoch apt encodes as ``%3a``."""
        parts = unquote(self.filename).split("_")
        return parts[1] if len(parts) > 1 else ""


def parse_print_uris(listing: str) -> list[Download]:
    """The downloads in apt's ``--print-uris`` output; unknown checksum kinds are refused."""
    found: list[Download] = []
    for number, line in enumerate(listing.splitlines(), start=1):
        match = _LINE.match(line.strip())
        if match is None:
            continue
        kind, _, digest = match["hash"].partition(":")
        algorithm = _ALGORITHMS.get(kind.upper())
        if algorithm is None or not digest:
            raise TestbedBuildError(
                "apt-get --print-uris",
                f"line {number}: expected a {'/'.join(_ALGORITHMS)} checksum, got {line!r}",
            )
        size = int(match["size"])
        found.append(Download(match["url"], match["file"], size, algorithm, digest.lower()))
    return found


def download_all(downloads: list[Download], directory: Path) -> list[Path]:
    """Fetch every download into ``directory``; returns the files in the given order."""
    directory.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        return list(pool.map(lambda item: _fetch(item, directory), downloads))


def _fetch(item: Download, directory: Path) -> Path:
    # Eight parallel fetches sometimes meet a transient DNS or connection failure here;
    # a few spaced attempts ride it out, a checksum mismatch is never retried.
    for attempt in range(_ATTEMPTS):
        try:
            return _fetch_once(item, directory)
        except _TransientError as error:
            if attempt + 1 == _ATTEMPTS:
                raise TestbedBuildError(_STEP, f"{item.url}: {error.__cause__}") from error
            time.sleep(2.0**attempt)
    raise AssertionError("unreachable")


class _TransientError(Exception):
    pass


def _fetch_once(item: Download, directory: Path) -> Path:
    target = directory / unquote(item.filename)
    if not item.url.startswith(("http://", "https://")):
        raise TestbedBuildError(_STEP, f"{item.filename}: unexpected URL {item.url!r}")
    digest = hashlib.new(item.algorithm, usedforsecurity=False)
    size = 0
    try:
        with (
            urllib.request.urlopen(item.url, timeout=_TIMEOUT) as response,  # noqa: S310
            target.open("wb") as out,
        ):
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except (OSError, urllib.error.URLError) as error:
        raise _TransientError from error
    if size != item.size or digest.hexdigest() != item.digest:
        raise TestbedBuildError(
            _STEP,
            f"{item.filename}: expected {item.size} bytes with {item.algorithm} {item.digest}, "
            f"received {size} bytes with {item.algorithm} {digest.hexdigest()}",
        )
    return target
