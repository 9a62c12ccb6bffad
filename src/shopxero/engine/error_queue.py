"""The one way a record goes into the error queue (``shopxero errors``) during a run.

Every failure a run files (a record that cannot be mapped, a write Xero refused, a conflict, a
step of an order's life) comes through ``queue_error``: in a dry run it only says, in the run's
notes, what it would queue; otherwise it records (or updates) the entry in its own savepoint.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopxero.engine.context import RunContext

__all__ = ["queue_error"]


def queue_error(
    ctx: RunContext,
    *,
    resource: str,
    shopify_id: str,
    label: str,
    operation: str,
    error_class: str,
    message: str,
    retryable: bool,
    messages: Sequence[str] = (),
    xero_id: str | None = None,
    checksum: str | None = None,
) -> None:
    """Queue ``resource`` ``shopify_id`` (``customers``, ``4412``) with Xero's ``messages``."""
    if ctx.dry_run:
        ctx.report.note(f"would queue {resource} {shopify_id}: {message}")
        return
    with ctx.store.atomic():
        ctx.store.errors.record(
            operation=operation,
            entity=resource,
            shopify_id=shopify_id,
            xero_id=xero_id,
            label=label,
            error_class=error_class,
            message=message,
            validation_messages=list(messages),
            retryable=retryable,
            checksum=checksum,
            run_id=ctx.run_id,
            now=ctx.now(),
        )
