"""Scaling mode of the benchmark: a first import at several shop sizes, each in its own process.

For each number of orders, a fresh pair of sandboxes seeded with the bench seed; the first
import runs in a child process (``bench/sync_child.py``) so that its peak RSS is the sync's alone
(the sandboxes stay in this process). Per size: Shopify and Xero calls from the sandboxes'
request logs, the batched lower bound of the Xero calls computed from what Xero holds afterwards
(``bench.floor``), their ratio, the import's length on the sandbox clock and the child's peak RSS
(its own ``VmHWM``, which the child reports: ``os.wait4``'s ``ru_maxrss`` would include the
parent's peak, see ``bench/sync_child.py``; off Linux that figure is all there is).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.counts import RequestLog, summarise
from bench.floor import first_import_floor, posted_payouts, xero_state
from shopxero.config import Settings
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.run import start_sandboxes

__all__ = [
    "DEFAULT_SHOPIFY_API",
    "print_scaling",
    "run_scaling",
    "scaling_markdown",
    "scaling_table",
]

# The API a merchant's sync reads Shopify through unless told otherwise.
DEFAULT_SHOPIFY_API = str(Settings.model_fields["shopify_api"].default)
CHILD = Path(__file__).resolve().parent / "sync_child.py"
DAY_BUDGET = 5000  # Xero's calls per organisation per day (xero-api-notes §2)
HEADERS = (
    "orders",
    "Shopify calls",
    "Xero calls",
    "lower bound",
    "ratio",
    "without payouts: Xero calls / lower bound / ratio",
    "sandbox minutes",
    "peak RSS",
)


def _child_import(env: dict[str, str], data_dir: Path, clock: SandboxClock) -> dict[str, Any]:
    """Run the first import in a child process; its report plus its peak RSS in MB."""
    spec = data_dir / "spec.json"
    out = data_dir / "report.json"
    spec.write_text(
        json.dumps(
            {
                "env": env,
                "data_dir": str(data_dir),
                "speed": clock.speed,
                "sandbox_time": clock.time(),
                "monotonic": time.monotonic(),
            }
        ),
        encoding="utf-8",
    )
    with out.open("w", encoding="utf-8") as stdout:
        child = subprocess.Popen([sys.executable, str(CHILD), str(spec)], stdout=stdout)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"the first import's process exited with {child.returncode}")
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    own = report.pop("peak_rss_kb", None)
    report["peak_rss_mb"] = round((own or usage.ru_maxrss) / 1024)  # both in kilobytes
    return report


def _one_size(seed: str, speed: float, data_dir: Path, shopify_api: str) -> dict[str, Any]:
    start = datetime.now(UTC).replace(microsecond=0)
    clock = SandboxClock(speed=speed, start=start)
    with start_sandboxes(seed, clock=clock, now=start, day_limit=DAY_BUDGET) as sandboxes:
        logs = {
            "shopify": RequestLog(sandboxes.shopify_url),
            "xero": RequestLog(sandboxes.xero_url),
        }
        before = xero_state(sandboxes.xero_url)
        marks = {service: log.mark() for service, log in logs.items()}
        sandbox_start = clock.time()
        env = {**sandboxes.env(), "SHOPXERO_SHOPIFY_API": shopify_api}
        result = _child_import(env, data_dir, clock)
        result["sandbox_minutes"] = round((clock.time() - sandbox_start) / 60, 1)
        for service, log in logs.items():
            result[service] = summarise(log.since(marks[service]), service=service).as_dict()
        after = xero_state(sandboxes.xero_url)
        result["lower_bound"] = first_import_floor(before, after)
        payouts_floor = posted_payouts(after)["lower_bound_calls"]
    result["ratio"] = round(result["xero"]["calls"] / result["lower_bound"], 2)
    # The same without payouts (transfers go one to a request, so they weigh on the ratio
    # without saying anything about the reads of contacts, items, invoices and payments).
    payouts_calls = sum(n for k, n in result["xero"]["by_endpoint"].items() if " Bank" in k)
    result["without_payouts"] = {
        "xero_calls": result["xero"]["calls"] - payouts_calls,
        "lower_bound": result["lower_bound"] - payouts_floor,
    }
    rest = result["without_payouts"]
    rest["ratio"] = round(rest["xero_calls"] / rest["lower_bound"], 2)
    return result


def run_scaling(
    *,
    customers: int,
    products: int,
    orders: list[int],
    speed: float = 60.0,
    shopify_api: str = DEFAULT_SHOPIFY_API,
) -> dict[str, Any]:
    """A first import per size, reading Shopify through ``shopify_api`` (``graphql`` or
    ``rest``); the JSON the scaling table is printed from."""
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="shopxero-scaling-") as tmp:
        for count in orders:
            seed = f"bench:customers={customers},products={products},orders={count}"
            data_dir = Path(tmp) / str(count)
            data_dir.mkdir()
            runs[str(count)] = _one_size(seed, speed, data_dir, shopify_api)
            run = runs[str(count)]
            print(
                f"{count:,} orders: {run['xero']['calls']} Xero calls "
                f"(lower bound {run['lower_bound']}), peak RSS {run['peak_rss_mb']} MB",
                file=sys.stderr,
                flush=True,
            )
    return {
        "scaling": runs,
        "sizes": {"customers": customers, "variants": products * 3, "orders": orders},
        "speed": speed,
        "shopify_api": shopify_api,
    }


def _rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    return [
        (
            f"{int(orders):,}",
            f"{run['shopify']['calls']:,}",
            f"{run['xero']['calls']:,}",
            f"{run['lower_bound']:,}",
            f"{run['ratio']:.2f}",
            "{xero_calls:,} / {lower_bound:,} / {ratio:.2f}".format(**run["without_payouts"]),
            f"{run['sandbox_minutes']:g}",
            f"{run['peak_rss_mb']:,} MB",
        )
        for orders, run in result["scaling"].items()
    ]


def _title(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    # Results saved before the API was recorded were all read through REST.
    api = {"graphql": "GraphQL", "rest": "REST"}[result.get("shopify_api", "rest")]
    return (
        f"First import by shop size: {sizes['customers']:,} customers, "
        f"{sizes['variants']:,} variants, Shopify read through {api}"
    )


def scaling_table(result: dict[str, Any]) -> Table:
    table = Table(title=_title(result))
    for header in HEADERS:
        table.add_column(header, justify="right")
    for row in _rows(result):
        table.add_row(*row)
    return table


def print_scaling(result: dict[str, Any]) -> None:
    Console().print(scaling_table(result))


def scaling_markdown(result: dict[str, Any]) -> str:
    lines = [
        f"{_title(result)}:",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(result)]
    return "\n".join(lines)
