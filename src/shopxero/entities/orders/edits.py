"""An order edited in Shopify after its invoice was synced.

An invoice Xero still lets us rewrite (unpaid, not voided) is updated in place: each line we
send carries the ``LineItemID`` of the Xero line it replaces (same ItemCode, else same
Description), because a line sent without its ID makes Xero delete the old line and add a new
one (xero-api-notes §6.3 "Line-item update"). A paid, credited or voided invoice is not
rewritten (docs/architecture.md, invariant 5): the order goes to the error queue saying which
figures differ and what to do in Xero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from shopxero.engine.conflicts import check_invoice_updates
from shopxero.engine.context import RunContext
from shopxero.engine.plan import PlannedChange
from shopxero.shopify.models import Order
from shopxero.translate.common import as_money

__all__ = ["check_order_edits", "keep_line_ids", "paid_edit_message"]


def _same_line(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    if ours.get("ItemCode"):
        return bool(theirs.get("ItemCode") == ours["ItemCode"])
    return (
        not theirs.get("ItemCode")
        and str(theirs.get("Description") or "").strip()
        == str(ours.get("Description") or "").strip()
    )


def keep_line_ids(change: PlannedChange, record: Mapping[str, Any] | None) -> PlannedChange:
    """``change`` sending each line with the LineItemID of its Xero counterpart (if any)."""
    theirs = [line for line in (record or {}).get("LineItems") or [] if line.get("LineItemID")]
    if not theirs:
        return change
    used: set[int] = set()
    lines: list[dict[str, Any]] = []
    for line in change.desired.payload.get("LineItems") or []:
        match = next(
            (i for i, old in enumerate(theirs) if i not in used and _same_line(line, old)), None
        )
        if match is None:
            lines.append(dict(line))  # a new line
            continue
        used.add(match)
        lines.append({**line, "LineItemID": theirs[match]["LineItemID"]})
    return replace(change, payload_overrides={**change.payload_overrides, "LineItems": lines})


def paid_edit_message(
    change: PlannedChange, record: Mapping[str, Any] | None, order: Order | None, reason: str
) -> str:
    """What an accountant needs: which figures differ and what to do about it."""
    if record is None or order is None:
        return reason
    number = change.desired.natural_key
    status = str(record.get("Status") or "")
    # Xero's figures exactly as Xero holds them (not rounded): the message quotes them.
    total = as_money(record.get("Total"), to_cents=False)
    paid = as_money(record.get("AmountPaid"), to_cents=False)
    credited = as_money(record.get("AmountCredited"), to_cents=False)
    now = order.total_price if order.total_price is not None else Decimal(0)
    fields = ", ".join(change.diff) or "lines"
    state = f"is {status} in Xero"
    if status not in ("VOIDED", "DELETED"):
        state += f" ({paid} paid, {credited} credited)"
    difference = now - total
    if difference > 0:
        todo = f"raise an invoice for the extra {difference}"
    elif difference < 0:
        todo = f"raise a credit note for {-difference}"
    else:
        todo = "edit the invoice's lines by hand if they must match"
    return (
        f"the order was edited in Shopify ({fields} changed) but invoice {number} {state}, so "
        f"it cannot be rewritten. Xero invoice total {total}; Shopify order total now {now} "
        f"(difference {difference}). To review: in Xero, {todo}; then resolve this entry "
        "(shopxero errors resolve)."
    )


async def check_order_edits(
    ctx: RunContext, updates: list[PlannedChange], orders: Mapping[str, Order]
) -> tuple[list[PlannedChange], list[tuple[PlannedChange, str]]]:
    """The invoice conflict check, keeping LineItemIDs and explaining refused edits."""
    seen: dict[str, dict[str, Any]] = {}
    allowed, conflicts = await check_invoice_updates(ctx, updates, seen=seen)
    kept = [keep_line_ids(c, seen.get(c.xero_id or "")) for c in allowed]
    explained: Sequence[tuple[PlannedChange, str]] = [
        (
            c,
            paid_edit_message(
                c, seen.get(c.xero_id or ""), orders.get(c.desired.shopify_id), reason
            ),
        )
        for c, reason in conflicts
    ]
    return kept, list(explained)
