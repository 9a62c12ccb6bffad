"""An order's life in a dry run: the payments, credit notes and voids a real run would make.

A dry run walks the same lifecycle code as a real run (``orders.life``, ``orders.credit_notes``):
it reads what a real run reads (Shopify transactions, Xero invoices and credit notes by number)
and decides the same way. Where a real run would write, ``orders.life_send.send_writes`` calls
``planned_record`` instead: the write goes into the run's plan and comes back as the record Xero
would answer with (a placeholder id, a credit note's computed Total as its RemainingCredit), so
the steps after it (paying a credit note out, allocating the rest) plan on from there.

The plan, per order:

- ``payments``: one entry per Payment (a received transaction on the invoice, or a refund paid
  out of a credit note): CREATE, or LINK when the invoice already carries it;
- ``credit_notes``: one entry per credit note, with its number, total, and how much of it is
  paid out to the customer and how much allocated to the invoice (LINK when found by number;
  UPDATE for a credit note already mapped that still has credit to apply);
- ``orders``: VOID for an invoice voided because its order was cancelled before any payment.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shopxero.engine.apply import is_placeholder, new_placeholder
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.plan import Action, Desired, PlannedChange
from shopxero.translate.common import as_money

if TYPE_CHECKING:
    from shopxero.entities.orders.life_send import Write

__all__ = [
    "CREDIT_NOTES",
    "PAYMENTS",
    "plan_allocation",
    "plan_found_credit_note",
    "plan_found_payment",
    "planned_record",
]

PAYMENTS = "payments"
CREDIT_NOTES = "credit_notes"
_ORDERS = "orders"
_ZERO = Decimal("0.00")


def _desired(write: Write) -> Desired:
    return Desired(
        entity=write.entity,
        shopify_id=write.shopify_id,
        natural_key=write.natural_key,
        payload=write.payload,
        checksum=payload_checksum(write.payload),
        label=write.label,
    )


def planned_record(ctx: RunContext, write: Write, *, operation: str) -> dict[str, Any]:
    """Put ``write`` in the dry run's plan; returns the record Xero would answer with."""
    if write.entity == "invoice":
        _plan_void(ctx, write)
        return dict(write.payload)
    if write.entity == "credit_note":
        total = as_money(write.expected.get("Total"), to_cents=True)
        details = {
            "number": write.natural_key,
            "total": str(total),
            "invoice": write.parent,
            "paid_out": str(_ZERO),
            "allocated": str(_ZERO),
        }
        _add(
            ctx,
            CREDIT_NOTES,
            PlannedChange(
                Action.CREATE,
                _desired(write),
                reason=_credit_reason(details, Action.CREATE),
                details=details,
            ),
        )
        return {
            **write.payload,
            "CreditNoteID": new_placeholder("credit note", write.natural_key),
            "Total": total,
            "RemainingCredit": total,
            "Payments": [],
            "Allocations": [],
        }
    if write.entity in ("payment", "refund_payment"):
        _plan_payment(ctx, write, operation)
        return {**write.payload, "PaymentID": new_placeholder("payment", write.natural_key)}
    # Any other write of an order's life still shows in the plan, under its own name.
    action = Action.CREATE if operation == "create" else Action.UPDATE
    _add(ctx, f"{write.entity}s", PlannedChange(action, _desired(write), reason=operation))
    return dict(write.payload)


def _add(ctx: RunContext, resource: str, change: PlannedChange) -> None:
    ctx.report.plan.setdefault(resource, []).append(change)


def _plan_void(ctx: RunContext, write: Write) -> None:
    status = str(write.payload.get("Status") or "")
    how = (
        f"invoice {write.natural_key} to {status}"
        if status == "VOIDED"
        else f"invoice {write.natural_key} to {status} (a DRAFT invoice cannot be voided)"
    )
    invoice_id = str(write.payload.get("InvoiceID") or "")
    _add(
        ctx,
        _ORDERS,
        PlannedChange(
            Action.VOID,
            _desired(write),
            xero_id=None if is_placeholder(invoice_id) else invoice_id,
            reason=f"the order was cancelled before any money came in: {how}",
            details={"invoice": write.natural_key, "status": status},
        ),
    )


def _payment_details(payload: dict[str, Any]) -> dict[str, str]:
    return {
        "amount": str(as_money(payload.get("Amount"), to_cents=True)),
        "account": str((payload.get("Account") or {}).get("Code") or ""),
        "date": str(payload.get("Date") or ""),
        "reference": str(payload.get("Reference") or ""),
    }


def _plan_payment(ctx: RunContext, write: Write, operation: str) -> None:
    details = _payment_details(write.payload)
    amount, account, day = details["amount"], details["account"], details["date"]
    if write.entity == "refund_payment":
        details["credit_note"] = write.parent
        # The label names the credit note ("... (paid out of SHOP-1001-R1)").
        reason = f"{amount} paid back to the customer from account {account} on {day}"
        _amend_credit(ctx, write.parent, write.shopify_id, paid_out=Decimal(amount))
    else:
        details["invoice"] = write.parent
        reason = f"{amount} paid on invoice {write.parent} into account {account} on {day}"
    action = Action.CREATE if operation == "create" else Action.UPDATE
    _add(ctx, PAYMENTS, PlannedChange(action, _desired(write), reason=reason, details=details))


def plan_found_payment(
    ctx: RunContext,
    *,
    label: str,
    transaction_id: str,
    invoice_number: str,
    record: dict[str, Any],
) -> None:
    """A payment the invoice already carries in Xero (same Reference, Amount, Date): a real run
    links it instead of paying again."""
    details = {**_payment_details(record), "invoice": invoice_number}
    payment_id = str(record.get("PaymentID") or "")
    _add(
        ctx,
        PAYMENTS,
        PlannedChange(
            Action.LINK,
            Desired(
                entity="payment",
                shopify_id=transaction_id,
                natural_key=details["reference"],
                payload={},
                checksum="",
                label=label,
            ),
            xero_id=payment_id or None,
            reason=f"already on invoice {invoice_number} in Xero (same Reference, Amount and "
            "Date): linked, not paid again",
            details=details,
        ),
    )


def plan_found_credit_note(
    ctx: RunContext,
    *,
    label: str,
    refund_id: str,
    number: str,
    invoice_number: str,
    record: dict[str, Any],
) -> None:
    """A credit note already in Xero under the number we would give it: linked, not created."""
    details = {
        "number": number,
        "total": str(as_money(record.get("Total"), to_cents=True)),
        "invoice": invoice_number,
        "paid_out": str(_ZERO),
        "allocated": str(_ZERO),
    }
    _add(
        ctx,
        CREDIT_NOTES,
        PlannedChange(
            Action.LINK,
            Desired(
                entity="credit_note",
                shopify_id=refund_id,
                natural_key=number,
                payload={},
                checksum="",
                label=label,
            ),
            xero_id=str(record.get("CreditNoteID") or "") or None,
            reason=_credit_reason(details, Action.LINK),
            details=details,
        ),
    )


def plan_allocation(
    ctx: RunContext, *, number: str, refund_id: str, invoice_number: str, amount: Decimal
) -> None:
    """``amount`` of credit note ``number`` allocated to invoice ``invoice_number``."""
    _amend_credit(ctx, number, refund_id, allocated=amount, invoice=invoice_number)


def _amend_credit(
    ctx: RunContext,
    number: str,
    shopify_id: str,
    *,
    paid_out: Decimal = _ZERO,
    allocated: Decimal = _ZERO,
    invoice: str = "",
) -> None:
    """Add what is paid out of or allocated from credit note ``number`` to its plan entry; a
    credit note already mapped (no entry yet) gets an UPDATE entry saying what happens to it."""
    changes = ctx.report.plan.setdefault(CREDIT_NOTES, [])
    for index, change in enumerate(changes):
        if change.desired.natural_key != number:
            continue
        details = dict(change.details)
        details["paid_out"] = str(as_money(details.get("paid_out"), to_cents=True) + paid_out)
        details["allocated"] = str(as_money(details.get("allocated"), to_cents=True) + allocated)
        details["invoice"] = details.get("invoice") or invoice
        changes[index] = replace(
            change,
            details=details,
            reason=_credit_reason(details, change.action),
        )
        return
    details = {
        "number": number,
        "invoice": invoice,
        "paid_out": str(as_money(paid_out, to_cents=True)),
        "allocated": str(as_money(allocated, to_cents=True)),
    }
    changes.append(
        PlannedChange(
            Action.UPDATE,
            Desired(
                entity="credit_note",
                shopify_id=shopify_id,
                natural_key=number,
                payload={},
                checksum="",
                label=f"credit note {number}",
            ),
            reason=_credit_reason(details, Action.UPDATE),
            details=details,
        )
    )


def _credit_reason(details: dict[str, str], action: Action) -> str:
    """``total 30.00: 8.00 paid out to the customer, 22.00 allocated to invoice SHOP-1032``."""
    paid_out = as_money(details.get("paid_out"), to_cents=True)
    allocated = as_money(details.get("allocated"), to_cents=True)
    parts = []
    if paid_out:
        parts.append(f"{paid_out} paid out to the customer")
    if allocated:
        parts.append(f"{allocated} allocated to invoice {details.get('invoice')}")
    what = ", ".join(parts)
    head = f"total {details['total']}" if "total" in details else ""
    if action is Action.LINK:
        # Found in Xero: what it still needs is planned here; nothing means fully applied (or a
        # step a real run would queue, which the run's notes name).
        return f"already in Xero (found by number), linked; {head}: " + (
            what or "nothing more to pay out or allocate"
        )
    if action is Action.UPDATE:
        return f"already in Xero; {what}"
    return f"{head}: {what or 'not paid out or allocated (see the notes)'}"
