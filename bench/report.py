"""The benchmark's result (``bench/run.py`` JSON) as rich tables, as recorded in the README."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from bench.counts import payouts_calls

__all__ = ["print_tables"]

SERVICES = ("shopify", "xero")
LABELS = {
    "first_import": "first import",
    "rerun": "rerun, no change",
    "day": "a day's increment",
}


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:g}x"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def calls_table(result: dict[str, Any]) -> Table:
    ours, same, naive = result["shopxero"], result["shopxero_invoices_only"], result["naive"]
    comp, sizes = result["comparison"], result["sizes"]
    table = Table(
        title=(
            f"API calls: {sizes['customers']:,} customers, {sizes['variants']:,} variants, "
            f"{sizes['orders']:,} orders"
        )
    )
    headers = (
        "phase",
        "shopxero: Shopify",
        "shopxero: Xero",
        "invoices only: Shopify",
        "invoices only: Xero",
        "one-per-record: Shopify",
        "one-per-record: Xero",
        "Xero ratio",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "phase" else "right")
    for phase, label in LABELS.items():
        table.add_row(
            label,
            *(f"{run[phase][svc]['calls']:,}" for run in (ours, same, naive) for svc in SERVICES),
            _ratio(comp["xero_ratio"][phase]),
        )
    return table


def limits_table(result: dict[str, Any]) -> Table:
    comp, ours, naive = result["comparison"], result["shopxero"], result["naive"]
    first = comp["first_import_xero_calls"]
    naive_first = naive["first_import"]["xero"]["calls"]
    table = Table(title=f"Budgets and rate limits (sandbox clock x{result['speed']:g})")
    table.add_column("measure")
    table.add_column("shopxero", justify="right")
    table.add_column("one-per-record", justify="right")
    yes_no = {True: "yes", False: "no"}
    table.add_row(
        "first import within Xero's 5,000/day",
        f"{yes_no[comp['first_import_fits_day_budget']]} ({first:,} calls)",
        f"{yes_no[naive_first <= 5000]} ({_days(comp['naive_first_import_days_at_5000'])})",
    )
    table.add_row(
        "first import within Starter's 1,000/day",
        yes_no[comp["first_import_fits_starter_budget"]],
        f"{yes_no[naive_first <= 1000]} ({_days(comp['naive_first_import_days_at_1000'])})",
    )
    table.add_row(
        "Xero peak calls per sandbox minute (limit 60)",
        f"{comp['xero_peak_per_minute']} ({comp['xero_share_of_minute_limit']:.0%})",
        f"{comp['naive_xero_peak_per_minute']}",
    )
    table.add_row("Xero 429s received", f"{comp['xero_429s']}", f"{comp['naive_xero_429s']}")
    table.add_row(
        "Shopify peak calls per sandbox minute (bucket: at most 160)",
        f"{comp['shopify_peak_per_minute']} ({comp['shopify_share_of_minute_max']:.0%})",
        "",
    )
    table.add_row("Shopify 429s received", f"{comp['shopify_429s']}", "")
    payouts = comp.get("payouts_first_import")
    if payouts:
        table.add_row(
            "payouts posted in the first import (Xero calls / fewest possible)",
            f"{payouts['transfers']:,} transfers, {payouts['spend']:,} spend, "
            f"{payouts['receive']:,} receive: {payouts['xero_calls']:,} / "
            f"{payouts['lower_bound_calls']:,} calls",
            "",
        )
    table.add_row(
        "records queued after the first import",
        f"{ours['first_import']['queued']}",
        f"{naive['first_import']['queued']}",
    )
    return table


def shopify_api_table(result: dict[str, Any]) -> Table | None:
    """Shopify read through REST and through GraphQL, the same job (None for results saved
    before the GraphQL run existed)."""
    graphql = result.get("shopxero_graphql")
    if graphql is None:
        return None
    rest = result["shopxero"]
    clock = "a clock moved only by the clients' waits" if result.get("stepped") else None
    title = "Reading Shopify: REST and GraphQL (the same run otherwise)"
    table = Table(title=f"{title}; {clock}" if clock else title)
    headers = (
        "phase",
        "REST: Shopify calls",
        "GraphQL: Shopify calls",
        "GraphQL: without payouts",
        "REST: sandbox minutes",
        "GraphQL: sandbox minutes",
        "REST: Shopify minutes",
        "GraphQL: Shopify minutes",
        "GraphQL: Shopify minutes without payouts",
        "REST: Xero calls",
        "GraphQL: Xero calls",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "phase" else "right")
    for phase, label in LABELS.items():
        table.add_row(
            label,
            f"{rest[phase]['shopify']['calls']:,}",
            f"{graphql[phase]['shopify']['calls']:,}",
            f"{graphql[phase]['shopify']['calls'] - _payouts(graphql[phase]):,}",
            f"{rest[phase]['sandbox_minutes']:g}",
            f"{graphql[phase]['sandbox_minutes']:g}",
            _minutes(rest[phase].get("shopify_minutes")),
            _minutes(graphql[phase].get("shopify_minutes")),
            _minutes(_without_payouts(graphql[phase])),
            f"{rest[phase]['xero']['calls']:,}",
            f"{graphql[phase]['xero']['calls']:,}",
        )
    return table


def _minutes(value: float | None) -> str:
    """Shopify minutes (``-`` in results saved before they were measured)."""
    return "-" if value is None else f"{value:g}"


def _without_payouts(phase: dict[str, Any]) -> float | None:
    total, payouts = phase.get("shopify_minutes"), phase.get("shopify_minutes_payouts")
    if total is None or payouts is None:
        return None
    return round(total - payouts, 3)


def _payouts(phase: dict[str, Any]) -> int:
    """The payouts step's Shopify calls (results saved before they were counted: from the
    endpoints)."""
    shopify = phase["shopify"]
    return int(shopify.get("payouts", payouts_calls(shopify["by_endpoint"])))


def _tables(result: dict[str, Any]) -> list[Table]:
    # A run of the two APIs alone (``--apis``) has no baseline to compare with.
    tables = [calls_table(result), limits_table(result)] if "naive" in result else []
    api = shopify_api_table(result)
    return tables + ([api] if api is not None else [])


def print_tables(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    for table in _tables(result):
        console.print(table)


def markdown_tables(result: dict[str, Any]) -> str:
    """The same two tables as Markdown, for the README."""
    lines: list[str] = []
    for table in _tables(result):
        headers = [str(c.header) for c in table.columns]
        rows = list(zip(*(list(c.cells) for c in table.columns), strict=True))
        lines.append(f"**{table.title}**")
        lines.append("")
        lines.append("| " + " | ".join(headers) + " |")
        lines.append(
            "| "
            + " | ".join("---" if c.justify == "left" else "---:" for c in table.columns)
            + " |"
        )
        lines.extend("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)
        lines.append("")
    return "\n".join(lines)
