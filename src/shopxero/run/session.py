"""One sync run as a library call: the run lock, the state DB, the clients and the engine.

``shopxero sync``, ``demo``, ``errors retry`` and the scheduler all run the sync through
``run_sync``; the CLI only adds progress bars and the way warnings are shown. At the end of a
run that is not a dry run, the configured notification channels hear about what needs a person
(``shopxero.notify``: new queued records, a run that could not run, the Xero connection's age).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from shopxero.clients import build_clients, check_xero_connection, store_call_sink
from shopxero.config import Settings
from shopxero.engine.run_report import ProgressSink, RunReport
from shopxero.engine.runlock import run_lock
from shopxero.errors import ConfigError
from shopxero.exit_codes import EXIT_FAILED_RECORDS, EXIT_OK
from shopxero.notify import notify_after_run, notify_failure
from shopxero.run.engine import SyncEngine
from shopxero.store import StateStore
from shopxero.store.errors_queue import QueuedError

__all__ = ["exit_code_for", "run_sync"]


def _log_warning(message: str) -> None:
    logging.getLogger("shopxero.sync").warning(message)


def run_sync(
    settings: Settings,
    *,
    dry_run: bool = False,
    only: list[str] | None = None,
    retry_ids: list[int] | None = None,
    retry_all: bool = False,
    refresh_org: bool = False,
    progress: ProgressSink | None = None,
    warn: Callable[[str], None] = _log_warning,
) -> RunReport:
    """Open the state DB, build the clients and run one sync (or a retry of queued records).

    One sync at a time per data dir (``engine.runlock``); a second one raises
    ``RunInProgressError`` (exit 2 with the reason; the scheduler skips the tick).
    """
    with run_lock(settings.data_dir):
        return _run_sync_locked(
            settings,
            dry_run=dry_run,
            only=only,
            retry_ids=retry_ids,
            retry_all=retry_all,
            refresh_org=refresh_org,
            progress=progress,
            warn=warn,
        )


def _run_sync_locked(
    settings: Settings,
    *,
    dry_run: bool,
    only: list[str] | None,
    retry_ids: list[int] | None,
    retry_all: bool,
    refresh_org: bool,
    progress: ProgressSink | None,
    warn: Callable[[str], None],
) -> RunReport:
    with StateStore.open(settings.state_db_path) as store:
        if refresh_org:
            store.cache.clear()
        retry = None
        if retry_ids is not None or retry_all:
            open_entries = store.errors.list_open()
            if retry_ids:
                retry = [e for e in open_entries if e.id in set(retry_ids)]
                missing = set(retry_ids) - {e.id for e in retry}
                if missing:
                    raise ConfigError(f"no open error with id {sorted(missing)}")
            else:
                retry = [e for e in open_entries if e.retryable]
        try:
            report = _run_engine(settings, store, dry_run, only, retry, progress, warn)
        except Exception as exc:
            if not dry_run:  # tell a person; the error still ends the run as before (exit 2)
                notify_failure(settings, store, exc)
            raise
        if not dry_run:
            notify_after_run(settings, store, status=report.status, message=report.message)
        return report


def _run_engine(
    settings: Settings,
    store: StateStore,
    dry_run: bool,
    only: list[str] | None,
    retry: list[QueuedError] | None,
    progress: ProgressSink | None,
    warn: Callable[[str], None],
) -> RunReport:
    engines: list[SyncEngine] = []
    sink = store_call_sink(store, lambda: engines[0].current_run_id if engines else None)

    async def go() -> RunReport:
        async with build_clients(settings, call_sink=sink, warn=warn, store=store) as clients:
            # Before any work, so broken Xero credentials stop even a run with nothing to write.
            await check_xero_connection(settings, clients)
            engine = SyncEngine(
                store=store,
                shopify=clients.shopify,
                xero=clients.xero,
                settings=settings,
                progress=progress,
            )
            engines.append(engine)
            return await engine.run(dry_run=dry_run, only=only, retry=retry)

    return asyncio.run(go())


def exit_code_for(report: RunReport) -> int:
    """``shopxero sync``'s exit code for a run that finished: 0 all synced, 1 records queued."""
    return EXIT_OK if report.status == "ok" else EXIT_FAILED_RECORDS
