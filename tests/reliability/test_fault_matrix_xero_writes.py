"""The fault matrix's Xero create and update rows (tests/reliability/fault_matrix.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.reliability.fault_matrix import Stage, build_stage, cells, run_cell

# Each Shopify row names its API (REST and GraphQL rows of their own); the Xero rows are about
# Xero's faults, whichever API read Shopify: the matrix runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    yield from build_stage(tmp_path_factory)


@pytest.mark.parametrize(("kind_name", "fault", "expect"), cells("xero writes"))
def test_fault_cell(
    stage: Stage, monkeypatch: pytest.MonkeyPatch, kind_name: str, fault: str, expect: str
) -> None:
    run_cell(stage, monkeypatch, kind_name, fault, expect)
