"""``shopxero sync``, ``shopxero status`` and ``shopxero errors list|retry|resolve``.

Exit codes (docs/architecture.md): 0 all synced; 1 some records failed and are queued (also: a run
stopped cleanly by the Xero day budget, with a message saying when it can resume); 2 could not run
(config, auth, connectivity) with a one-line reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from rich.text import Text

from shopxero.checks.fixes import fix_for
from shopxero.cli.app import EXIT_FAILED_RECORDS, EXIT_OK, EXIT_UNABLE, AppContext, app
from shopxero.cli.layout import (
    compact_table,
    duration_text,
    print_message,
    run_status_text,
    utc_minute,
)
from shopxero.cli.retry_outcome import (
    RetryOutcome,
    after_retry,
    not_retried,
    print_outcomes,
    record_name,
)
from shopxero.cli.term_signal import finish_on_sigterm
from shopxero.config import Settings
from shopxero.engine.run_report import (
    ENTITIES,
    INTERRUPTED_MESSAGE,
    LIFE_ENTITIES,
    OUTCOMES,
    RunReport,
)
from shopxero.entities.payouts import PAYOUTS
from shopxero.errors import (
    ApiAuthError,
    ApiError,
    AuthError,
    ConfigError,
    StoreError,
    TransientApiError,
)
from shopxero.exit_codes import EXIT_ABORTED
from shopxero.run import session
from shopxero.run.session import exit_code_for
from shopxero.store import StateStore
from shopxero.store.errors_queue import QueuedError
from shopxero.store.runs import RunRecord

__all__ = ["errors_app", "print_report", "run_sync"]

console = Console()
err_console = Console(stderr=True)
errors_app = typer.Typer(help="The error queue: list, retry or resolve records that failed.")
app.add_typer(errors_app, name="errors")


class RichProgress:
    """The engine's ProgressSink drawn as rich progress bars."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def start(self, entity: str, total: int) -> None:
        self._tasks[entity] = self._progress.add_task(entity, total=total)

    def grow(self, entity: str, more: int) -> None:
        if entity in self._tasks and more:
            task = self._tasks[entity]
            total = next(t.total for t in self._progress.tasks if t.id == task) or 0
            self._progress.update(task, total=total + more)

    def advance(self, entity: str, count: int = 1) -> None:
        if entity in self._tasks and count:
            self._progress.advance(self._tasks[entity], count)


@contextmanager
def _progress(enabled: bool) -> Iterator[RichProgress | None]:
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        yield RichProgress(progress)


def run_sync(
    settings: Settings,
    *,
    dry_run: bool = False,
    only: list[str] | None = None,
    retry_ids: list[int] | None = None,
    retry_all: bool = False,
    show_progress: bool = True,
    refresh_org: bool = False,
) -> RunReport:
    """``engine.session.run_sync`` with rich progress bars and warnings on stderr.

    Ctrl-C ends it with exit 130 and says so; the run history records it as ``interrupted``."""
    try:
        with _progress(show_progress) as progress:
            return session.run_sync(
                settings,
                dry_run=dry_run,
                only=only,
                retry_ids=retry_ids,
                retry_all=retry_all,
                refresh_org=refresh_org,
                progress=progress,
                warn=_warn,
            )
    except KeyboardInterrupt:
        err_console.print(INTERRUPTED_MESSAGE, markup=False, highlight=False)
        raise typer.Exit(EXIT_ABORTED) from None


def _say(message: str) -> None:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)


def _warn(message: str) -> None:
    from shopxero.cli.logging_setup import active_log_format

    if active_log_format() == "json":
        # A JSON-lines log on stderr stays parseable line by line.
        logging.getLogger("shopxero.sync").warning(message)
        return
    err_console.print(f"warning: {message}", markup=False, highlight=False, soft_wrap=True)


def _shown(value: object) -> str:
    """A changed field's value as JSON, Xero's own notation (no Python reprs of dicts)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _print_skipped(report: RunReport, *, named: bool) -> None:
    """Records skipped by rule: each with its reason (``-v``, dry runs), else how many."""
    if not report.skipped:
        return
    if not named:
        console.print(
            f"{len(report.skipped)} record(s) skipped by rule (a test order, a financial status "
            "not synced, before the start date ...); with -v each is named with its reason",
            markup=False,
            highlight=False,
        )
        return
    console.print(f"skipped by rule ({len(report.skipped)}):", markup=False, highlight=False)
    for s in report.skipped:
        console.print(f"  {s.label}: {s.reason}", markup=False, highlight=False)


def print_report(
    report: RunReport,
    *,
    title: str = "shopxero sync",
    shopxero: str = "shopxero",
    verbose: bool = False,
) -> None:
    """The run's counts, plan and notes. ``shopxero``: the command with the global options that
    reach this data dir (``AppContext.command``), so the hints printed work as printed;
    ``verbose`` (``-v``) names each record skipped by rule."""
    table = Table(title=f"{title}{' (dry run: nothing written)' if report.dry_run else ''}")
    table.add_column("entity")
    for outcome in OUTCOMES:
        table.add_column(outcome, justify="right")
    for entity in ENTITIES:
        counts = report.counts.get(entity, {})
        table.add_row(entity, *(str(counts.get(o, 0)) for o in OUTCOMES))
    for entity in LIFE_ENTITIES:  # what orders' lives made (or, in a dry run, would make)
        counts = report.counts.get(entity, {})
        if any(counts.values()):
            table.add_row(f"  {entity}", *(str(counts.get(o, 0)) for o in OUTCOMES))
    payouts = report.counts.get(PAYOUTS, {})  # one per payout (docs/payouts.md)
    if any(payouts.values()):
        table.add_row(PAYOUTS, *(str(payouts.get(o, 0)) for o in OUTCOMES))
    console.print(table)
    if report.dry_run:
        for entity, changes in report.plan.items():
            for change in changes:
                line = f"  {entity}: {change.action} {change.desired.label} — {change.reason}"
                console.print(line, markup=False, highlight=False)
                for field_name, (old, new) in change.diff.items():
                    diff = f"{field_name}: {_shown(old)} -> {_shown(new)}"
                    console.print(Padding(Text(diff), (0, 0, 0, 6)), highlight=False)
    _print_skipped(report, named=verbose or report.dry_run)
    for note in report.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    if report.queue_size:
        console.print(
            f"{report.queue_size} record(s) in the error queue: `{shopxero} errors list`",
            markup=False,
            soft_wrap=True,  # a command to copy: never broken over two lines
        )
    if report.message:
        console.print(report.message, markup=False)


def _guarded(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Turn 'could not run' failures into a one-line reason (with the fix, when the settings are
    among the arguments and the failure has a known one) and exit 2."""
    settings = next((a for a in args if isinstance(a, Settings)), None)
    try:
        return fn(*args, **kwargs)
    except (ConfigError, AuthError, ApiAuthError, StoreError) as exc:
        _print_unable(f"error: {exc}", fix_for(settings, exc))
        raise typer.Exit(EXIT_UNABLE) from None
    except (TransientApiError, ApiError) as exc:
        _print_unable(f"error: could not reach the API: {exc}", fix_for(settings, exc))
        raise typer.Exit(EXIT_UNABLE) from None


def _print_unable(reason: str, fix: str | None) -> None:
    text = f"{reason}; fix: {fix}" if fix else reason
    err_console.print(text, markup=False, highlight=False, soft_wrap=True)


def _only(value: str | None) -> list[str] | None:
    if value is None:
        return None
    if value not in ENTITIES:
        err_console.print(f"error: --only must be one of {', '.join(ENTITIES)}", markup=False)
        raise typer.Exit(EXIT_UNABLE)
    return [value]


@app.command("sync")
def sync_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; write nothing to Xero.")
    ] = False,
    only: Annotated[
        str | None, typer.Option("--only", help="customers, products or orders only.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as JSON.")] = False,
    refresh_org: Annotated[
        bool,
        typer.Option(
            "--refresh-org", help="Re-read the Xero chart of accounts, tax rates and shop settings."
        ),
    ] = False,
) -> None:
    """Bring Xero in step with Shopify (exit 0 synced, 1 records queued, 2 could not run)."""
    app_ctx: AppContext = ctx.obj
    settings = _guarded(app_ctx.settings)
    # Here, not in run_sync: the scheduler's ticks keep the scheduler's own SIGTERM handling.
    with finish_on_sigterm(_say):
        report: RunReport = _guarded(
            run_sync,
            settings,
            dry_run=dry_run,
            only=_only(only),
            show_progress=not as_json,
            refresh_org=refresh_org,
        )
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, default=str))
    else:
        print_report(report, shopxero=app_ctx.command(), verbose=app_ctx.verbose)
    raise typer.Exit(exit_code_for(report))


@app.command("status")
def status_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Last runs, their counts, the cursors and the error-queue size."""
    app_ctx: AppContext = ctx.obj
    settings = _guarded(app_ctx.settings)
    store = _guarded(StateStore.open, settings.state_db_path)
    with store:
        runs = store.runs.recent(5)
        data = {
            "runs": [
                {
                    "id": r.id,
                    "started_at": r.started_at.isoformat(),
                    "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                    "status": r.status,
                    "dry_run": r.dry_run,
                    "counts": r.counts,
                    "message": r.message,
                }
                for r in runs
            ],
            "cursors": {k: v.isoformat() for k, v in store.cursors.all().items()},
            "mappings": {e: store.mappings.count(e) for e in ("contact", "item", "invoice")},
            "queue_size": store.errors.count_open(),
        }
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    _print_status(runs, data)


_RUN_COUNTS = ("created", "updated", "linked", "failed")


def _print_status(runs: list[RunRecord], data: dict[str, Any]) -> None:
    """Recent runs one a line (80 columns), their messages below; then cursors and sizes."""
    table = compact_table("recent runs (times UTC)")
    table.add_column("run", justify="right", no_wrap=True)
    table.add_column("started", no_wrap=True)
    table.add_column("took", justify="right", no_wrap=True)
    table.add_column("status")
    for outcome in _RUN_COUNTS:
        table.add_column(outcome, justify="right", no_wrap=True)
    for r in runs:
        totals = {o: sum(c.get(o, 0) for c in r.counts.values()) for o in _RUN_COUNTS}
        table.add_row(
            str(r.id),
            utc_minute(r.started_at),
            duration_text(r.started_at, r.finished_at),
            run_status_text(r.status, dry_run=r.dry_run),
            *(str(totals[o]) for o in _RUN_COUNTS),
        )
    if runs:
        console.print(table)
    else:
        console.print("no run yet: `shopxero sync`", markup=False)
    for r in runs:
        if r.message:
            console.print(f"run {r.id}:", markup=False, highlight=False)
            print_message(console, r.message)
    cursors: dict[str, str] = data["cursors"]
    for name in sorted(
        cursors, key=lambda n: (n not in ENTITIES, ENTITIES.index(n) if n in ENTITIES else 0, n)
    ):
        value = cursors[name]
        when = utc_minute(datetime.fromisoformat(value))
        console.print(f"{name} read up to {when} UTC", markup=False, highlight=False)
    mapped = data["mappings"]
    console.print(
        f"records in Xero: {mapped['contact']} contacts, {mapped['item']} items, "
        f"{mapped['invoice']} invoices",
        markup=False,
        highlight=False,
    )
    queue = data["queue_size"]
    hint = ": `shopxero errors list`" if queue else ""
    console.print(f"error queue: {queue} open{hint}", markup=False, highlight=False)


def _entry_json(e: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "entity": e.entity,
        "shopify_id": e.shopify_id,
        "xero_id": e.xero_id,
        "operation": e.operation,
        "label": e.label,
        "error_class": e.error_class,
        "message": e.message,
        "validation_messages": e.validation_messages,
        "retryable": e.retryable,
        "attempts": e.attempts,
        "next_retry_at": e.next_retry_at.isoformat() if e.next_retry_at else None,
    }


@errors_app.command("list")
def errors_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    error_id: Annotated[int | None, typer.Option("--id", help="Only this entry.")] = None,
) -> None:
    """Open entries of the error queue."""
    settings = _guarded(ctx.obj.settings)
    with _guarded(StateStore.open, settings.state_db_path) as store:
        entries = [e for e in store.errors.list_open() if error_id in (None, e.id)]
    if as_json:
        typer.echo(json.dumps([_entry_json(e) for e in entries], indent=2))
        return
    if not entries:
        console.print("the error queue is empty")
        return
    print_entries(entries)


def _retry_text(entry: QueuedError) -> str:
    if not entry.retryable:
        return "after a fix"
    return f"auto {utc_minute(entry.next_retry_at)}" if entry.next_retry_at else "auto"


def print_entries(entries: list[QueuedError]) -> None:
    """One line per entry (id, retry, attempts, record), its message wrapped below it."""
    id_width = max([2, *(len(str(e.id)) for e in entries)])
    retry_width = max(len(_retry_text(e)) for e in entries)
    header = f"{'id':>{id_width}}  {'retry':<{retry_width}}  tries  record"
    console.print(f"error queue: {len(entries)} open (times UTC)", markup=False, highlight=False)
    console.print(header, style="bold", markup=False, highlight=False)
    for e in entries:
        line = f"{e.id:>{id_width}}  {_retry_text(e):<{retry_width}}  {e.attempts:>5}  "
        console.print(Text(line) + Text(record_name(e)), highlight=False)
        print_message(console, e.message)
    if any(not e.retryable for e in entries):
        console.print(
            "'after a fix': fix what the message says, then `shopxero errors retry --id ID`, "
            "or close the entry with `shopxero errors resolve --id ID`",
            markup=False,
            highlight=False,
        )


@errors_app.command("retry")
def errors_retry(
    ctx: typer.Context,
    error_id: Annotated[
        list[int] | None, typer.Option("--id", help="Retry this entry (even a permanent one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as JSON.")] = False,
) -> None:
    """Sync the queued records again (all retryable ones, or the given --id), saying what
    became of each entry and why."""
    settings = _guarded(ctx.obj.settings)
    with _guarded(StateStore.open, settings.state_db_path) as store:
        open_entries = store.errors.list_open()
    if error_id:
        retried = [e for e in open_entries if e.id in set(error_id)]
        skipped: list[RetryOutcome] = []
    else:
        retried = [e for e in open_entries if e.retryable]
        skipped = not_retried(open_entries)
    if not retried and not error_id:
        _print_nothing_to_retry(skipped, as_json=as_json)
        raise typer.Exit(EXIT_FAILED_RECORDS if skipped else EXIT_OK)
    report: RunReport = _guarded(
        run_sync,
        settings,
        retry_ids=list(error_id) if error_id else None,
        retry_all=not error_id,
        show_progress=not as_json,
    )
    with _guarded(StateStore.open, settings.state_db_path) as store:
        outcomes = after_retry(retried, [store.errors.get(e.id) for e in retried]) + skipped
    if as_json:
        data = report.to_json() | {"entries": [o.to_json() for o in outcomes]}
        typer.echo(json.dumps(data, indent=2, default=str))
    else:
        print_report(
            report,
            title="shopxero errors retry",
            shopxero=ctx.obj.command(),
            verbose=ctx.obj.verbose,
        )
        print_outcomes(console, outcomes)
    raise typer.Exit(exit_code_for(report))


def _print_nothing_to_retry(skipped: list[RetryOutcome], *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"entries": [o.to_json() for o in skipped]}, indent=2))
        return
    if not skipped:
        console.print("the error queue is empty: nothing to retry", markup=False)
        return
    console.print(
        f"nothing retried: the {len(skipped)} open "
        + ("entry needs" if len(skipped) == 1 else "entries need")
        + " a fix first",
        markup=False,
        highlight=False,
    )
    print_outcomes(console, skipped)


@errors_app.command("resolve")
def errors_resolve(
    ctx: typer.Context,
    error_id: Annotated[int, typer.Option("--id", help="The entry to close.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Close an entry by hand (you fixed or accepted it yourself)."""
    settings = _guarded(ctx.obj.settings)
    with _guarded(StateStore.open, settings.state_db_path) as store:
        done = store.errors.resolve(error_id)
    if as_json:
        typer.echo(json.dumps({"id": error_id, "resolved": done}))
    else:
        console.print(f"error {error_id} resolved" if done else f"no open error {error_id}")
    raise typer.Exit(EXIT_OK if done else EXIT_UNABLE)
