"""tests/conftest.py runs every engine test on both Shopify APIs and nothing else twice: checked
on what pytest collects (a plain ``pytest`` run, as CI's, collects the same)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = "tests/sync/test_rebuild.py::test_cursor_before_the_oldest_unsettled_record"
PURE = "tests/sync/test_plan.py::test_unmapped_record_is_created"
PINNED = "tests/cli/test_payouts_graphql_cli.py"
OUTSIDE = "tests/store/test_db.py"


def _collected(*args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_an_engine_test_is_collected_once_per_api_and_a_pure_one_once() -> None:
    ids = _collected(ENGINE, PURE, PINNED, OUTSIDE)
    assert [i for i in ids if i.startswith(ENGINE)] == [
        f"{ENGINE}[api:graphql]",
        f"{ENGINE}[api:rest]",
    ]
    assert [i for i in ids if i.startswith(PURE)] == [PURE]
    # one_api("graphql"): once, on GraphQL, with the parameters of its own
    pinned = [i.split("[", 1)[1] for i in ids if i.startswith(PINNED)]
    assert pinned == ["api:graphql-granted]", "api:graphql-scope_missing]"], pinned
    outside = [i for i in ids if i.startswith(OUTSIDE)]
    assert outside and not [i for i in outside if "api:" in i], outside


def test_one_api_is_chosen_with_k() -> None:
    ids = _collected(ENGINE, PURE, "-k", "not api:graphql")
    assert ids == [f"{ENGINE}[api:rest]", PURE]
