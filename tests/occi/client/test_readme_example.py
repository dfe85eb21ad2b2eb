"""The README's usage examples run as written (the client one against a live server)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from conftest import LiveServer
from fake_occi import FakeOCCI, Quirks

README = Path(__file__).resolve().parents[3] / "README.md"
README_URL = "http://127.0.0.1:8765/"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_both_examples() -> None:
    blocks = _python_blocks()
    assert len(blocks) == 2
    assert README_URL in blocks[1]


def test_the_model_example_runs() -> None:
    exec(compile(_python_blocks()[0], "README.md", "exec"), {})


async def test_the_client_example_runs_against_a_live_server(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeOCCI(Quirks(relative_locations=True))  # answers must point back at us
    url = await live_server(fake.app)
    source = _python_blocks()[1].replace(README_URL, url)
    # The example calls asyncio.run(); run it in a worker thread with its own loop while
    # this loop keeps serving the live server.
    code = compile(source, "README.md", "exec")
    await asyncio.to_thread(exec, code, {"__name__": "readme_example"})
    assert capsys.readouterr().out.strip() == "active"  # it created, started and read a VM
    assert not fake.entities  # and deleted what it created
