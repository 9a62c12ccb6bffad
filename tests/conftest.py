"""Shared fixtures: a clean environment for settings, and stamina in test mode."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if OUTSIDE_READS.reads:
        reads = "\n  ".join(sorted(set(OUTSIDE_READS.reads)))
        print(f"\nTests read outside the repository (vendor the data instead):\n  {reads}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
