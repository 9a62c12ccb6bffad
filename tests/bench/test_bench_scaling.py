"""The benchmark's scaling mode (``bench/run.py --orders 24,48``) on tiny shops.

Asserts on counts and ratios only, never on time or memory: the import runs in a child
process whose Xero calls are counted from the sandbox's log and set against the batched lower
bound computed from what Xero holds afterwards (``bench/floor.py``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.floor import first_import_floor  # noqa: E402
from bench.run import main  # noqa: E402


@pytest.fixture(scope="module", params=["graphql", "rest"])
def scaling(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("scaling") / "scaling.json"
    args = ["--customers", "12", "--products", "3", "--orders", "24,48", "--out", str(out)]
    assert main([*args, "--shopify-api", request.param, "--json"]) == 0
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert loaded["shopify_api"] == request.param
    return loaded


def test_each_size_is_a_whole_first_import_counted_against_its_lower_bound(
    scaling: dict[str, Any],
) -> None:
    runs = scaling["scaling"]
    assert list(runs) == ["24", "48"]
    for orders, run in runs.items():
        assert run["status"] == "ok" and run["queued"] == 0, run["queued_examples"]
        synced = sum(run["records"]["orders"].values())
        assert synced == int(orders)
        if scaling["shopify_api"] == "rest":
            assert run["shopify"]["calls"] > int(orders)  # transactions are read per order
        else:  # bulk operations: fewer calls than orders, and no REST read
            assert run["shopify"]["calls"] < int(orders)
            assert "POST graphql.json RunBulk" in run["shopify"]["by_endpoint"]
            assert not [e for e in run["shopify"]["by_endpoint"] if e.startswith("GET orders")]
        assert run["xero"]["status_429"] == 0
        assert run["lower_bound"] <= run["xero"]["calls"]
        assert run["ratio"] == round(run["xero"]["calls"] / run["lower_bound"], 2)
        rest = run["without_payouts"]
        assert 0 < rest["lower_bound"] <= rest["xero_calls"] < run["xero"]["calls"]
        assert run["peak_rss_mb"] > 0  # measured, not judged: memory is the benchmark's job
    assert runs["24"]["lower_bound"] < runs["48"]["lower_bound"]
    if scaling["shopify_api"] == "graphql":  # 24 more orders, not 24 more calls
        assert runs["48"]["shopify"]["calls"] - runs["24"]["shopify"]["calls"] < 24


def test_the_saved_result_reprints_as_the_readme_table(
    scaling: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(scaling), encoding="utf-8")
    capsys.readouterr()
    assert main(["--from-json", str(saved), "--markdown"]) == 0
    text = capsys.readouterr().out
    header = (
        "| orders | Shopify calls | Xero calls | lower bound | ratio | without payouts: Xero "
        "calls / lower bound / ratio | sandbox minutes | peak RSS |"
    )
    assert header in text
    api = {"graphql": "GraphQL", "rest": "REST"}[scaling["shopify_api"]]
    assert f"Shopify read through {api}" in text
    run = scaling["scaling"]["48"]
    assert f"| 48 | {run['shopify']['calls']} | {run['xero']['calls']} |" in text


def test_the_lower_bound_counts_reads_and_batches_of_what_the_import_made() -> None:
    before = {"contacts": [{}] * 5}
    after = {
        "contacts": [{}] * 125,  # 120 new: a read and 3 batches of 50
        "items": [{}] * 501,  # a read and 2 batches of 500
        "payments": [{}] * 101,  # invoices' and refunds' payments together: 3 batches
        "bank_transfers": [{"Reference": "Shopify payout 1"}],  # alone, and 2 lookups
    }
    assert first_import_floor(before, after) == 3 + (1 + 3) + (1 + 2) + 3 + (1 + 2)


def test_bad_sizes_are_refused_with_the_way_to_write_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--orders", "1250;5000"])
    assert exc.value.code == 2
    assert "separated by commas" in capsys.readouterr().err
