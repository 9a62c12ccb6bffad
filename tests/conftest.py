"""Shared fixtures: a clean environment for settings, and stamina in test mode."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.outside_reads import OutsideReadRecorder


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No SHOPXERO_* variable from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("SHOPXERO_"):
            monkeypatch.delenv(key, raising=False)
    yield


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# Every file a test opens must be inside the repository: a user's clone has nothing beside it.
# The hook only records (raising inside an audit hook would surface far from the culprit); the
# session fails at its end, naming each read, and tests/test_self_contained.py checks the hook.
OUTSIDE_READS = OutsideReadRecorder()
sys.addaudithook(OUTSIDE_READS)


def pytest_sessionstart(session: pytest.Session) -> None:
    """The CLI reads ./shopxero.env by default: with the user's own file in the folder the tests
    run from, CLI tests would run against their real shop. Refuse, saying why."""
    own = Path.cwd() / "shopxero.env"
    if own.exists():
        pytest.exit(
            f"{own} exists: shopxero reads ./shopxero.env by default, so the tests would use "
            "those settings (maybe a real shop). Move it out of this folder, or run the tests "
            "from another folder, and try again.",
            returncode=4,
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        # A pytest-xdist worker: hand the reads to the controller, which reports them all.
        worker_output["outside_reads"] = sorted(set(OUTSIDE_READS.reads))
        return
    if OUTSIDE_READS.reads:
        reads = "\n  ".join(sorted(set(OUTSIDE_READS.reads)))
        print(f"\nTests read outside the repository (vendor the data instead):\n  {reads}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """pytest-xdist, on the controller: a worker finished; keep the reads it recorded."""
    output = getattr(node, "workeroutput", None) or {}
    OUTSIDE_READS.reads.extend(output.get("outside_reads", []))
