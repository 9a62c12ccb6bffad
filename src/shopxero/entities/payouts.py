"""Shopify Payments payouts -> a bank transfer and spend/receive money in Xero (docs/payouts.md).

One step per run, after the orders (their payments and refunds must be in the clearing account
first), when ``SHOPXERO_SYNC_PAYOUTS`` is on:

1. the accounts (``translate.payouts.resolve_payout_accounts``); none fit: one note, nothing else;
2. the payouts dated since the ``payouts`` cursor minus ``LOOKBACK`` (and not before
   ``SHOPXERO_SYNC_START_DATE``), oldest first. A payout already posted (mapping ``payout``) costs
   nothing more; a ``scheduled`` or ``in_transit`` one is not yet in the bank and waits; a
   ``failed`` or ``canceled`` one never reached it and is left alone;
3. each paid payout's balance transactions; it waits (a note, no queue entry) while one of its
   orders' charges or refunds is not in Xero yet, the order is in the error queue or is from
   before the sync start date (never synced, so never in the clearing account);
4. its postings (``translate.payouts.payout_posting``); a payout in another currency than the
   clearing account is refused with a note (and does not hold the cursor back);
5. link before create: every Reference ``Shopify payout <id>`` is looked up (transfers and bank
   transactions, in bulk) and what exists is mapped; the rest goes through ``engine.sender``
   (intents first, Idempotency-Keys). Mappings ``payout_transfer``, ``payout_spend``,
   ``payout_receive`` (payout id -> Xero id) and, once all are there, ``payout`` (the marker a
   rerun reads: nothing more is written or read from Xero for it);
6. the cursor moves to the newest payout date before the oldest payout still waiting.

Open intents of these kinds are dropped by ``engine.settle`` (no natural key to look up there):
the lookup by Reference in step 5 is what finds a write whose answer was lost.

A dry run does 1-5 with its reads, and puts each write in ``report.plan["payouts"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shopxero.engine.apply import new_placeholder
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.error_queue import queue_error
from shopxero.engine.orgdata import OrgData, mapping_options
from shopxero.engine.own_contact import ensure_own_contact
from shopxero.engine.payment_routing import gateway_accounts, legacy_routing
from shopxero.engine.plan import Action, Desired, PlannedChange
from shopxero.engine.sender import Element, send_batches
from shopxero.errors import ApiAuthError, MappingError, NotFoundError
from shopxero.shopify.models import (
    BalanceTransaction,
    Order,
    Payout,
    parse_balance_transaction,
    parse_order,
    parse_payout,
)
from shopxero.store.mappings import MappingRecord
from shopxero.translate.invoices import order_skip_reason, processed_before_start
from shopxero.translate.payments import GatewayAccounts
from shopxero.translate.payouts import (
    ORDER_KINDS,
    SHOPIFY_PAYMENTS_GATEWAY,
    PayoutAccounts,
    PayoutPosting,
    PayoutRefused,
    account_currency,
    payout_posting,
    resolve_payout_accounts,
)
from shopxero.xero.batching import MAX_BATCH_ELEMENTS
from shopxero.xero.dates import parse_xero_date
from shopxero.xero.elements import where_equals

__all__ = [
    "CONTACT_NUMBER",
    "DONE",
    "LOOKBACK",
    "PAYOUTS",
    "RECEIVE",
    "SPEND",
    "TRANSFER",
    "sync_payouts",
]

PAYOUTS = "payouts"  # the cursor, the report's counts and plan, the error queue's resource
DONE = "payout"  # mapping: payout id -> BankTransferID (or "-"), every posting in Xero
TRANSFER = "payout_transfer"  # mapping: payout id -> BankTransferID
SPEND = "payout_spend"  # mapping: payout id -> BankTransactionID (SPEND)
RECEIVE = "payout_receive"  # mapping: payout id -> BankTransactionID (RECEIVE)
# A payout's date never changes, but a payout dated before the cursor can still turn from
# in_transit to paid; the cursor never passes one that is not paid, and this covers clock skew.
LOOKBACK = timedelta(days=7)
CONTACT_SHOPIFY_ID = "shopify-payments"
CONTACT_NUMBER = "SHOPIFY-PAYMENTS"  # never a Shopify customer id (digits only)
CONTACT_NAME = "Shopify"
_LOOKUP_CHUNK = 40
# Orders read at once (REST's page, GraphQL's nodes(ids:) input cap: shopify-api-notes §3, §4),
# and payouts read ahead at most before their orders are read (their balance transactions held).
ORDERS_A_READ = 250
PAYOUTS_A_WINDOW = 1000
XERO_PAYOUTS_SCOPE = "accounting.banktransactions"  # xero-api-notes §13.5
NO_PAYOUTS_SCOPE = (  # the scope of shopify.client.PAYOUTS_SCOPE (shopify-api-notes §9)
    "Shopify Payments payouts are not read: the Shopify app lacks the "
    "read_shopify_payments_payouts scope; add it to the app's Admin API scopes and reinstall "
    "it (or set SHOPXERO_SYNC_PAYOUTS=false)"
)


@dataclass
class _Work:
    """One paid payout ready to post, and what of it is already in Xero."""

    posting: PayoutPosting
    have: dict[str, str] = field(default_factory=dict)  # part -> Xero id
    failed: bool = False
    done: bool = False  # counted, and marked DONE in the state DB (not in a dry run)
    created: bool = False  # this run made (or, in a dry run, would make) one of its postings

    def payloads(self) -> dict[str, dict[str, Any]]:
        parts = {
            TRANSFER: self.posting.transfer,
            SPEND: self.posting.spend,
            RECEIVE: self.posting.receive,
        }
        return {part: p for part, p in parts.items() if p is not None}

    def missing(self) -> dict[str, dict[str, Any]]:
        return {part: p for part, p in self.payloads().items() if part not in self.have}


async def sync_payouts(ctx: RunContext) -> None:
    """Post every paid Shopify Payments payout not yet in Xero (see the module docstring)."""
    if not ctx.settings.sync_payments:
        if "sync_payouts" in ctx.settings.model_fields_set:  # asked for: say why not
            ctx.report.note(
                "Shopify Payments payouts are not posted: SHOPXERO_SYNC_PAYMENTS is off, so the "
                "orders' payments are not in the clearing account"
            )
        return
    try:
        payouts = await _read_payouts(ctx)
    except NotFoundError:
        return  # the shop has no Shopify Payments account
    except ApiAuthError as exc:
        ctx.report.note(f"{NO_PAYOUTS_SCOPE} ({exc})")
        return
    if not payouts:
        return
    try:
        await _post(ctx, payouts)
    except ApiAuthError as exc:
        ctx.report.note(
            f"Shopify Payments payouts are not posted: {exc}. The Xero connection may lack the "
            f"{XERO_PAYOUTS_SCOPE} scope (asked for since payouts are posted): run "
            "`shopxero auth xero` again to grant it, or set SHOPXERO_SYNC_PAYOUTS=false"
        )


async def _post(ctx: RunContext, payouts: Sequence[Payout]) -> None:
    org = await ctx.org.get()
    accounts = _accounts(ctx, org)
    if isinstance(accounts, PayoutRefused):
        ctx.report.note(accounts.reason)
        return
    base = str(org.organisation.get("BaseCurrency") or "")
    clearing = next(a for a in org.accounts if a.get("Code") == accounts.clearing)
    currency = account_currency(clearing, base)
    if currency != base:
        ctx.report.note(
            f"Shopify Payments payouts are not posted: the clearing account {accounts.clearing} "
            f"is in {currency}, not the organisation's base currency {base}, so Xero would value "
            "the fees and the transfer at its own day rate and the clearing account would not "
            "net to zero in the books; record payouts by hand (docs/payouts.md, 'Currencies')"
        )
        return
    ctx.progress.start(PAYOUTS, len(payouts))
    walk = _Walk(accounts, currency, _queued_orders(ctx), _legacy_account(ctx, org))
    walk.refused = {int(e.shopify_id.split("/")[0]) for e in ctx.store.errors.list_open(PAYOUTS)}
    await _walk(ctx, org, payouts, walk)
    await _link(ctx, walk.ready)
    _mark_complete(ctx, walk.ready)  # before any write: a refused one leaves these marked
    await _send(ctx, walk.ready)
    _mark_complete(ctx, walk.ready)
    walk.held.extend(w.posting.date for w in walk.ready if w.failed or w.missing())
    _advance_cursor(ctx, payouts, walk.held)


def _mark_complete(ctx: RunContext, ready: Sequence[_Work]) -> None:
    """Count and mark each payout all of whose postings are in Xero (``DONE``: a rerun skips
    it): ``created`` when this run made one of them, else ``linked`` (all found by Reference)."""
    for work in ready:
        if work.failed or work.missing() or work.done:
            continue
        work.done = True
        ctx.report.count(PAYOUTS, "created" if work.created else "linked")
        if not ctx.dry_run:
            _mark_done(ctx, work)


@dataclass
class _Walk:
    """One run's walk over the payouts: the dates that hold the cursor back (payouts still to
    post), the payouts ready to post, and the "Shopify" contact once found or made."""

    accounts: PayoutAccounts
    currency: str
    queued: dict[str, str]
    legacy_account: str | None  # where payments without a recorded account went
    refused: set[int] = field(default_factory=set)  # payouts with an open error-queue entry
    held: list[date] = field(default_factory=list)
    ready: list[_Work] = field(default_factory=list)
    contact_id: str | None = None
    # The window of payouts read ahead (_walk): their balance transactions, the orders whose
    # check needs the order itself (to read), and those orders once read (None: not in Shopify).
    txs: dict[int, list[BalanceTransaction]] = field(default_factory=dict)
    to_read: set[int] = field(default_factory=set)
    orders: dict[int, dict[str, Any] | None] = field(default_factory=dict)


async def _walk(ctx: RunContext, org: OrgData, payouts: Sequence[Payout], walk: _Walk) -> None:
    """Decide every payout, oldest first, a window at a time: the window's balance transactions
    are read first, then the orders they need read, together (``ShopifyApi.get_orders``: one
    call for up to ``ORDERS_A_READ`` orders, not one an order), then each payout is taken."""
    window: list[Payout] = []
    for payout in payouts:
        window.append(payout)
        if _needs_transactions(ctx, payout, walk):
            txs = [
                parse_balance_transaction(raw)
                async for raw in ctx.shopify.iter_balance_transactions(payout_id=payout.id)
            ]
            txs = [tx for tx in txs if tx.payout_id in (None, payout.id)]
            walk.txs[payout.id] = txs
            walk.to_read.update(_orders_to_read(ctx, txs, walk))
        if len(walk.to_read) < ORDERS_A_READ and len(window) < PAYOUTS_A_WINDOW:
            continue
        if not await _take_window(ctx, org, window, walk):
            return
        window = []
    await _take_window(ctx, org, window, walk)


async def _take_window(
    ctx: RunContext, org: OrgData, window: Sequence[Payout], walk: _Walk
) -> bool:
    """Read the window's orders to read at once, then take its payouts; False: stop."""
    if walk.to_read:
        walk.orders = await ctx.shopify.get_orders(sorted(walk.to_read))
    try:
        for payout in window:
            ctx.progress.advance(PAYOUTS)
            if not await _take(ctx, org, payout, walk):
                return False
        return True
    finally:  # held for this window only: memory is bounded by a window, not by the shop
        walk.txs, walk.to_read, walk.orders = {}, set(), {}


def _needs_transactions(ctx: RunContext, payout: Payout, walk: _Walk) -> bool:
    """A paid payout not yet posted, not refused by Xero (unless retried), in the clearing
    account's currency: one whose balance transactions and orders are checked (``_take``)."""
    return (
        payout.status == "paid"
        and ctx.store.mappings.get(DONE, str(payout.id)) is None
        and (payout.id not in walk.refused or ctx.retrying)
        and (payout.currency or walk.currency) == walk.currency
    )


async def _take(ctx: RunContext, org: OrgData, payout: Payout, walk: _Walk) -> bool:
    """Decide one payout: skip, hold (with a note) or make ready; False stops the walk."""
    assert payout.date is not None
    if payout.status in ("failed", "canceled"):
        return True  # never reached the bank: nothing to post
    if payout.status != "paid":
        walk.held.append(payout.date)  # scheduled / in transit: posted once it is paid
        return True
    if ctx.store.mappings.get(DONE, str(payout.id)) is not None:
        ctx.report.count(PAYOUTS, "unchanged")
        return True
    if payout.id in walk.refused and not ctx.retrying:
        walk.held.append(payout.date)  # Xero refused it: `errors retry` sends it again
        return True
    if (payout.currency or walk.currency) != walk.currency:
        ctx.report.note(
            f"payout {payout.id} ({payout.date}, {payout.amount} {payout.currency}) is not "
            f"posted: the clearing account {walk.accounts.clearing} is in {walk.currency}, and "
            "Xero transfers only between accounts of one currency; record it by hand"
        )
        ctx.report.count(PAYOUTS, "skipped")
        return True
    txs = walk.txs[payout.id]  # read ahead by _walk
    check = _check_orders(ctx, org, txs, walk)
    if check.waits:
        ctx.report.note(f"payout {payout.id} ({payout.date}) waits: {'; '.join(check.waits)}")
        walk.held.append(payout.date)
        return True
    if check.elsewhere:
        _not_posted(ctx, payout, "; ".join(check.elsewhere) + ", so it would not net to zero")
        return True
    if walk.contact_id is None:
        walk.contact_id = await _ensure_contact(ctx)
        if walk.contact_id is None:
            ctx.report.note("payouts wait: the 'Shopify' contact could not be made in Xero")
            walk.held.append(payout.date)
            return False
    posting = payout_posting(
        payout,
        txs,
        walk.accounts,
        contact_id=walk.contact_id,
        clearing_currency=walk.currency,
        opening_orders=check.opening,
    )
    if isinstance(posting, PayoutRefused):
        if posting.setting == "SHOPXERO_PAYOUT_OPENING_ACCOUNT":
            _not_posted(ctx, payout, posting.reason)  # would wait for ever: passed by
            return True
        ctx.report.note(f"payout {payout.id} ({payout.date}) waits: {_it(payout, posting)}")
        walk.held.append(payout.date)
        return True
    walk.ready.append(_Work(posting, _mapped(ctx, payout.id)))
    return True


def _it(payout: Payout, refused: PayoutRefused) -> str:
    """The reason, the payout named once: "payout 77 (date) waits: it holds a reserve..."."""
    named = f"payout {payout.id} "
    reason = refused.reason
    return "it " + reason.removeprefix(named) if reason.startswith(named) else reason


def _not_posted(ctx: RunContext, payout: Payout, reason: str) -> None:
    """A payout that cannot be posted exactly, ever: said, counted, and not waited for."""
    ctx.report.note(
        f"payout {payout.id} ({payout.date}, {payout.amount}) is not posted: {reason}; record "
        "it by hand (docs/payouts.md)"
    )
    ctx.report.count(PAYOUTS, "skipped")


def _accounts(ctx: RunContext, org: OrgData) -> PayoutAccounts | PayoutRefused:
    s = ctx.settings
    routed = gateway_accounts(s, org, ctx.store)
    accounts = resolve_payout_accounts(
        org.accounts,
        gateway_account=routed.for_gateway(SHOPIFY_PAYMENTS_GATEWAY),
        explicit_gateway_account=s.account_by_gateway.get(SHOPIFY_PAYMENTS_GATEWAY)
        or s.payment_account,
        clearing=s.clearing_account,
        bank=s.payout_bank_account,
        fees=s.payout_fees_account,
        dispute=s.dispute_account,
        adjustment=s.payout_adjustment_account,
        reserve=s.reserve_account,
        opening=s.payout_opening_account,
    )
    if (
        isinstance(accounts, PayoutRefused)
        and accounts.setting == "SHOPXERO_ACCOUNT_BY_GATEWAY"
        and legacy_routing(ctx.store)
    ):
        return PayoutRefused(
            f"{accounts.reason}. Payments recorded so far stay where they are: the payouts "
            "that pay them out are left to you, and the ones after the change are posted "
            "(docs/payouts.md, 'Turning payouts on for a shop already syncing')",
            setting=accounts.setting,
        )
    return accounts


def _legacy_account(ctx: RunContext, org: OrgData) -> str | None:
    """Where a Shopify Payments payment recorded before payments kept their account went: the
    settings' rule without the clearing account (``engine.payment_routing``)."""
    s = ctx.settings
    return GatewayAccounts(
        default=s.payment_account or org.resolved.payment,
        by_gateway=s.account_by_gateway,
        gift_card=s.gift_card_account,
    ).for_gateway(SHOPIFY_PAYMENTS_GATEWAY)


async def _read_payouts(ctx: RunContext) -> list[Payout]:
    cursor = ctx.store.cursors.get(PAYOUTS)
    floor = [(cursor - LOOKBACK).date()] if cursor is not None else []
    if ctx.settings.sync_start_date is not None:
        floor.append(ctx.settings.sync_start_date)
    since = max(floor) if floor else None
    payouts: dict[int, Payout] = {}
    async for raw in ctx.shopify.iter_payouts(date_min=since):
        payout = parse_payout(raw)
        if payout.date is None:
            continue
        if since is not None and payout.date < since:
            continue
        payouts[payout.id] = payout
    return sorted(payouts.values(), key=lambda p: (p.date or date.min, p.id))


def _queued_orders(ctx: RunContext) -> dict[str, str]:
    """Order id -> the message of its open error-queue entry."""
    out: dict[str, str] = {}
    for entry in ctx.store.errors.list_open("orders"):
        out.setdefault(entry.shopify_id.split("/")[0], entry.message)
    return out


@dataclass
class _OrdersCheck:
    """What a payout's orders say about posting it now: ``waits`` (reasons to wait for the
    orders step), ``opening`` (orders from before the sync start date: never in the clearing
    account) and ``elsewhere`` (charges whose payment went to another account: not postable)."""

    waits: list[str] = field(default_factory=list)
    opening: set[int] = field(default_factory=set)
    elsewhere: list[str] = field(default_factory=list)


def _by_order(
    txs: Sequence[BalanceTransaction], check: _OrdersCheck | None = None
) -> dict[int, list[BalanceTransaction]]:
    """``txs``' charges and refunds by order id, oldest order first (one naming no order is a
    reason to wait, told to ``check``)."""
    by_order: dict[int, list[BalanceTransaction]] = {}
    for tx in txs:
        if _kind(tx) in ORDER_KINDS:
            if tx.source_order_id is None:
                if check is not None:
                    check.waits.append(f"{tx.type} {tx.id} names no order")
                continue
            by_order.setdefault(tx.source_order_id, []).append(tx)
    return dict(sorted(by_order.items()))


def _orders_to_read(ctx: RunContext, txs: Sequence[BalanceTransaction], walk: _Walk) -> list[int]:
    """The orders of ``txs`` that ``_check_orders`` needs read from Shopify: those the state DB
    alone cannot clear (``_needs_order``)."""
    return [
        oid
        for oid, order_txs in _by_order(txs).items()
        if str(oid) not in walk.queued and _needs_order(ctx, order_txs, walk)
    ]


def _check_orders(
    ctx: RunContext, org: OrgData, txs: Sequence[BalanceTransaction], walk: _Walk
) -> _OrdersCheck:
    """Check every order of ``txs``' charges and refunds (``_check_order``), from the state DB
    and the orders ``_walk`` read for its window."""
    check = _OrdersCheck()
    for oid, order_txs in _by_order(txs, check).items():
        if str(oid) in walk.queued:
            check.waits.append(f"order {oid} is in the error queue")
            continue
        elsewhere = _paid_elsewhere(ctx, _charges(order_txs), walk)
        if elsewhere:
            check.elsewhere.append(f"order {oid}'s payments went to {elsewhere}")
            continue
        if _needs_order(ctx, order_txs, walk):
            _check_order(ctx, org, oid, order_txs, walk.orders.get(oid), check)
    return check


def _charges(order_txs: Sequence[BalanceTransaction]) -> list[str]:
    return [str(tx.source_order_transaction_id) for tx in order_txs if _kind(tx) == "charge"]


def _needs_order(ctx: RunContext, order_txs: Sequence[BalanceTransaction], walk: _Walk) -> bool:
    """Whether the order itself must be read: its charges' payments are not all in Xero or it
    has refunds; not when its payments went to another account (refused without it)."""
    charges = _charges(order_txs)
    if _paid_elsewhere(ctx, charges, walk):
        return False
    charges_in = all(_in_xero(ctx, "payment", c) for c in charges)
    return not charges_in or any(_kind(tx) == "refund" for tx in order_txs)


def _check_order(
    ctx: RunContext,
    org: OrgData,
    oid: int,
    order_txs: Sequence[BalanceTransaction],
    raw: dict[str, Any] | None,
    check: _OrdersCheck,
) -> None:
    """One order of a payout, read from Shopify (``raw``): its charges' payments (in the
    clearing account?) and its refunds' credit notes in Xero, or the order is from before the
    start date, or why it waits."""
    if raw is None:
        check.waits.append(f"order {oid} is not in Shopify")
        return
    try:
        order = parse_order(raw)
    except MappingError as exc:
        check.waits.append(f"order {oid} cannot be read: {exc}")
        return
    name = order.name or str(oid)
    options = mapping_options(ctx.settings, org)
    refunds = [tx for tx in order_txs if _kind(tx) == "refund"]
    if not _in_xero(ctx, "invoice", str(oid)):
        if processed_before_start(order, options) is not None:
            check.opening.add(oid)
            return
        skip = order_skip_reason(order, options)
        why = f"it is not invoiced ({skip})" if skip else "its invoice is not in Xero yet"
        check.waits.append(f"order {name} ({oid}): {why}, so its money is not in the clearing")
    elif not all(_in_xero(ctx, "payment", c) for c in _charges(order_txs)):
        check.waits.append(f"order {name} ({oid}): a payment is not in Xero yet")
    else:
        missing = _refunds_not_in_xero(ctx, order, refunds)
        if missing:
            check.waits.append(
                f"order {name} ({oid}): the credit note of refund transaction {missing} is not "
                "in Xero yet"
            )


def _kind(tx: BalanceTransaction) -> str:
    return (tx.type or "").lower()


def _paid_elsewhere(ctx: RunContext, charges: Sequence[str], walk: _Walk) -> str | None:
    """The account another than the clearing one that a charge's payment was recorded to (a
    payment from before payouts, kept where the settings of the day sent it), if any."""
    for transaction_id in charges:
        mapping = ctx.store.mappings.get("payment", transaction_id)
        if mapping is None:
            continue
        account = (mapping.payload or {}).get("account") or walk.legacy_account
        if account and account != walk.accounts.clearing:
            return f"account {account}, not the clearing account {walk.accounts.clearing}"
    return None


def _refunds_not_in_xero(
    ctx: RunContext, order: Order, refunds: Sequence[BalanceTransaction]
) -> int | None:
    """The first refund transaction of ``refunds`` whose credit note is not in Xero."""
    by_transaction = {t.id: r.id for r in order.refunds for t in r.transactions if t.id}
    for tx in refunds:
        refund_id = by_transaction.get(tx.source_order_transaction_id or 0)
        if refund_id is None or not _in_xero(ctx, "credit_note", str(refund_id)):
            return tx.source_order_transaction_id
    return None


def _in_xero(ctx: RunContext, kind: str, shopify_id: str) -> bool:
    """Mapped; in a dry run also planned by this run (an invoice, payment or credit note the
    real run would have made before the payouts)."""
    if ctx.store.mappings.get(kind, shopify_id) is not None:
        return True
    if not ctx.dry_run:
        return False
    if kind == "invoice":
        return ("invoice", shopify_id) in ctx.planned
    resource = {"payment": "payments", "credit_note": "credit_notes"}[kind]
    return any(
        c.desired.entity == kind and c.desired.shopify_id == shopify_id
        for c in ctx.report.plan.get(resource, [])
    )


def _mapped(ctx: RunContext, payout_id: int) -> dict[str, str]:
    have: dict[str, str] = {}
    for part in (TRANSFER, SPEND, RECEIVE):
        mapping = ctx.store.mappings.get(part, str(payout_id))
        if mapping is not None:
            have[part] = mapping.xero_id
    return have


def _record(ctx: RunContext, work: _Work, part: str, record: dict[str, Any]) -> None:
    id_field = "BankTransferID" if part == TRANSFER else "BankTransactionID"
    xero_id = str(record[id_field])
    work.have[part] = xero_id
    if ctx.dry_run:
        return
    payload = work.payloads()[part]
    with ctx.store.atomic():
        ctx.store.mappings.upsert(
            MappingRecord(
                entity=part,
                shopify_id=str(work.posting.payout_id),
                xero_id=xero_id,
                natural_key=work.posting.reference,
                checksum=payload_checksum(payload),
                xero_updated_utc=parse_xero_date(record.get("UpdatedDateUTC")),
                last_synced=ctx.now(),
            )
        )
        ctx.store.errors.resolve_for(
            PAYOUTS, f"{work.posting.payout_id}/{part}", resolution="synced", now=ctx.now()
        )


def _mark_done(ctx: RunContext, work: _Work) -> None:
    with ctx.store.atomic():
        ctx.store.mappings.upsert(
            MappingRecord(
                entity=DONE,
                shopify_id=str(work.posting.payout_id),
                xero_id=work.have.get(TRANSFER, "-"),
                natural_key=work.posting.reference,
                checksum=payload_checksum(work.payloads()),
                last_synced=ctx.now(),
            )
        )


async def _link(ctx: RunContext, ready: list[_Work]) -> None:
    """Map what Xero already holds under each Reference (a crash, a rerun after a rebuild)."""
    wants_transfer = [w for w in ready if TRANSFER in w.missing()]
    wants_tx = [w for w in ready if SPEND in w.missing() or RECEIVE in w.missing()]
    transfers: dict[str, dict[str, Any]] = {}
    for n in range(0, len(wants_transfer), _LOOKUP_CHUNK):
        chunk = wants_transfer[n : n + _LOOKUP_CHUNK]
        where = " OR ".join(where_equals("Reference", w.posting.reference) for w in chunk)
        for record in await ctx.xero.list_bank_transfers(where=where):
            transfers.setdefault(str(record.get("Reference") or ""), record)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if wants_tx:
        records = await ctx.xero.find_bank_transactions_by_reference(
            [w.posting.reference for w in wants_tx]
        )
        for record in records:
            if record.get("Status", "AUTHORISED") != "AUTHORISED":
                continue
            kind = {"SPEND": SPEND, "RECEIVE": RECEIVE}.get(str(record.get("Type")))
            if kind is not None:
                found.setdefault((kind, str(record.get("Reference") or "")), record)
    for work in ready:
        candidates: dict[str, dict[str, Any] | None] = {
            TRANSFER: transfers.get(work.posting.reference)
        } | {part: found.get((part, work.posting.reference)) for part in (SPEND, RECEIVE)}
        for part in work.missing():
            match = candidates.get(part)
            if match is None:
                continue
            _record(ctx, work, part, match)
            if ctx.dry_run:
                _plan(ctx, work, part, Action.LINK, str(match.get(_id_field(part)) or ""))


def _id_field(part: str) -> str:
    return "BankTransferID" if part == TRANSFER else "BankTransactionID"


def _label(work: _Work, part: str) -> str:
    what = {TRANSFER: "transfer", SPEND: "spend money", RECEIVE: "receive money"}[part]
    return f"payout {work.posting.payout_id} ({work.posting.date}) {what}"


def _plan(ctx: RunContext, work: _Work, part: str, action: Action, xero_id: str = "") -> None:
    payload = work.payloads()[part]
    details = {"payout": str(work.posting.payout_id), "date": str(work.posting.date)}
    if part == TRANSFER:
        details |= {
            "amount": str(payload["Amount"]),
            "from": str(payload["FromBankAccount"]["Code"]),
            "to": str(payload["ToBankAccount"]["Code"]),
        }
    else:
        for line in work.posting.lines:
            if line.spend == (part == SPEND):
                details[line.kind] = f"{line.amount} to {line.account}"
    ctx.report.plan.setdefault(PAYOUTS, []).append(
        PlannedChange(
            action,
            Desired(
                entity=part,
                shopify_id=str(work.posting.payout_id),
                natural_key=work.posting.reference,
                payload=payload,
                checksum=payload_checksum(payload),
                label=_label(work, part),
            ),
            xero_id=xero_id or None,
            reason="found by Reference" if action == Action.LINK else "not in Xero",
            details=details,
        )
    )


async def _send(ctx: RunContext, ready: list[_Work]) -> None:
    """Create what is missing: transfers first, then spend, then receive money."""
    for part in (TRANSFER, SPEND, RECEIVE):
        todo = [w for w in ready if part in w.missing() and not w.failed]
        if not todo:
            continue
        if ctx.dry_run:
            for work in todo:
                _plan(ctx, work, part, Action.CREATE)
                work.have[part] = new_placeholder(part, work.posting.reference)
                work.created = True
            continue
        owners = {str(w.posting.payout_id): w for w in todo}
        elements = [
            Element(
                entity=part,
                operation="create",
                shopify_id=str(w.posting.payout_id),
                natural_key=w.posting.reference,
                checksum=payload_checksum(w.missing()[part]),
                payload=w.missing()[part],
            )
            for w in todo
        ]
        write = (
            ctx.xero.create_bank_transfers
            if part == TRANSFER
            else ctx.xero.create_bank_transactions
        )
        size = 1 if part == TRANSFER else MAX_BATCH_ELEMENTS  # Xero: one transfer a request
        async for batch in send_batches(
            ctx, write, elements, id_field=_id_field(part), max_elements=size
        ):
            for sent in batch:
                work = owners[sent.element.shopify_id]
                if sent.record is not None:
                    _record(ctx, work, part, sent.record)
                    work.created = True
                    continue
                work.failed = True
                reason = "; ".join(sent.errors) or "no message"
                if sent.retryable:
                    ctx.report.note(
                        f"{_label(work, part)} could not be sent ({reason}); it is looked up by "
                        "its Reference and retried on the next run"
                    )
                    continue
                queue_error(
                    ctx,
                    resource=PAYOUTS,
                    shopify_id=f"{work.posting.payout_id}/{part}",
                    label=_label(work, part),
                    operation="create",
                    error_class=sent.error_class or "ValidationError",
                    message=f"{_label(work, part)}: Xero refused it: {reason}",
                    retryable=False,
                    messages=sent.errors,
                )
                ctx.report.count(PAYOUTS, "failed")


async def _ensure_contact(ctx: RunContext) -> str | None:
    """The ContactID of the one 'Shopify' contact of payouts' spend and receive money, found
    (by number, then name) or made once (engine.own_contact), as the guest contact is."""
    mapping = ctx.store.mappings.get("contact", CONTACT_SHOPIFY_ID)
    if mapping is not None:
        return mapping.xero_id
    planned = ctx.planned.get(("contact", CONTACT_SHOPIFY_ID))
    if planned is not None:
        return planned
    payload = {"Name": CONTACT_NAME, "ContactNumber": CONTACT_NUMBER}
    desired = Desired(
        entity="contact",
        shopify_id=CONTACT_SHOPIFY_ID,
        natural_key=CONTACT_NUMBER,
        payload=payload,
        checksum=payload_checksum(payload),
        label=f"payouts contact ({CONTACT_NAME})",
        base_name=CONTACT_NAME,
        chosen_name=CONTACT_NAME,
    )
    note = f"contact {CONTACT_NAME!r} for payouts' fees and adjustments"
    contact_id = await ensure_own_contact(ctx, desired, note=note)
    if ctx.dry_run:  # planned, not made: the spend/receive money plan with a placeholder
        return contact_id or new_placeholder("contact", CONTACT_NUMBER)
    return contact_id


def _advance_cursor(ctx: RunContext, payouts: Sequence[Payout], held: Sequence[date]) -> None:
    """To the newest payout date before the oldest one still waiting (capped at the run's
    start)."""
    if ctx.dry_run or not payouts:
        return
    first_held = min(held) if held else None
    done = [p.date for p in payouts if p.date and (first_held is None or p.date < first_held)]
    if not done:
        return
    newest = datetime.combine(max(done), datetime.min.time(), tzinfo=UTC)
    with ctx.store.atomic():
        ctx.store.cursors.advance(PAYOUTS, min(newest, ctx.started_at), now=ctx.now())
