"""Shared fixtures: a clean environment for settings, and stamina in test mode."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


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
