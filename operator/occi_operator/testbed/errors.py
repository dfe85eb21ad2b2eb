"""The testbed's errors.

::

    TestbedError                 anything the testbed could not do
    ├── TestbedBuildError        building the binaries failed (names the step)
    └── TestbedStartError        a process of a running cluster did not come up

This module imports no operator code.
"""

from __future__ import annotations

__all__ = ["TestbedBuildError", "TestbedError", "TestbedStartError"]


class TestbedError(Exception):
    """Root of the testbed's errors."""

    __test__ = False  # not a pytest test class despite the name


class TestbedBuildError(TestbedError):
    """Building the testbed binaries failed at ``step``."""

    def __init__(self, step: str, detail: str) -> None:
        self.step = step
        self.detail = detail
        super().__init__(f"testbed build failed at step {step!r}: {detail}")


class TestbedStartError(TestbedError):
    """A process of the testbed cluster did not become healthy."""

    def __init__(self, component: str, detail: str) -> None:
        self.component = component
        self.detail = detail
        super().__init__(f"testbed {component} did not start: {detail}")
