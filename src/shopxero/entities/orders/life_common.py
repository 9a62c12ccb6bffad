"""What the lifecycle steps share: one order's pending work, queueing its failures, and
which accounts take payments (xero-api-notes §6.4)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopxero.engine.context import RunContext
from shopxero.engine.error_queue import queue_error
from shopxero.engine.orgdata import OrgData
from shopxero.engine.payment_routing import gateway_accounts as routed_accounts
from shopxero.entities.orders.life_send import Outcome
from shopxero.shopify.models import Order, Transaction
from shopxero.translate.accounts import is_active_account
from shopxero.translate.payments import GatewayAccounts

__all__ = [
    "CREDIT_APPLIED",
    "CREDIT_NOTE",
    "LIFE",
    "PAYMENT",
    "REFUND_PAYMENT",
    "RESOURCE",
    "OrderLife",
    "gateway_accounts",
    "lifecycle_fingerprint",
    "payable",
    "queue_life_error",
    "queue_outcome",
    "resolve_life_error",
]

LIFE = "order_life"  # mapping: order id -> InvoiceID, checksum = the completed life figures
PAYMENT = "payment"  # mapping: transaction id -> PaymentID
REFUND_PAYMENT = "refund_payment"  # a cash refund out of a credit note (no mapping of its own)
RESOURCE = "orders"
CREDIT_NOTE = "credit_note"  # mapping: refund id -> CreditNoteID (natural key: its number)
CREDIT_APPLIED = "credit_applied"  # mapping: refund id -> CreditNoteID once fully applied


def lifecycle_fingerprint(o: Order) -> str:
    """The figures of an order's life; unchanged -> nothing new to record."""
    figures = {
        "status": o.financial_status,
        "cancelled": o.cancelled_at.isoformat() if o.cancelled_at else None,
        "refunds": sorted(r.id for r in o.refunds),
        "outstanding": str(o.total_outstanding),
        "current": str(o.current_total_price),
        "gateways": sorted(o.payment_gateway_names),
    }
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


@dataclass
class OrderLife:
    """One order's pending work and what Xero says about its invoice."""

    order: Order
    invoice_id: str
    invoice_number: str
    contact_id: str
    transactions: list[Transaction] = field(default_factory=list)
    to_pay: list[Transaction] = field(default_factory=list)
    void: bool = False
    invoice: dict[str, Any] | None = None  # the Xero invoice, once read
    due: Decimal = Decimal(0)  # AmountDue, kept current as we pay and allocate
    failed: bool = False

    @property
    def label(self) -> str:
        return f"order {self.order.name or self.order.id}"


def queue_life_error(
    ctx: RunContext,
    life: OrderLife,
    key: str,
    message: str,
    *,
    operation: str,
    error_class: str = "ValidationError",
    retryable: bool = False,
    messages: Sequence[str] = (),
) -> None:
    """Queue one failed step of an order's life under ``<order id>/<key>`` (a dry run only
    says it would, in the run's notes)."""
    life.failed = True
    queue_error(
        ctx,
        resource=RESOURCE,
        shopify_id=f"{life.order.id}/{key}",
        label=f"{life.label} ({key.replace('/', ' ')})",
        operation=operation,
        error_class=error_class,
        message=f"{life.label}: {message}",
        retryable=retryable,
        messages=messages,
        xero_id=life.invoice_id,
    )
    ctx.report.count(RESOURCE, "failed")


def resolve_life_error(ctx: RunContext, life: OrderLife, key: str) -> None:
    if ctx.dry_run:
        return  # a dry run changes nothing in the state DB
    ctx.store.errors.resolve_for(
        RESOURCE, f"{life.order.id}/{key}", resolution="synced", now=ctx.now()
    )


def payable(org: OrgData, code: str) -> bool:
    """Xero takes payments only into BANK accounts or ones with payments enabled (§6.4)."""
    for account in org.accounts:
        if account.get("Code") == code and is_active_account(account):
            return account.get("Type") == "BANK" or account.get("EnablePaymentsToAccount") is True
    return False


def gateway_accounts(ctx: RunContext, org: OrgData) -> GatewayAccounts:
    """Where each gateway's payments go (``engine.payment_routing``)."""
    return routed_accounts(ctx.settings, org, ctx.store)


def queue_outcome(ctx: RunContext, life: OrderLife, key: str, outcome: Outcome, what: str) -> None:
    reason = "; ".join(outcome.errors)
    queue_life_error(
        ctx,
        life,
        key,
        f"Xero refused to {what}: {reason}"
        if not outcome.retryable
        else f"could not {what} ({reason}); it is retried",
        operation="update" if key == "void" else "create",
        error_class=outcome.error_class or "ValidationError",
        retryable=outcome.retryable,
        messages=outcome.errors if not outcome.retryable else (),
    )
