"""Ctrl-C during `shopxero sync` (issue 16 §4): the run says "interrupted; nothing lost, run
again to finish", exits 130, is recorded as interrupted, and the next run finishes the work.

The sync runs in a subprocess; SIGINT is sent while it waits on the Shopify simulator for the
orders: through GraphQL (the default) a bulk operation the simulator keeps running, through REST
an orders page that a delay fault holds back. The test sends the signal only once the simulator's
request log shows the orders were asked for (the bulk operation started, or the page request
arrived and unanswered), so the interrupt always meets a sync that is waiting on Shopify.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shopxero.engine.run_report import INTERRUPTED_MESSAGE
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes

SEED = "bench:customers=3,products=2,orders=4"


def _cli(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shopxero", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _held_orders_request(running: RunningSandboxes) -> bool:
    return any(
        entry["path"].endswith("/orders.json") and entry["status"] is None
        for entry in running.shopify.log.entries()
    )


def _orders_bulk_running(running: RunningSandboxes) -> bool:
    for entry in running.shopify.log.entries():
        body = entry.get("body")
        variables = (body.get("variables") or {}) if isinstance(body, dict) else {}
        # The orders' bulk query: a variable of its own, or the one query of its own mutation.
        orders = "orders" in variables or "orders" in str(variables.get("query") or "")
        if "bulkOperationRunQuery" in str(body) and orders and entry["status"]:
            return True
    return False


def _hold_the_orders(running: RunningSandboxes, api: str) -> None:
    """The orders read waits on Shopify: the third bulk operation (customers, products, then
    orders) runs an hour longer, or the REST orders page is held back two minutes."""
    if api == "graphql":
        bulk = running.shopify.graphql.bulk
        bulk.slow_next(0)
        bulk.slow_next(0)
        bulk.slow_next(3600)
        return
    httpx.post(
        f"{running.shopify_url}/_sandbox/faults",
        json={"method": "GET", "path": r"/orders\.json$", "kind": "delay", "seconds": 120},
    ).raise_for_status()


def _restore_sigint() -> None:
    # A child of a shell without job control inherits SIGINT ignored; a user's shell gives
    # the default, which Python turns into KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_waiting_on_shopify(tmp_path: Path, shopify_api: str) -> None:
    api = shopify_api  # the run and the read it is stopped in (tests/conftest.py)
    waiting = _orders_bulk_running if api == "graphql" else _held_orders_request
    with start_sandboxes(SEED) as running:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")}
        env.update(running.env())
        env["SHOPXERO_SHOPIFY_API"] = api
        env["SHOPXERO_HTTP_TIMEOUT_SECONDS"] = "600"  # the client waits; it does not time out
        env["COLUMNS"] = "80"
        _hold_the_orders(running, api)
        proc = subprocess.Popen(
            [sys.executable, "-m", "shopxero", "--data-dir", str(tmp_path), "sync"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            preexec_fn=_restore_sigint,
        )
        try:
            deadline = time.monotonic() + 120
            while not waiting(running):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the sync never asked for the orders"
                time.sleep(0.05)  # polling for a condition, not timing a race
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 130, out + err
        assert INTERRUPTED_MESSAGE in err
        assert "Traceback" not in err

        status = json.loads(_cli(tmp_path, env, "status", "--json").stdout)
        run = status["runs"][0]
        assert (run["status"], run["message"]) == ("interrupted", INTERRUPTED_MESSAGE)
        assert run["finished_at"] is not None
        shown = _cli(tmp_path, env, "status").stdout
        assert "interrupted" in shown and f"run {run['id']}:" in shown
        assert INTERRUPTED_MESSAGE in " ".join(shown.split())

        # Run again: it finishes. REST committed the customers and products before asking for
        # the orders; GraphQL's first import starts the three bulk reads in one mutation, so the
        # interrupt came before any write and the rerun creates the seed's 3 customers.
        again = _cli(tmp_path, env, "sync", "--json")
        assert again.returncode in (0, 1), again.stdout + again.stderr
        report = json.loads(again.stdout)
        assert report["status"] in ("ok", "failed_records")
        assert report["counts"]["customers"]["created"] == (0 if api == "rest" else 3)
        invoices = httpx.get(f"{running.xero_url}/_sandbox/state").json()["invoices"]
        assert len(invoices) == report["counts"]["orders"]["created"] > 0
