"""``occi-operator demo`` as a user runs it: the example stack converges, the KUBECONFIG it
prints works with kubectl, and it stops every process it started — by itself with
``--exit-when-ready``, or on Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_kube import wait_until
from e2e_services import cli_command

from occi_operator.testbed.build import cache_root, cached_binaries
from occi_operator.testbed.cluster import TIER_ENV

DEMO_TIMEOUT = 240.0


def alive(pid: int) -> bool:
    """Whether a process with this id exists (and is not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def started(output: str) -> dict[str, int]:
    """The processes the demo announced (``started NAME (pid N)``): name → pid."""
    return {name: int(pid) for name, pid in re.findall(r"started ([\w-]+) \(pid (\d+)\)", output)}


def last_table(output: str) -> str:
    """The last table the demo printed: from its KIND header to the blank line after it."""
    tail = output[output.rindex("\nKIND ") + 1 :]
    return tail.split("\n\n", 1)[0]


def assert_nothing_left(output: str, workdir: Path) -> None:
    """Every announced process is gone, and no process mentions the work directory."""
    processes = started(output)
    # endpoint and operator, plus etcd, API server and front (or the emulator)
    assert {"endpoint", "operator"} < set(processes), output
    assert {name: pid for name, pid in processes.items() if alive(pid)} == {}
    mentioning = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                if str(workdir).encode() in (entry / "cmdline").read_bytes():
                    mentioning.append(entry.name)
            except OSError:
                continue
    assert [pid for pid in mentioning if alive(int(pid))] == []


@pytest.fixture(scope="module")
def demo_env() -> dict[str, str]:
    """The demo's environment: the tier the suite runs on (never a build in a test)."""
    tier = os.environ.get(TIER_ENV, "")
    if tier != "emulated" and cached_binaries() is None:
        if tier == "real":
            pytest.fail(f"TESTBED BINARIES MISSING in {cache_root()}: run `occi-operator "
                        "testbed build` first (.ci/run does)", pytrace=False)  # fmt: skip
        tier = "emulated"
    return {**os.environ, TIER_ENV: tier or "real"}


@pytest.fixture(scope="module")
def kubectl_binary() -> Path:
    """The testbed's kubectl, or the machine's."""
    binaries = cached_binaries()
    return binaries.kubectl if binaries else Path(shutil.which("kubectl") or "kubectl")


def test_demo_exits_when_ready_and_leaves_nothing_behind(
    tmp_path: Path, demo_env: dict[str, str]
) -> None:
    workdir = tmp_path / "demo"
    port = _free_port()
    with subprocess.Popen(
        cli_command("demo", "--exit-when-ready", "--workdir", str(workdir),
                    "--port", str(port), "--timeout", "180"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=demo_env,
    ) as demo:  # fmt: skip
        try:
            output, _ = demo.communicate(timeout=DEMO_TIMEOUT)
        finally:
            _interrupt(demo)
    assert demo.returncode == 0, output
    assert "all 5 objects are Ready" in output
    assert f"OCCI endpoint at http://127.0.0.1:{port}/" in output
    final = last_table(output)
    rows = [line.split() for line in final.splitlines()[1:]]
    assert {row[0] for row in rows} == {
        "Network", "Storage", "Compute", "NetworkInterface", "StorageLink"}  # fmt: skip
    assert all(row[3] == "True" for row in rows), final
    assert re.search(r"KUBECONFIG=\S+", output)
    assert_nothing_left(output, workdir)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


def test_demo_keeps_running_until_ctrl_c_and_its_kubeconfig_works(
    tmp_path: Path, demo_env: dict[str, str], kubectl_binary: Path, taken_port: int
) -> None:
    workdir = tmp_path / "demo"
    with subprocess.Popen(
        cli_command("demo", "--workdir", str(workdir), "--port", str(taken_port)),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=demo_env,
    ) as demo:  # fmt: skip
        seen = _interrupt_when_running(demo, taken_port, kubectl_binary)
    output = "".join(seen)
    assert "demo: stopped" in output
    assert_nothing_left(output, workdir)


def _interrupt_when_running(
    demo: subprocess.Popen[str], taken_port: int, kubectl_binary: Path
) -> list[str]:
    """Wait for the demo to converge, check its kubeconfig and port, then Ctrl-C it."""
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(demo, lines))
    reader.start()
    seen: list[str] = []

    def said(fragment: str) -> bool:
        while not lines.empty():
            seen.append(lines.get())
        return any(fragment in line for line in seen)

    try:
        wait_until(lambda: said("Ctrl-C stops everything"), what="the demo to converge",
                   timeout=DEMO_TIMEOUT, describe=lambda: "".join(seen[-30:]),
                   alive=lambda: None if demo.poll() is None else "the demo exited")  # fmt: skip
        output = "".join(seen)
        assert f"port {taken_port} is taken" in output
        kubeconfig = re.search(r"KUBECONFIG=(\S+)", output)
        assert kubeconfig is not None
        listed = subprocess.run(
            [str(kubectl_binary), f"--kubeconfig={kubeconfig.group(1)}", "get", "occi",
             "--no-headers", "-o", "name"],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout.split()  # fmt: skip
        assert "compute.occi.occi-operator.dev/web" in listed
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=120) == 0
    finally:
        _interrupt(demo)
        reader.join(timeout=10)
    while not lines.empty():
        seen.append(lines.get())
    return seen


def _interrupt(demo: subprocess.Popen[str]) -> None:
    """Ctrl-C a demo still running (it stops its children), SIGKILL only as a last resort."""
    if demo.poll() is None:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait()


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    """Copy the process's output into ``lines`` until it closes."""
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
