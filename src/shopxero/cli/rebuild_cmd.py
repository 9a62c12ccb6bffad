"""``shopxero rebuild``: a new state DB built from Xero and Shopify (no Xero write).

The new DB is built beside the old one (``state.db.rebuilding``) and only moved into place once
the rebuild has finished, so a failed rebuild (Xero unreachable, bad credentials) changes nothing.
The old file is never deleted: it is moved aside as ``state.db.corrupt-<time>`` when it could not
be used, or ``state.db.replaced-<time>`` when it could. Exit 0 done, 2 could not run.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shopxero.cli.app import EXIT_OK, AppContext, app
from shopxero.cli.layout import compact_table, print_message, utc_minute
from shopxero.cli.sync_cmd import _guarded, _progress
from shopxero.config import Settings
from shopxero.engine.run_report import ENTITIES
from shopxero.engine.runlock import run_lock
from shopxero.errors import StoreError
from shopxero.rebuild.run import REBUILD_OUTCOMES, RebuildReport, rebuild_state
from shopxero.store import StateStore

__all__ = ["RebuildResult", "run_rebuild"]

console = Console()
_SIDECARS = ("-wal", "-shm", "-journal")


@dataclass
class RebuildResult:
    report: RebuildReport
    state_db: Path
    moved_aside: Path | None  # where the previous state DB went, if there was one
    previous_state: str | None  # "corrupt" or "replaced"


def _move(source: Path, target: Path) -> None:
    """Move a SQLite file together with its journal files (so the moved copy stays readable)."""
    os.replace(source, target)
    for suffix in _SIDECARS:
        side = Path(f"{source}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))


def _remove(path: Path) -> None:
    for candidate in (path, *(Path(f"{path}{s}") for s in _SIDECARS)):
        candidate.unlink(missing_ok=True)


def _previous_state(path: Path) -> str | None:
    """None when there is no state DB; "corrupt" when it cannot be used; else "replaced"."""
    if not path.exists():
        return None
    try:
        StateStore.open(path).close()
    except StoreError:
        return "corrupt"
    return "replaced"


def run_rebuild(settings: Settings, *, show_progress: bool = False) -> RebuildResult:
    """Build a new state DB from the APIs, then move the old one aside and the new one in."""
    from shopxero.clients import build_clients, store_call_sink

    with run_lock(settings.data_dir, hint="rebuild when it has finished"):
        target = settings.state_db_path
        building = target.with_name(f"{target.name}.rebuilding")
        _remove(building)  # left over by an interrupted rebuild
        try:
            with StateStore.open(building) as store:

                async def go() -> RebuildReport:
                    async with build_clients(
                        settings, call_sink=store_call_sink(store), store=store
                    ) as c:
                        with _progress(show_progress) as progress:
                            return await rebuild_state(
                                store,
                                shopify=c.shopify,
                                xero=c.xero,
                                settings=settings,
                                progress=progress,
                            )

                report = asyncio.run(go())
        except BaseException:
            _remove(building)
            raise
        previous = _previous_state(target)
        aside: Path | None = None
        if previous is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = target.with_name(f"{target.name}.{previous}-{stamp}")
            _move(target, aside)
        _move(building, target)
        return RebuildResult(report, target, aside, previous)


def _print(result: RebuildResult) -> None:
    report = result.report
    table = compact_table("shopxero rebuild (nothing written to Xero; times UTC)")
    table.add_column("entity", no_wrap=True)
    for outcome in REBUILD_OUTCOMES:
        table.add_column(outcome.replace("_", " "), justify="right", no_wrap=True)
    table.add_column("read up to")
    for entity in ENTITIES:
        counts = report.counts[entity]
        cursor = report.cursors.get(entity)
        table.add_row(
            entity,
            *(str(counts[o]) for o in REBUILD_OUTCOMES),
            utc_minute(cursor) if cursor else "(all, next sync)",
        )
    console.print(table)
    if report.guest_contact:
        console.print(f"guest contact linked: {report.guest_contact}", markup=False)
    if report.unlinked:
        # One line per record, its reason wrapped below it (80 columns).
        console.print(f"not linked: {len(report.unlinked)}", markup=False, highlight=False)
        for u in report.unlinked:
            record = u.label if u.shopify_id in u.label else f"{u.label} ({u.shopify_id})"
            console.print(f"  {u.resource}: {record}", markup=False, highlight=False)
            print_message(console, u.reason)
    for note in report.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    if result.moved_aside is not None:
        why = "could not be used" if result.previous_state == "corrupt" else "was replaced"
        console.print(f"the previous state DB {why}; kept as {result.moved_aside}", markup=False)
    console.print(
        f"{report.linked} record(s) linked into {result.state_db}; run `shopxero sync` next "
        "(it creates the missing records and updates the ones that differ).",
        markup=False,
    )


@app.command("rebuild")
def rebuild_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Rebuild the state DB (mappings, checksums, cursors) from Xero and Shopify."""
    app_ctx: AppContext = ctx.obj
    settings = _guarded(app_ctx.settings)
    result: RebuildResult = _guarded(run_rebuild, settings, show_progress=not as_json)
    if as_json:
        data = result.report.to_json()
        data["state_db"] = str(result.state_db)
        data["moved_aside"] = str(result.moved_aside) if result.moved_aside else None
        typer.echo(json.dumps(data, indent=2))
    else:
        _print(result)
    raise typer.Exit(EXIT_OK)
