"""Seeds built once per session at a fixed "now", so every test sees the same records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shopxero.sandbox.seeds import load_seed

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
# Large enough that every stride of the bench generator (up to 1 in 103) occurs several times.
BENCH_SPEC = "bench:customers=300,products=60,orders=1200"


@pytest.fixture(scope="session")
def demo() -> dict[str, Any]:
    return load_seed("demo", now=NOW)


@pytest.fixture(scope="session")
def bench() -> dict[str, Any]:
    return load_seed(BENCH_SPEC, now=NOW)
