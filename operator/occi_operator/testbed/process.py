"""One child process of the testbed: started with its log in a file, polled until healthy,
stopped with SIGTERM and then SIGKILL.

Each process gets its own session, so a Ctrl-C in the terminal of ``testbed up`` reaches
only the parent, which then stops the children in order. This module imports no operator
code.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from occi_operator.testbed.errors import TestbedStartError

__all__ = ["ChildProcess", "free_port"]

_POLL_INTERVAL = 0.1
_STOP_GRACE = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listened on a moment ago (the kernel's choice for 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ChildProcess:
    """A named child process whose output goes to ``log``."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        log: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.log = log
        with log.open("ab") as output:
            try:
                self._process = subprocess.Popen(  # noqa: S603 - argument list, no shell
                    list(command),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=dict(env) if env is not None else None,
                    cwd=cwd,
                    start_new_session=True,
                )
            except OSError as error:
                raise TestbedStartError(name, f"cannot run {command[0]}: {error}") from error

    @property
    def pid(self) -> int:
        """The process id."""
        return self._process.pid

    def running(self) -> bool:
        """Whether the process is still alive."""
        return self._process.poll() is None

    def wait_healthy(self, check: Callable[[], bool], *, timeout: float) -> None:
        """Poll ``check`` until it is true; fail when the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.running():
                raise TestbedStartError(
                    self.name, f"exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(Exception):  # not listening yet, half started, …
                if check():
                    return
            if time.monotonic() > deadline:
                raise TestbedStartError(
                    self.name, f"not healthy after {timeout:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(_POLL_INTERVAL)

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the process's log."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM, wait a little, then SIGKILL; idempotent."""
        if self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=_STOP_GRACE)
