"""The benchmark: API calls of a first import, a no-change rerun and a day's increment.

    python bench/run.py [--customers 2000 --products 300 --variants 3 --orders 5000]
                        [--speed 60 | --stepped] [--apis] [--json | --markdown] [--out FILE]
                        [--from-json FILE]

Seeds both sandboxes with the bench seed and runs, for each strategy on its own fresh pair of
sandboxes: (1) the first import, (2) a rerun with no change, (3) a day's increment (10 new
orders, 2 new customers, 1 changed product, pushed through ``POST /_sandbox/records``).
Strategies: shopxero's engine (``sync.engine.SyncEngine``, built exactly as ``shopxero sync``
builds it), once as configured by default and once with ``SHOPXERO_SYNC_PAYMENTS=false`` (the
baseline's job: contacts, items, invoices), once reading Shopify through the GraphQL Admin
API (``SHOPXERO_SHOPIFY_API=graphql``), and the one-request-per-record baseline in
``bench/naive.py``, all through the same clients. Calls are counted from the sandboxes' request
logs. The sandbox clock runs ``--speed`` times faster than real time, and the clients pace on
that same clock, so rate limits are real in sandbox minutes while the run takes real seconds.
``--stepped``: a clock that moves only when a client waits (``bench/stepped_clock.py``), so the
minutes do not depend on the machine. ``--apis``: only the REST and GraphQL runs of shopxero
(``bench/results-apis.json``). Each engine run reports its Shopify minutes too: the clock time its
Shopify client spent on Shopify (``http/time_spent.py``), apart from the run's whole length.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.counts import RequestLog, summarise
from bench.engine_run import run_engine
from bench.floor import posted_payouts, xero_state
from bench.increment import day_increment
from bench.naive import NaiveSync
from bench.report import markdown_tables, print_tables
from bench.scaling import DEFAULT_SHOPIFY_API, print_scaling, run_scaling, scaling_markdown
from bench.stepped_clock import SteppedClock
from shopxero.cli.demo_cmd import settings_for_sandboxes
from shopxero.clients import build_clients
from shopxero.config import Settings
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.store import StateStore

__all__ = ["main", "run_benchmark"]

PHASES = ("first_import", "rerun", "day")
DAY_BUDGET = 5000  # Xero's calls per organisation per day (xero-api-notes §4)
STARTER_DAY_BUDGET = 1000  # the Starter tier's day budget
MINUTE_LIMIT = 60  # Xero calls per tenant per minute
# Shopify REST: a bucket of 40 that leaks 2 calls/s (shopify-api-notes §3), so at most
# 40 + 120 = 160 calls fit in any one minute.
SHOPIFY_MINUTE_MAX = 160
# The baseline needs more than a day's budget for a first import; its sandbox lets it finish so
# the count is measured rather than extrapolated (the number of days it would take is reported).
UNLIMITED_DAY = 10**9

Phase = Callable[[RunningSandboxes, SandboxClock], Coroutine[Any, Any, dict[str, Any]]]


def _settings(sandboxes: RunningSandboxes, data_dir: Path) -> Settings:
    return settings_for_sandboxes(sandboxes.env(), data_dir)


def _engine_phase(data_dir: Path, *, payments: bool, shopify_api: str = "rest") -> Phase:
    async def phase(sandboxes: RunningSandboxes, clock: SandboxClock) -> dict[str, Any]:
        settings = _settings(sandboxes, data_dir).model_copy(
            update={"sync_payments": payments, "shopify_api": shopify_api}
        )
        result = await run_engine(settings, clock)
        result["payouts"] = posted_payouts(xero_state(sandboxes.xero_url))
        return result

    return phase


def _naive_phase(data_dir: Path) -> Phase:
    state: dict[str, NaiveSync] = {}

    async def phase(sandboxes: RunningSandboxes, clock: SandboxClock) -> dict[str, Any]:
        settings = _settings(sandboxes, data_dir)
        with StateStore.open(data_dir / "naive-scratch.db") as scratch:
            naive = state.setdefault("sync", NaiveSync(settings))
            async with build_clients(settings, clock=clock) as clients:
                result = await naive.run(clients.shopify, clients.xero, clock.now(), cache=scratch)
        return {
            "records": {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "failed": result.failed,
            },
            "queued": result.failed,
            "queued_examples": result.failures[:5],
        }

    return phase


def _say(message: str) -> None:
    """Progress on stderr, so ``--json`` output stays clean."""
    print(message, file=sys.stderr, flush=True)


def _run_strategy(
    seed: str,
    start: datetime,
    speed: float,
    phase: Phase,
    *,
    day_limit: int,
    label: str,
    stepped: bool = False,
) -> dict[str, Any]:
    clock = SteppedClock(start=start) if stepped else SandboxClock(speed=speed, start=start)
    out: dict[str, Any] = {}
    with start_sandboxes(seed, clock=clock, now=start, day_limit=day_limit) as sandboxes:
        if isinstance(clock, SteppedClock):
            clock.before_wait = sandboxes.shopify.graphql.bulk.wait
        logs = {
            "shopify": RequestLog(sandboxes.shopify_url),
            "xero": RequestLog(sandboxes.xero_url),
        }
        for name in PHASES:
            if name == "day":
                shop = httpx.get(f"{sandboxes.shopify_url}/_sandbox/state", timeout=120).json()
                changes = day_increment(shop, clock.now())
                httpx.post(
                    f"{sandboxes.shopify_url}/_sandbox/records", json=changes, timeout=120
                ).raise_for_status()
            marks = {service: log.mark() for service, log in logs.items()}
            real_start = time.monotonic()
            sandbox_start = clock.time()
            result = asyncio.run(phase(sandboxes, clock))
            result["real_seconds"] = round(time.monotonic() - real_start, 1)
            result["sandbox_minutes"] = round((clock.time() - sandbox_start) / 60, 3)
            for service, log in logs.items():
                result[service] = summarise(log.since(marks[service]), service=service).as_dict()
            out[name] = result
            _say(
                f"{label}, {name}: {result['shopify']['calls']} Shopify and "
                f"{result['xero']['calls']} Xero calls in {result['real_seconds']} s"
                + (
                    f" (Shopify minutes {result['shopify_minutes']:g} of "
                    f"{result['sandbox_minutes']:g})"
                    if "shopify_minutes" in result
                    else ""
                )
            )
    return out


def run_benchmark(
    *,
    customers: int,
    products: int,
    orders: int,
    speed: float = 60.0,
    stepped: bool = False,
    apis_only: bool = False,
) -> dict[str, Any]:
    """Every strategy over the same seed (``apis_only``: shopxero through REST and through
    GraphQL); the JSON the tables are printed from."""
    seed = f"bench:customers={customers},products={products},orders={orders}"
    start = datetime.now(UTC).replace(microsecond=0)
    sizes = {"customers": customers, "variants": products * 3, "orders": orders}
    clock = {"speed": speed, "stepped": stepped}
    with tempfile.TemporaryDirectory(prefix="shopxero-bench-") as tmp:
        ours = _run_strategy(
            seed,
            start,
            speed,
            _engine_phase(Path(tmp) / "ours", payments=True),
            day_limit=DAY_BUDGET,
            label="shopxero",
            stepped=stepped,
        )
        # The same job as the first, reading Shopify through the GraphQL Admin API (bulk
        # operations for the first import, cost-paced queries after).
        graphql = _run_strategy(
            seed,
            start,
            speed,
            _engine_phase(Path(tmp) / "graphql", payments=True, shopify_api="graphql"),
            day_limit=DAY_BUDGET,
            label="shopxero, SHOPXERO_SHOPIFY_API=graphql",
            stepped=stepped,
        )
        if apis_only:
            return {
                "seed": seed,
                "sizes": sizes,
                **clock,
                "shopxero": ours,
                "shopxero_graphql": graphql,
            }
        # The baseline sends no payments or refunds: compare it with shopxero doing the same job.
        invoices_only = _run_strategy(
            seed,
            start,
            speed,
            _engine_phase(Path(tmp) / "invoices-only", payments=False),
            day_limit=DAY_BUDGET,
            label="shopxero, SHOPXERO_SYNC_PAYMENTS=false",
            stepped=stepped,
        )
        naive = _run_strategy(
            seed,
            start,
            speed,
            _naive_phase(Path(tmp) / "naive"),
            day_limit=UNLIMITED_DAY,
            label="one-per-record",
            stepped=stepped,
        )
    return {
        "seed": seed,
        "sizes": sizes,
        **clock,
        "shopxero": ours,
        "shopxero_invoices_only": invoices_only,
        "shopxero_graphql": graphql,
        "naive": naive,
        "comparison": _compare(ours, invoices_only, naive),
    }


def _ratio(naive: int, ours: int) -> float | None:
    return round(naive / ours, 1) if ours else None


def _compare(
    ours: dict[str, Any], same_scope: dict[str, Any], naive: dict[str, Any]
) -> dict[str, Any]:
    """Ratios against shopxero doing the baseline's job (no payments); budgets and rates of the
    full shopxero run (the 429s of both shopxero runs)."""
    first_xero = ours["first_import"]["xero"]["calls"]
    naive_first = naive["first_import"]["xero"]["calls"]
    peak = max(run[p]["xero"]["peak_per_minute"] for run in (ours, same_scope) for p in PHASES)
    shop_peak = max(ours[p]["shopify"]["peak_per_minute"] for p in PHASES)
    first = ours["first_import"]
    payouts = dict(first.get("payouts") or {})
    payouts["xero_calls"] = sum(
        n for endpoint, n in first["xero"]["by_endpoint"].items() if " Bank" in endpoint
    )
    return {
        "payouts_first_import": payouts,
        "xero_ratio": {
            p: _ratio(naive[p]["xero"]["calls"], same_scope[p]["xero"]["calls"]) for p in PHASES
        },
        "shopify_ratio": {
            p: _ratio(naive[p]["shopify"]["calls"], same_scope[p]["shopify"]["calls"])
            for p in PHASES
        },
        "first_import_xero_calls": first_xero,
        "first_import_fits_day_budget": first_xero <= DAY_BUDGET,
        "first_import_fits_starter_budget": first_xero <= STARTER_DAY_BUDGET,
        "naive_first_import_days_at_5000": math.ceil(naive_first / DAY_BUDGET),
        "naive_first_import_days_at_1000": math.ceil(naive_first / STARTER_DAY_BUDGET),
        "xero_peak_per_minute": peak,
        "xero_share_of_minute_limit": round(peak / MINUTE_LIMIT, 2),
        "xero_429s": sum(
            run[p]["xero"]["status_429"] for run in (ours, same_scope) for p in PHASES
        ),
        "naive_xero_peak_per_minute": max(naive[p]["xero"]["peak_per_minute"] for p in PHASES),
        "naive_xero_429s": sum(naive[p]["xero"]["status_429"] for p in PHASES),
        "shopify_peak_per_minute": shop_peak,
        "shopify_share_of_minute_max": round(shop_peak / SHOPIFY_MINUTE_MAX, 2),
        "shopify_429s": sum(
            run[p]["shopify"]["status_429"] for run in (ours, same_scope) for p in PHASES
        ),
    }


def _sizes(text: str) -> list[int]:
    """``5000`` or ``1250,5000,20000`` (``_`` and spaces allowed in the numbers)."""
    try:
        return [int(part.replace("_", "").strip()) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a number of orders, or several separated by commas (1250,5000)"
        ) from None


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument(
        "--variants", type=int, default=3, help="variants per product (the bench seed makes 3)"
    )
    parser.add_argument(
        "--orders",
        type=_sizes,
        default=[5000],
        help="orders in the shop; several (1250,5000,20000) run the scaling mode",
    )
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="a first import per size in a child process (peak RSS); implied by several --orders",
    )
    parser.add_argument("--speed", type=float, default=60.0, help="sandbox clock speed-up")
    parser.add_argument(
        "--shopify-api",
        choices=("graphql", "rest"),
        default=DEFAULT_SHOPIFY_API,
        help="scaling mode: the Shopify Admin API the imports read through (the sync's default)",
    )
    parser.add_argument(
        "--stepped",
        action="store_true",
        help="a sandbox clock that moves only when a client waits (minutes the same on any "
        "machine)",
    )
    parser.add_argument("--apis", action="store_true", help="only shopxero's REST and GraphQL runs")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    parser.add_argument(
        "--from-json", type=Path, help="print the tables of a saved --out file, run nothing"
    )
    args = parser.parse_args(argv)
    if args.variants != 3:
        parser.error("--variants: the bench seed makes exactly 3 variants per product")
    for name in ("customers", "products"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if min(args.orders) < 1:
        parser.error("--orders must each be at least 1")
    args.scaling = args.scaling or len(args.orders) > 1
    if args.speed <= 0:
        parser.error("--speed must be positive")
    if args.scaling and (args.stepped or args.apis):
        parser.error("--stepped and --apis are for one size, not the scaling mode")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.scaling or (args.from_json and "scaling" in _load(args.from_json)):
        return _scaling_main(args)
    if args.from_json:
        result = json.loads(args.from_json.read_text(encoding="utf-8"))
        if "naive" in result:
            # Derived figures follow the current definitions; the measured counts are as saved.
            result["comparison"] = _compare(
                result["shopxero"], result["shopxero_invoices_only"], result["naive"]
            )
    else:
        result = run_benchmark(
            customers=args.customers,
            products=args.products,
            orders=args.orders[0],
            speed=args.speed,
            stepped=args.stepped,
            apis_only=args.apis,
        )
    _emit(result, args, markdown=markdown_tables, table=print_tables)
    return 0


def _emit(
    result: dict[str, Any],
    args: argparse.Namespace,
    *,
    markdown: Callable[[dict[str, Any]], str],
    table: Callable[[dict[str, Any]], None],
) -> None:
    """The result as JSON (``--json``, ``--out``), Markdown (``--markdown``) or rich tables."""
    text = json.dumps(result, indent=2, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        print(text)
    elif args.markdown:
        print(markdown(result))
    else:
        table(result)


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _scaling_main(args: argparse.Namespace) -> int:
    if args.from_json:
        result = _load(args.from_json)
    else:
        result = run_scaling(
            customers=args.customers,
            products=args.products,
            orders=args.orders,
            speed=args.speed,
            shopify_api=args.shopify_api,
        )
    _emit(result, args, markdown=scaling_markdown, table=print_scaling)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
