"""``shopxero sync`` of a shop whose payouts hold many refunded orders, over real HTTP, on both
Shopify APIs: the payouts step reads those orders together (``orders.json?ids=`` on REST, an
``OrderNodes`` ``nodes(ids:)`` query on GraphQL), one or two reads for all of them, never one
``get_order`` call an order (counted from the Shopify simulator's request log)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import start_sandboxes

# Two months of orders paid out weekly: a dozen payouts holding a dozen refunded orders, where
# three years of daily payouts would be 160 transfers paced at Xero's 60 calls a minute.
SEED = "bench:customers=20,products=5,orders=200,days=60,payday=1"
ONE_ORDER_REST = re.compile(r"/orders/\d+\.json$")


def _batched_ids(request: dict[str, Any]) -> list[str] | None:
    """The order ids a batched order read asks for, or None when it is no such read."""
    if request["path"].endswith("/orders.json"):
        ids = parse_qs(request.get("query") or "").get("ids")
        return ids[0].split(",") if ids else None
    # (Not ``OrderNodesAgreements``: the refunded fees' agreements of orders that have them.)
    if request["path"].endswith("/graphql.json") and "query OrderNodes(" in str(
        request.get("body")
    ):
        body = request["body"]
        body = json.loads(body) if isinstance(body, str) else body
        return list(body["variables"]["ids"])
    return None


def _one_order_reads(requests: list[dict[str, Any]]) -> list[str]:
    """Reads of a single order: REST ``orders/{id}.json``, GraphQL ``query Order(``."""
    return [
        r["path"]
        for r in requests
        if ONE_ORDER_REST.search(r["path"])
        or (r["path"].endswith("/graphql.json") and "query Order(" in str(r.get("body")))
    ]


def test_a_payouts_refunded_orders_are_read_together_not_one_call_an_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Roomy rate limits (the simulators' own options) so that a shop of this size syncs in
    # seconds; the reads counted do not depend on them.
    roomy = {"shopify_options": {"bucket_size": 4000}, "minute_limit": 10_000}
    with start_sandboxes(SEED, **roomy) as running:  # type: ignore[arg-type]
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        _register_commands()
        result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "sync", "--json"])
        requests = httpx.get(f"{running.shopify_url}/_sandbox/requests").json()["requests"]
    report = json.loads(result.output)
    assert result.exit_code == 0, report
    assert report["counts"]["payouts"]["created"] > 0, report["counts"]
    batches = [ids for r in requests if (ids := _batched_ids(r)) is not None]
    read = [i for ids in batches for i in ids]
    # The seed's payouts hold many refunded orders (each is read: its refunds' credit notes are
    # matched through the order), yet they cost one or two reads, and no order is read alone.
    assert len(read) >= 8, batches
    assert 1 <= len(batches) <= 2, [len(ids) for ids in batches]
    assert len(set(read)) == len(read)
    assert _one_order_reads(requests) == []
