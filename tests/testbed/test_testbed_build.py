"""The build recipe's pure parts: apt's URI listing, the cache, the step named on failure.

The full build (apt-get update, download, dpkg -x, go build) runs in ``.ci/run`` before
the tests, through ``occi-operator testbed build``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from occi_operator.testbed.build import RECIPE_KEY, build, cached_binaries
from occi_operator.testbed.download import parse_print_uris
from occi_operator.testbed.errors import TestbedBuildError

LISTING = """\
Reading package lists...
The following NEW packages will be installed:
  etcd-server kubectl
'http://deb.debian.org/debian/pool/main/e/etcd/etcd-server_3.5.30-2_amd64.deb' etcd-server_3.5.30-2_amd64.deb 8123456 MD5Sum:0123456789abcdef0123456789abcdef
'http://deb.debian.org/debian/pool/main/g/golang-defaults/golang-go_2%3a1.27~1_amd64.deb' golang-go_2%3a1.27~1_amd64.deb 2345 SHA256:ABCDEF0123
"""  # noqa: E501 - apt's own line format


def test_print_uris_lines_become_checked_downloads() -> None:
    downloads = parse_print_uris(LISTING)
    assert [(d.package, d.version, d.size, d.algorithm) for d in downloads] == [
        ("etcd-server", "3.5.30-2", 8123456, "md5"),
        ("golang-go", "2:1.27~1", 2345, "sha256"),
    ]
    assert downloads[1].digest == "abcdef0123"


def test_an_unknown_checksum_kind_is_refused_naming_the_line() -> None:
    listing = "'http://x/a_1_amd64.deb' a_1_amd64.deb 1 CRC32:00\n"
    with pytest.raises(TestbedBuildError, match="line 1") as raised:
        parse_print_uris(listing)
    assert raised.value.step == "apt-get --print-uris"


def _fake_cache(root: Path) -> Path:
    directory = root / RECIPE_KEY
    directory.mkdir(parents=True)
    for name in ("apiextensions-apiserver", "etcd", "kubectl"):
        path = directory / name
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    (directory / "manifest.json").write_text(json.dumps({"versions": {"kubectl": "1.36.4"}}))
    return directory


def test_a_finished_build_is_returned_at_once(tmp_path: Path) -> None:
    directory = _fake_cache(tmp_path)
    started = time.monotonic()
    binaries = build(tmp_path)
    assert time.monotonic() - started < 1.0
    assert binaries.apiserver == directory / "apiextensions-apiserver"
    assert binaries.versions == {"kubectl": "1.36.4"}


def test_an_incomplete_cache_is_not_a_build(tmp_path: Path) -> None:
    directory = _fake_cache(tmp_path)
    (directory / "etcd").unlink()
    assert cached_binaries(tmp_path) is None


def test_a_failed_step_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(TestbedBuildError) as raised:
        build(tmp_path / "cache")
    assert raised.value.step == "prerequisites"
    assert "apt-get" in str(raised.value)


def test_the_cache_location_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_cache(tmp_path)
    monkeypatch.setenv("OCCI_TESTBED_CACHE", os.fspath(tmp_path))
    found = cached_binaries()
    assert found is not None
    assert found.directory == tmp_path / RECIPE_KEY
