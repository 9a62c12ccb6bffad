"""The problems shopxero notifies about, built from what a run, the token file or ``doctor``
found. Keys: ``run:queue``, ``run:failure``, ``run:stopped``, ``xero:refresh-token``,
``doctor:<service>:<check>``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from shopxero.checks.doctor import Check
from shopxero.errors import ShopxeroError
from shopxero.notify.problems import Problem
from shopxero.store.errors_queue import QueuedError
from shopxero.xero.tokens import load_token_file, refresh_token_warning

__all__ = [
    "QUEUE",
    "RUN_FAILURE",
    "RUN_STOPPED",
    "TOKEN",
    "doctor_problems",
    "failure_problem",
    "queue_problem",
    "stopped_problem",
    "token_problem",
]

QUEUE = "run:queue"
RUN_FAILURE = "run:failure"
RUN_STOPPED = "run:stopped"
TOKEN = "xero:refresh-token"
DOCTOR = "doctor:"
_LINE = 240  # characters of one queued record's message


def queue_problem(entries: Sequence[QueuedError]) -> Problem | None:
    """Records waiting in the error queue; each entry id is a member, so only a record queued
    since the last notice is news."""
    if not entries:
        return None
    items = {}
    for e in entries:
        what = e.label or f"{e.entity} {e.shopify_id}"
        how = "retried automatically" if e.retryable else "needs a fix, then `errors retry`"
        message = e.message if len(e.message) <= _LINE else e.message[: _LINE - 1] + "…"
        items[str(e.id)] = f"#{e.id} {what} ({how}): {message}"
    return Problem(
        QUEUE,
        "records could not be synced to Xero",
        f"{len(entries)} record(s) wait in the error queue. See them with "
        "`shopxero errors list`; fix the cause, then run `shopxero errors retry`.",
        "warning",
        items,
    )


def failure_problem(exc: BaseException) -> Problem:
    """A run that could not run (exit 2); the kind of error is the member, so a different
    failure is news and the same one every tick is not."""
    kind = type(exc).__name__
    reason = str(exc) if isinstance(exc, ShopxeroError) else f"{kind}: {exc}"
    return Problem(
        RUN_FAILURE,
        "the sync could not run",
        "The last sync stopped before writing anything more (exit 2). Nothing is lost; the "
        "next run starts where this one stopped once the cause is fixed. Run `shopxero doctor` "
        "for the checks and their fixes.",
        "failure",
        {kind: reason},
    )


def stopped_problem(status: str, message: str | None) -> Problem | None:
    """A run stopped cleanly before the end (the Xero day budget): it resumes by itself."""
    if status != "stopped":
        return None
    return Problem(
        RUN_STOPPED,
        "the sync stopped before finishing",
        f"{message or 'The run stopped early.'}\nA scheduled sync resumes by itself; nothing "
        "to do unless it stops like this every day.",
        "warning",
    )


def token_problem(token_file: Path, now: datetime) -> Problem | None:
    """The web app's refresh token near (or past) its 60 days unused (xero-api-notes §1.3).

    A damaged or missing file is not this problem: the run (or ``doctor``) reports it."""
    try:
        tokens = load_token_file(token_file)
    except ShopxeroError:
        return None
    warning = refresh_token_warning(tokens, now) if tokens is not None else None
    if warning is None:
        return None
    return Problem(
        TOKEN,
        "the Xero connection is about to expire",
        f"{warning[0].upper()}{warning[1:]}.",
        "failure" if "has expired" in warning else "warning",
    )


def doctor_problems(checks: Sequence[Check]) -> list[Problem]:
    """One problem per check in error ("red"); warnings are not notified."""
    return [
        Problem(
            f"{DOCTOR}{check.service}:{check.name}",
            f"doctor: {check.service} {check.name} is failing",
            f"{check.detail}\nFix: {check.fix}" if check.fix else check.detail,
            "failure",
        )
        for check in checks
        if check.status == "error"
    ]
