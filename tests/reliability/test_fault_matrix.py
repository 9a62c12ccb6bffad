"""The fault matrix (tests/reliability/fault_matrix.py, docs/reliability.md): the table is whole,
and its Shopify rows' cells, REST and GraphQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.reliability.fault_matrix import (
    FAULTS,
    KINDS,
    MATRIX,
    OK,
    REAUTH,
    ROW_GROUPS,
    STOP,
    Stage,
    build_stage,
    cells,
    run_cell,
)

# Each Shopify row names its API (REST and GraphQL rows of their own); the Xero rows are about
# Xero's faults, whichever API read Shopify: the matrix runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    yield from build_stage(tmp_path_factory)


@pytest.mark.parametrize(("kind_name", "fault", "expect"), cells("shopify"))
def test_fault_cell(
    stage: Stage, monkeypatch: pytest.MonkeyPatch, kind_name: str, fault: str, expect: str
) -> None:
    run_cell(stage, monkeypatch, kind_name, fault, expect)


def test_every_cell_is_in_the_table() -> None:
    assert set(MATRIX) == set(KINDS)
    for kind, row in MATRIX.items():
        assert len(row) == len(FAULTS), f"row {kind!r} has {len(row)} cells, not {len(FAULTS)}"
        for fault, cell in zip(FAULTS, row, strict=True):
            assert cell in (OK, STOP, REAUTH) or cell.startswith("n/a: "), (kind, fault, cell)


def test_every_row_runs_in_one_group() -> None:
    groups = [g for kind in KINDS for g, starts in ROW_GROUPS.items() if kind.startswith(starts)]
    assert len(groups) == len(KINDS), "a row is in no group, or in two"
