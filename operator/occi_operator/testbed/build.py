"""Build the testbed binaries: a real CRD API server, etcd and kubectl, from Debian sid.

No Debian, PyPI or npm package ships kube-apiserver, and this machine has no Docker. Debian
sid does carry Go, the Kubernetes library sources and etcd, so the recipe is:

1. a private apt configuration pointing at sid (an empty ``status`` file makes apt resolve
   the full dependency closure whatever the host has installed), ``apt-get update``;
2. ``apt-get --print-uris install`` the four packages, then download every printed URI in
   parallel, checking each file's size and SHA-256 against apt's own line;
3. ``dpkg -x`` each package into a private root (nothing is installed system-wide);
4. ``go build k8s.io/apiextensions-apiserver`` offline (GOPATH mode, no proxy, no toolchain
   download) with the Go found in that root;
5. keep ``apiextensions-apiserver``, ``etcd`` and ``kubectl`` in a cache outside the
   checkout and delete the 3 GB tree (disks here are sometimes nearly full).

A second call returns the cached binaries at once; a lock file serialises concurrent
callers. Every failure is a :class:`TestbedBuildError` naming the step.
This module imports no operator code.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from occi_operator.testbed.download import Download, download_all, parse_print_uris
from occi_operator.testbed.errors import TestbedBuildError

__all__ = [
    "PACKAGES",
    "RECIPE_KEY",
    "TestbedBinaries",
    "build",
    "cache_root",
    "cached_binaries",
]

#: The packages whose closure holds Go, the Kubernetes sources, etcd and kubectl.
PACKAGES = ("golang-k8s-apiextensions-apiserver-dev", "etcd-server", "golang-go", "kubectl")
#: Names the cache directory; bump it when the recipe changes what it produces.
RECIPE_KEY = "sid-apiextensions-v1"
SOURCES = "deb http://deb.debian.org/debian sid main\n"
CACHE_ENV = "OCCI_TESTBED_CACHE"
_MANIFEST = "manifest.json"
_BINARIES = ("apiextensions-apiserver", "etcd", "kubectl")
_STEP_TIMEOUT = 1800.0

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TestbedBinaries:
    """The three executables of the testbed and the package versions they came from."""

    directory: Path
    apiserver: Path
    etcd: Path
    kubectl: Path
    versions: dict[str, str]


def cache_root() -> Path:
    """Where built testbeds live: ``$OCCI_TESTBED_CACHE`` or ``~/.cache/occi-operator/testbed``."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "occi-operator" / "testbed"


def cached_binaries(cache: Path | None = None) -> TestbedBinaries | None:
    """The binaries of a finished build, or ``None`` when there is none yet."""
    directory = (cache or cache_root()) / RECIPE_KEY
    try:
        manifest = json.loads((directory / _MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    apiserver, etcd, kubectl = (directory / name for name in _BINARIES)
    if not all(path.is_file() and os.access(path, os.X_OK) for path in (apiserver, etcd, kubectl)):
        return None
    versions = manifest.get("versions", {}) if isinstance(manifest, dict) else {}
    pinned = {str(key): str(value) for key, value in versions.items()}
    return TestbedBinaries(directory, apiserver, etcd, kubectl, versions=pinned)


def build(cache: Path | None = None, *, progress: Progress | None = None) -> TestbedBinaries:
    """Return the testbed binaries, building them first when the cache has none."""
    root = cache or cache_root()
    report = progress or (lambda _message: None)
    found = cached_binaries(root)
    if found is not None:
        return found
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TestbedBuildError("cache", f"cannot create {root}: {error}") from error
    with _locked(root / f"{RECIPE_KEY}.lock"):
        found = cached_binaries(root)  # another caller may have built it meanwhile
        if found is not None:
            return found
        for tool in ("apt-get", "dpkg"):
            if shutil.which(tool) is None:
                raise TestbedBuildError("prerequisites", f"{tool} is not on PATH")
        work = Path(tempfile.mkdtemp(prefix=f"{RECIPE_KEY}.build-", dir=root))
        try:
            _build_into(work, root / RECIPE_KEY, report)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    built = cached_binaries(root)
    if built is None:
        raise TestbedBuildError("cache", f"built, but {root / RECIPE_KEY} is incomplete")
    return built


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_into(work: Path, target: Path, report: Progress) -> None:
    apt = _apt_options(work)
    report("apt-get update (Debian sid)")
    _run("apt-get update", ["apt-get", *apt, "-q", "update"], cwd=work)
    report("resolving " + " ".join(PACKAGES))
    listing = _run(
        "apt-get --print-uris",
        ["apt-get", *apt, "-q", "-y", "--print-uris", "install", *PACKAGES],
        cwd=work,
    )
    downloads = parse_print_uris(listing)
    if not downloads:
        raise TestbedBuildError("apt-get --print-uris", "apt printed no package URIs")
    versions = _versions(downloads)
    missing = [name for name in PACKAGES if name not in versions]
    if missing:
        raise TestbedBuildError("apt-get --print-uris", f"sid offers no {', '.join(missing)}")
    total = sum(item.size for item in downloads) / 1e6
    report(f"downloading {len(downloads)} packages ({total:.0f} MB)")
    debs = download_all(downloads, work / "debs")
    report(f"extracting {len(debs)} packages")
    root = work / "root"
    root.mkdir()
    for deb in debs:
        _run("dpkg -x", ["dpkg", "-x", str(deb), str(root)], cwd=work)
    shutil.rmtree(work / "debs", ignore_errors=True)
    report("go build k8s.io/apiextensions-apiserver (a few minutes)")
    staging = work / "out"
    staging.mkdir()
    _go_build(root, work, staging / "apiextensions-apiserver")
    for name in ("etcd", "kubectl"):
        source = root / "usr" / "bin" / name
        if not source.is_file():
            raise TestbedBuildError("collect binaries", f"{source} is missing from the packages")
        shutil.copy2(source, staging / name)
    key = {name: version for name, version in versions.items() if _is_key_package(name)}
    manifest = {"recipe": RECIPE_KEY, "versions": key, "closure": versions}
    (staging / _MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    report(f"testbed binaries in {target}")


def _apt_options(work: Path) -> list[str]:
    etc = work / "apt-etc"
    parts = etc / "sources.list.d"
    parts.mkdir(parents=True)
    (etc / "sources.list").write_text(SOURCES)
    (work / "apt-status").write_text("")
    for name in ("lists/partial", "cache/archives/partial"):
        (work / "apt" / name).mkdir(parents=True)
    return [
        "-o", f"Dir::Etc::sourcelist={etc / 'sources.list'}",
        "-o", f"Dir::Etc::sourceparts={parts}",
        "-o", f"Dir::State::Lists={work / 'apt' / 'lists'}",
        "-o", f"Dir::Cache={work / 'apt' / 'cache'}",
        "-o", f"Dir::State::status={work / 'apt-status'}",
        "-o", "APT::Sandbox::User=root",
        "-o", "Debug::NoLocking=1",
    ]  # fmt: skip


def _is_key_package(name: str) -> bool:
    return name in PACKAGES or (name.startswith("golang-1.") and name.endswith("-go"))


def _versions(downloads: list[Download]) -> dict[str, str]:
    return {item.package: item.version for item in downloads}


def _go_build(root: Path, work: Path, output: Path) -> None:
    candidates = sorted((root / "usr" / "lib").glob("go-1.*"), key=_go_version_key)
    if not candidates:
        raise TestbedBuildError("go build", f"no usr/lib/go-1.* directory under {root}")
    goroot = candidates[-1]
    env = {
        "PATH": f"{goroot / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(work),
        "GOROOT": str(goroot),
        "GOPATH": str(root / "usr" / "share" / "gocode"),
        "GOCACHE": str(work / "gocache"),
        "GO111MODULE": "off",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "",
        "CGO_ENABLED": "0",
    }
    command = [str(goroot / "bin" / "go"), "build", "-o", str(output)]
    _run("go build", [*command, "k8s.io/apiextensions-apiserver"], cwd=work, env=env)


def _go_version_key(path: Path) -> tuple[int, ...]:
    digits = path.name.removeprefix("go-").split(".")
    return tuple(int(part) if part.isdigit() else 0 for part in digits)


def _run(step: str, command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=_STEP_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TestbedBuildError(step, str(error)) from error
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise TestbedBuildError(step, f"exit {result.returncode}: " + "\n".join(tail))
    return result.stdout
