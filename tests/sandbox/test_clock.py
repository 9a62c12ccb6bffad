"""The sandbox clock: sped up, advanced, never backwards."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from shopxero.sandbox.clock import SandboxClock


def test_speed_scales_real_time() -> None:
    clock = SandboxClock(speed=100, start=datetime(2026, 1, 1, tzinfo=UTC))
    t0 = clock.time()
    time.sleep(0.05)
    assert clock.time() - t0 >= 4.5  # 0.05 s real x 100


def test_advance_moves_forward_only() -> None:
    clock = SandboxClock(start=datetime(2026, 1, 1, tzinfo=UTC))
    clock.advance(1800)
    assert clock.now() >= datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_set_speed_keeps_the_current_time() -> None:
    clock = SandboxClock(start=datetime(2026, 1, 1, tzinfo=UTC))
    before = clock.time()
    clock.set_speed(1000)
    assert clock.time() >= before
    assert clock.time() - before < 5
