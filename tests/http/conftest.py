"""Fixtures for the http plumbing tests: a clock whose sleeps take no real time."""

from __future__ import annotations

import pytest


class FakeClock:
    """Time moves only when someone sleeps on it; every sleep is recorded."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds > 0:
            self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()
