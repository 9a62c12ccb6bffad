"""The life of an order after its invoice: payments, refunds (credit notes), cancellation.

Runs after the orders step for every fetched order whose invoice is in Xero:

1. An order whose life figures (status, refunds, outstanding, cancellation) are what we last
   completed is skipped with no call at all (docs/architecture.md, invariant 5: no change, no Xero
   call).
2. Its transactions are read from Shopify; what is not yet mapped is the work.
3. The invoices with work are read from Xero (40 per call): their Payments, AmountDue, Status.
4. Cancelled orders that never received money: the invoice is voided.
5. Each received transaction not yet paid becomes a Payment, unless the invoice already
   carries it (same Reference, Amount, Date): never paid twice, even after a run that lost
   Xero's answer.
6. Each refund becomes an AUTHORISED credit note, whose money back is paid out of the
   gateway's account and whose rest is allocated to the invoice (``orders.credit_notes``).
   The credit notes are created first; then the invoices' payments and the credit notes'
   cash refunds go out together, 50 to a ``PUT Payments`` (xero-api-notes §6.4), and the
   allocations last.

Every item is mapped (transaction -> PaymentID, refund -> CreditNoteID) as it lands; a failure is
queued under the order (``<order id>/payment/<transaction id>`` ...) and the order's life is
not marked done, so a retry picks the rest up.

A dry run reads the same and decides the same, but writes nothing, to Xero or the state DB:
each payment, credit note and void goes into the run's plan (``orders.life_plan``). An order whose
invoice the same dry run would create is planned from Shopify alone, against the invoice as it
would be created (its total is the order's ``total_price``, nothing paid or credited yet); an
order whose invoice it would update is planned against the updated total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopxero.engine.apply import is_placeholder
from shopxero.engine.context import RunContext
from shopxero.engine.orgdata import OrgData
from shopxero.engine.plan import Action
from shopxero.entities.orders.credit_notes import RefundWork, create_refunds, finish_refunds
from shopxero.entities.orders.life_common import (
    LIFE,
    PAYMENT,
    REFUND_PAYMENT,
    RESOURCE,
    OrderLife,
    gateway_accounts,
    lifecycle_fingerprint,
    payable,
    queue_life_error,
    queue_outcome,
    resolve_life_error,
)
from shopxero.entities.orders.life_plan import plan_found_payment
from shopxero.entities.orders.life_send import Write, send_writes
from shopxero.errors import MappingError
from shopxero.shopify.models import Order, Transaction, parse_transaction
from shopxero.store.mappings import MappingRecord
from shopxero.translate.common import MappingOptions
from shopxero.translate.invoices import invoice_number_for
from shopxero.translate.payments import (
    GIFT_CARD_GATEWAY,
    GatewayAccounts,
    find_existing,
    invoice_payment,
    received_transactions,
    shop_amount,
)
from shopxero.xero.dates import parse_xero_date

__all__ = ["sync_lifecycle"]


async def sync_lifecycle(
    ctx: RunContext,
    orders: Sequence[tuple[Order, str]],
    *,
    org: OrgData,
    options: MappingOptions,
    item_codes: Mapping[int, str],
) -> None:
    """Record payments, refunds and cancellations of ``orders`` ((order, contact id) pairs
    whose invoice is mapped)."""
    if not ctx.settings.sync_payments or not orders:
        return
    if ctx.dry_run and not ctx.plan_lifecycle:
        return  # a rebuild's read pass: lives are relinked afterwards (``rebuild.lifecycle``)
    if options.invoice_status != "AUTHORISED":
        ctx.report.note(
            "invoices are created as DRAFT, so payments and refunds are not sent "
            "(Xero applies them only to AUTHORISED invoices)"
        )
        return
    lives = await _pending(ctx, orders, options)
    if not lives:
        return
    await _read_invoices(ctx, lives, options)
    await _void(ctx, [life for life in lives if life.void and not life.failed])
    payments = _plan_payments(
        ctx, [life for life in lives if life.to_pay and not life.failed], org, options
    )
    # The credit notes are created before any payment is sent: their cash refunds go out in
    # the same PUT Payments batches as the invoices' payments (xero-api-notes §6.4).
    refunds = await create_refunds(
        ctx,
        [life for life in lives if not life.void and not life.failed],
        org=org,
        options=options,
        item_codes=item_codes,
        accounts=gateway_accounts(ctx, org),
    )
    await _send_payments(ctx, payments, refunds)
    await finish_refunds(ctx, refunds)
    if ctx.dry_run:
        return
    with ctx.store.atomic():
        for life in lives:
            if not life.failed:
                _mark_done(ctx, life)


def _mark_done(ctx: RunContext, life: OrderLife) -> None:
    ctx.store.mappings.upsert(
        MappingRecord(
            entity=LIFE,
            shopify_id=str(life.order.id),
            xero_id=life.invoice_id,
            natural_key=life.invoice_number,
            checksum=lifecycle_fingerprint(life.order),
            last_synced=ctx.now(),
        )
    )


def _invoice_of(ctx: RunContext, order: Order, options: MappingOptions) -> tuple[str, str] | None:
    """The order's invoice (Xero id, number): mapped, or, in a dry run, linked or to be created
    by the same run (its id then a placeholder)."""
    oid = str(order.id)
    invoice = ctx.store.mappings.get("invoice", oid)
    if invoice is not None:
        return invoice.xero_id, invoice.natural_key
    planned = ctx.planned.get(("invoice", oid)) if ctx.dry_run else None
    if planned is None:
        return None
    try:
        return planned, invoice_number_for(order, options)
    except MappingError:
        return None  # not invoiced at all (the orders step queued it)


async def _pending(
    ctx: RunContext, orders: Sequence[tuple[Order, str]], options: MappingOptions
) -> list[OrderLife]:
    lives: list[OrderLife] = []
    for order, contact_id in orders:
        oid = str(order.id)
        invoice = _invoice_of(ctx, order, options)
        if invoice is None:
            continue
        done = ctx.store.mappings.get(LIFE, oid)
        if done is not None and done.checksum == lifecycle_fingerprint(order):
            continue
        life = OrderLife(order, invoice[0], invoice[1], contact_id)
        try:
            raws = await ctx.shopify.list_transactions(order.id)
            life.transactions = [parse_transaction(raw) for raw in raws]
        except MappingError as exc:
            queue_life_error(ctx, life, "transactions", str(exc), operation="map")
            continue
        received = received_transactions(life.transactions)
        life.to_pay = received  # less those already paid, below
        # A cancelled order that never took money is voided; one that did is refunded by
        # credit notes (its refunds in Shopify).
        life.void = order.cancelled_at is not None and not received
        lives.append(life)
    # One read of these orders' payments, not of every payment mapped (a chunk at a time).
    paid = ctx.store.mappings.many(PAYMENT, [str(t.id) for life in lives for t in life.to_pay])
    for life in lives:
        life.to_pay = [t for t in life.to_pay if str(t.id) not in paid]
    return lives


async def _read_invoices(ctx: RunContext, lives: list[OrderLife], options: MappingOptions) -> None:
    """Each life's invoice as Xero holds it now: the create's own answer for an invoice this run
    made (nothing can have touched it since), a read by number (40 a call) for the rest."""
    by_id: dict[str, dict[str, Any]] = {}
    for life in lives:
        fresh = ctx.created_invoices.pop(life.invoice_id, None)
        if fresh is not None:
            by_id[life.invoice_id] = dict(fresh)
    numbers = sorted(
        {
            life.invoice_number
            for life in lives
            if not is_placeholder(life.invoice_id) and life.invoice_id not in by_id
        }
    )
    records = await ctx.xero.get_invoices_by_number(numbers) if numbers else []
    by_id.update((str(r.get("InvoiceID")), dict(r)) for r in records)
    updated = ctx.report.planned_ids("orders", Action.UPDATE) if ctx.dry_run else set()
    for life in lives:
        if is_placeholder(life.invoice_id):
            life.invoice = _invoice_to_create(life, options)
            life.due = Decimal(str(life.invoice["AmountDue"]))
            continue
        record = by_id.get(life.invoice_id)
        if record is None:
            queue_life_error(
                ctx,
                life,
                "invoice",
                f"invoice {life.invoice_number} is no longer in Xero (deleted?); its payments "
                "and refunds cannot be recorded",
                operation="read",
                error_class="NotFoundError",
                retryable=True,
            )
            continue
        life.invoice = record
        life.due = Decimal(str(record.get("AmountDue") or 0))
        if str(life.order.id) in updated and life.order.total_price is not None:
            # The real run updates the invoice first: what it owes then is the new total less
            # what Xero holds as paid and credited.
            settled = Decimal(str(record.get("AmountPaid") or 0)) + Decimal(
                str(record.get("AmountCredited") or 0)
            )
            life.due = max(life.order.total_price - settled, Decimal(0))


def _invoice_to_create(life: OrderLife, options: MappingOptions) -> dict[str, Any]:
    """The invoice a dry run plans to create, as Xero would hold it right after: its total is
    the order's ``total_price`` (the orders step refuses an invoice that would total anything
    else), nothing paid or credited."""
    total = life.order.total_price or Decimal(0)
    return {
        "InvoiceID": life.invoice_id,
        "InvoiceNumber": life.invoice_number,
        "Status": options.invoice_status,
        "Contact": {"ContactID": life.contact_id},
        "Total": total,
        "AmountDue": total,
        "AmountPaid": Decimal(0),
        "AmountCredited": Decimal(0),
        "Payments": [],
    }


async def _void(ctx: RunContext, lives: list[OrderLife]) -> None:
    writes: list[Write] = []
    for life in lives:
        assert life.invoice is not None
        status = str(life.invoice.get("Status") or "")
        if status in ("VOIDED", "DELETED"):
            continue
        paid = Decimal(str(life.invoice.get("AmountPaid") or 0)) + Decimal(
            str(life.invoice.get("AmountCredited") or 0)
        )
        if paid > 0:
            queue_life_error(
                ctx,
                life,
                "void",
                f"the order was cancelled in Shopify, but invoice {life.invoice_number} has "
                f"{paid} paid or credited in Xero and cannot be voided: remove those payments "
                "or credit notes in Xero, then retry",
                operation="update",
            )
            continue
        new_status = "VOIDED" if status == "AUTHORISED" else "DELETED"  # DRAFT cannot be voided
        writes.append(
            Write(
                entity="invoice",
                shopify_id=str(life.order.id),
                natural_key=life.invoice_number,
                payload={"InvoiceID": life.invoice_id, "Status": new_status},
                label=f"{life.label} (cancel invoice {life.invoice_number})",
            )
        )
    by_order = {str(life.order.id): life for life in lives}
    for outcome in await send_writes(ctx, ctx.xero.update_invoices, writes, operation="update"):
        life = by_order[outcome.write.shopify_id]
        if outcome.ok:
            life.due = Decimal(0)
            with ctx.store.atomic():
                resolve_life_error(ctx, life, "void")
            ctx.report.count(RESOURCE, "updated")
            if not ctx.dry_run:
                ctx.report.note(f"{outcome.write.label}: voided (the order was cancelled)")
        else:
            queue_outcome(ctx, life, "void", outcome, "void the invoice")


@dataclass
class _Payments:
    """The payment step's work: ``writes`` to send (each one's order and transaction in
    ``owners``, by transaction id), the payments ``found`` already on their invoice (an earlier
    run whose answer was lost: linked, never paid twice) and whether a gift-card redemption went
    to the default payment account (``gift_default``, for the report's note)."""

    writes: list[Write] = field(default_factory=list)
    owners: dict[str, tuple[OrderLife, Transaction]] = field(default_factory=dict)
    found: list[tuple[OrderLife, Transaction, Mapping[str, Any], str]] = field(default_factory=list)
    gift_default: bool = False


def _plan_payments(
    ctx: RunContext, lives: list[OrderLife], org: OrgData, options: MappingOptions
) -> _Payments:
    """The payments of ``lives`` to send (what each invoice still owes taken off as planned);
    those already on their invoice are recorded now."""
    accounts = gateway_accounts(ctx, org)
    work = _Payments()
    for life in lives:
        assert life.invoice is not None
        existing = list(life.invoice.get("Payments") or [])
        for t in life.to_pay:
            code = _payment_account(ctx, life, t, org=org, accounts=accounts)
            if code is None:
                continue
            if t.gateway == GIFT_CARD_GATEWAY and code == accounts.default:
                work.gift_default = True
            _add_payment(ctx, work, life, t, code=code, existing=existing, options=options)
    if work.gift_default:
        ctx.report.note(
            f"gift-card redemptions {'would be' if ctx.dry_run else 'were'} recorded to the "
            "payment account: set "
            "SHOPXERO_GIFT_CARD_ACCOUNT to the gift-card liability account (payments enabled)"
        )
    with ctx.store.atomic():
        for life, t, match, code in work.found:
            _record_payment(ctx, life, t, match, found=True, account=code)
    return work


def _payment_account(
    ctx: RunContext, life: OrderLife, t: Transaction, *, org: OrgData, accounts: GatewayAccounts
) -> str | None:
    """The Xero account ``t``'s money goes to; None (queued) when there is none that takes
    payments."""
    code = accounts.for_gateway(t.gateway)
    if code is not None and payable(org, code):
        return code
    where = f"account {code}" if code else "no payment account"
    queue_life_error(
        ctx,
        life,
        f"payment/{t.id}",
        f"the {t.gateway} payment {t.id} cannot be recorded: {where} does not take "
        "payments in Xero (it must be a BANK account or have 'Enable payments to "
        "this account' ticked); set SHOPXERO_ACCOUNT_BY_GATEWAY or "
        "SHOPXERO_PAYMENT_ACCOUNT",
        operation="create",
    )
    return None


def _add_payment(
    ctx: RunContext,
    work: _Payments,
    life: OrderLife,
    t: Transaction,
    *,
    code: str,
    existing: Sequence[Mapping[str, Any]],
    options: MappingOptions,
) -> None:
    """Add transaction ``t`` to ``work``: as found when its invoice already carries it (same
    Reference, Amount, Date), else as a write taken off what the invoice still owes; queued
    when it cannot be mapped or is more than the invoice owes."""
    key = f"payment/{t.id}"
    try:
        payload = invoice_payment(
            t,
            order_id=life.order.id,
            invoice_id=life.invoice_id,
            account_code=code,
            zone=options.zone,
            amount=shop_amount(t, life.order),
        ).to_payload()
    except MappingError as exc:
        queue_life_error(ctx, life, key, str(exc), operation="map")
        return
    match = find_existing(payload, existing)
    if match is not None:
        work.found.append((life, t, match, code))  # paid by a run whose answer was lost
        return
    amount = Decimal(str(payload["Amount"]))
    if amount > life.due:
        queue_life_error(
            ctx,
            life,
            key,
            f"the {t.gateway} payment {t.id} of {amount} is more than the {life.due} "
            f"still due on invoice {life.invoice_number} in Xero (was it paid by hand "
            "in Xero?); check the invoice's payments",
            operation="create",
        )
        return
    life.due -= amount
    work.owners[str(t.id)] = (life, t)
    work.writes.append(
        Write(
            entity=PAYMENT,
            shopify_id=str(t.id),
            natural_key=str(payload["Reference"]),
            payload=payload,
            label=f"{life.label} payment {t.id}",
            parent=life.invoice_number,
        )
    )


async def _send_payments(ctx: RunContext, work: _Payments, refunds: RefundWork) -> None:
    """Send the invoices' payments and the credit notes' cash refunds together, 50 to a
    request (one kind of write to Xero: each payment names its invoice or credit note,
    xero-api-notes §6.4), and record each as it lands; a failed invoice payment gives its
    amount back to what its invoice owes."""
    writes = [*work.writes, *refunds.writes]
    for outcome in await send_writes(ctx, ctx.xero.create_payments, writes):
        if outcome.write.entity == REFUND_PAYMENT:
            refunds.take(ctx, outcome)
            continue
        life, t = work.owners[outcome.write.shopify_id]
        if outcome.ok:
            assert outcome.record is not None
            with ctx.store.atomic():
                account = str(outcome.write.payload["Account"]["Code"])
                _record_payment(ctx, life, t, outcome.record, found=False, account=account)
            ctx.report.count("payments", "created")
        else:
            life.due += Decimal(str(outcome.write.payload["Amount"]))
            queue_outcome(ctx, life, f"payment/{t.id}", outcome, f"record payment {t.id}")


def _record_payment(
    ctx: RunContext,
    life: OrderLife,
    t: Transaction,
    record: Mapping[str, Any],
    *,
    found: bool,
    account: str,
) -> None:
    if ctx.dry_run:
        if found:
            plan_found_payment(
                ctx,
                label=f"{life.label} payment {t.id}",
                transaction_id=str(t.id),
                invoice_number=life.invoice_number,
                record=dict(record),
            )
        return
    ctx.store.mappings.upsert(
        MappingRecord(
            entity=PAYMENT,
            shopify_id=str(t.id),
            xero_id=str(record["PaymentID"]),
            natural_key=f"{life.invoice_number}:{t.id}",
            # the account it went to: the payouts step checks a payout's charges are in the
            # clearing account (engine.payment_routing)
            payload={"account": account},
            xero_updated_utc=parse_xero_date(record.get("UpdatedDateUTC")),
            last_synced=ctx.now(),
        )
    )
    resolve_life_error(ctx, life, f"payment/{t.id}")
