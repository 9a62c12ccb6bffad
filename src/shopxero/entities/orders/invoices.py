"""Orders -> Xero sales invoices (ACCREC), after their contact and items.

An order is invoiced only when its contact and the items of its lines are in Xero: an order whose
customer or variant failed (or was never synced) is queued with that reason and retried later
(retryable), never sent without them. Guest orders go to the one guest contact. Test orders and
financial statuses not synced are skipped (``order_skip_reason``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopxero.engine.apply import apply_desired, parse_or_queue, queue_record_error
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.linking import LOOKUP_CHUNK, KeyIndex, load_invoices
from shopxero.engine.orgdata import OrgData, mapping_options
from shopxero.engine.plan import Desired
from shopxero.entities.orders.edits import check_order_edits
from shopxero.entities.orders.guest_contact import GUEST_SHOPIFY_ID, ensure_guest_contact
from shopxero.entities.orders.life import sync_lifecycle
from shopxero.errors import ConfigError, DependencyError, MappingError
from shopxero.shopify.models import Order, parse_order
from shopxero.translate import invoice_from_order, invoice_number_for, order_skip_reason
from shopxero.translate.accounts import item_sales_accounts
from shopxero.translate.common import MappingOptions
from shopxero.translate.currency import (
    day_rate_applies,
    day_rate_note,
    in_invoice_currency,
    shop_currency_of,
    unusable_currencies,
    xero_currency_rate,
)
from shopxero.translate.invoices import (
    rounding_amount,
    rounding_note,
    tax_adjusted_lines,
    tax_adjustment_note,
)
from shopxero.xero.models import XeroInvoice

__all__ = ["OrdersStep", "sync_orders"]


_RESOURCE = "orders"


@dataclass
class _RunNotes:
    """What the report says once for all of a run's invoices, gathered over its chunks: the
    invoices carrying a rounding line, those whose lines carry Shopify's tax, those left to
    Xero's day rate (names only: the orders themselves are let go with their chunk)."""

    rounded: list[tuple[str, Decimal]] = field(default_factory=list)  # (order, rounding line)
    tax_adjusted: list[str] = field(default_factory=list)
    day_rated: list[str] = field(default_factory=list)
    shop_currency: str = ""
    base: str = ""

    def write(self, ctx: RunContext) -> None:
        notes = (
            rounding_note(self.rounded),
            tax_adjustment_note(self.tax_adjusted),
            day_rate_note(self.day_rated, self.shop_currency, self.base),
        )
        for note in notes:
            if note is not None:
                ctx.report.note(note)


class OrdersStep:
    """The orders step of one run, a chunk of orders at a time (``run.engine``): each chunk is
    invoiced and its payments, refunds and cancellations recorded, all committed, before the
    next one comes; the notes on the whole run's invoices are written at the end."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.notes = _RunNotes()

    async def take(self, raws: Sequence[dict[str, Any]]) -> None:
        ctx = self.ctx
        orders = parse_or_queue(ctx, _RESOURCE, raws, parse_order)
        if not orders:
            return
        org = await ctx.org.get()
        options = mapping_options(ctx.settings, org)
        orders = await _in_usable_currencies(ctx, org, orders)
        step = _Invoicing.start(ctx, org, options, self.notes)
        for order in sorted(orders, key=lambda o: o.id):
            await step.take(order)
        in_xero = await _apply_invoices(ctx, step.desireds, step.by_id)
        await sync_lifecycle(
            ctx, step.settled(in_xero), org=org, options=options, item_codes=step.item_codes
        )
        ctx.created_invoices.clear()  # the answers of invoices with no payments to record

    def finish(self) -> None:
        self.notes.write(self.ctx)


async def sync_orders(ctx: RunContext, raws: Sequence[dict[str, Any]]) -> None:
    """The orders step over ``raws`` in one go (a rebuild's relinking)."""
    step = OrdersStep(ctx)
    await step.take(raws)
    step.finish()


@dataclass
class _Invoicing:
    """One orders step: each order taken in id order becomes an invoice to send (``desireds``),
    a skip or a queued error. ``contacts`` holds the orders whose payments, refunds and
    cancellation follow once their invoice is in Xero, with their contact ("" for a cancelled
    order skipped, whose invoice the lifecycle step voids or credits)."""

    ctx: RunContext
    org: OrgData
    options: MappingOptions
    item_codes: dict[int, str]  # variant id -> Item Code, mapped or planned by this dry run
    item_accounts: dict[int, str]  # variant id -> the sales account its Item was sent with
    base: str  # the organisation's base currency
    notes: _RunNotes  # the run's roundings, tax-adjusted and day-rated invoices
    guest_id: str | None = None  # the guest contact, once an order without a customer asks
    desireds: list[Desired] = field(default_factory=list)
    contacts: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, Order] = field(default_factory=dict)

    @classmethod
    def start(
        cls, ctx: RunContext, org: OrgData, options: MappingOptions, notes: _RunNotes
    ) -> _Invoicing:
        item_mappings = ctx.store.mappings.all("item")
        item_codes = {int(m.shopify_id): m.natural_key for m in item_mappings}
        item_accounts = item_sales_accounts({m.shopify_id: m.payload for m in item_mappings})
        item_codes.update({int(vid): code for vid, code in ctx.planned_codes.items()})
        base = str(org.organisation.get("BaseCurrency") or "")
        notes.base = base
        return cls(ctx, org, options, item_codes, item_accounts, base, notes)

    async def take(self, order: Order) -> None:
        """Skip ``order``, queue it (its contact or an item is not in Xero, it cannot be
        mapped) or add its invoice to ``desireds``."""
        oid = str(order.id)
        label = f"order {order.name or oid}"
        reason = order_skip_reason(order, self.options)
        self.by_id[oid] = order
        if reason is not None:
            self._skip(order, reason)
            return
        contact_id, missing = await self._contact_of(order)
        if missing is None:
            missing = self._missing_item(order)
        if missing is not None or contact_id is None:
            queue_record_error(
                self.ctx,
                _RESOURCE,
                oid,
                f"order {order.ref}: not sent because {missing}",
                error_class=DependencyError.queue_name,
                retryable=True,
                operation="create",
                label=f"order {order.ref}",
            )
            return
        desired = self._desired_invoice(order, label, contact_id)
        if desired is not None:
            self.contacts[oid] = contact_id
            self.desireds.append(desired)

    def _skip(self, order: Order, reason: str) -> None:
        ctx = self.ctx
        oid = str(order.id)
        if order.cancelled_at is not None and ctx.store.mappings.get("invoice", oid) is not None:
            # A cancelled order leaves the synced statuses (voided); the invoice we made for
            # it is voided or credited by the lifecycle step.
            self.contacts[oid] = ""
        if not ctx.dry_run:
            ctx.store.errors.resolve_for(
                _RESOURCE, oid, resolution=f"skipped: {reason}", now=ctx.now()
            )
        ctx.report.skip(_RESOURCE, oid, f"order {order.ref}", reason)
        ctx.progress.advance(_RESOURCE)

    async def _contact_of(self, order: Order) -> tuple[str | None, str | None]:
        """The ContactID ``order`` is invoiced to, or why there is none yet."""
        ctx = self.ctx
        if order.customer is None:
            guest_id = await self._guest_contact()
            contact_id = guest_id or ("(guest contact)" if ctx.dry_run else None)
            return contact_id, None if contact_id else "the guest contact could not be created"
        mapping = ctx.store.mappings.get("contact", str(order.customer.id))
        contact_id = (
            mapping.xero_id
            if mapping
            else ctx.planned.get(("contact", str(order.customer.id)))  # dry runs only
        )
        missing = None if contact_id else _why_missing(ctx, "customers", order.customer.id)
        return contact_id, missing

    async def _guest_contact(self) -> str | None:
        """The guest contact's id; a failed creation is tried again by the next guest order."""
        if self.guest_id is None and not self.ctx.dry_run:
            self.guest_id = await ensure_guest_contact(self.ctx)
        elif self.guest_id is None:
            # A dry run creates nothing, but plans against the guest contact already mapped
            # (so an unchanged guest order is not shown as an update).
            guest = self.ctx.store.mappings.get("contact", GUEST_SHOPIFY_ID)
            self.guest_id = guest.xero_id if guest else None
        return self.guest_id

    def _missing_item(self, order: Order) -> str | None:
        """Why the first of ``order``'s variants with no Item in Xero has none; None if all do."""
        unsynced = [
            li.variant_id
            for li in order.line_items
            if li.variant_id is not None and li.variant_id not in self.item_codes
        ]
        if unsynced:
            return _why_missing(self.ctx, "products", unsynced[0], variant=True)
        return None

    def _desired_invoice(self, order: Order, label: str, contact_id: str) -> Desired | None:
        """The invoice ``order`` should be in Xero; None (queued) when it cannot be mapped."""
        oid = str(order.id)
        try:
            invoice = self._invoice(order, contact_id, charged_tax=True)
            if tax_adjusted_lines(invoice):
                invoice = self._as_sent_before(order, contact_id, invoice)
            number = invoice_number_for(order, self.options)
        except MappingError as exc:
            queue_record_error(
                self.ctx, _RESOURCE, oid, _named(exc, order), label=f"order {order.ref}"
            )
            return None
        rounding = rounding_amount(invoice)
        if rounding is not None:
            self.notes.rounded.append((label.removeprefix("order "), rounding))
        if tax_adjusted_lines(invoice):
            self.notes.tax_adjusted.append(label.removeprefix("order "))
        payload = self._payload(order, invoice)
        presentment = self.ctx.settings.invoice_currency == "presentment"
        if presentment and "CurrencyRate" not in payload and day_rate_applies(order, self.base):
            self.notes.day_rated.append(order.name or oid)
            self.notes.shop_currency = self.notes.shop_currency or shop_currency_of(order) or ""
        return Desired(
            entity="invoice",
            shopify_id=oid,
            natural_key=number,
            payload=payload,
            checksum=payload_checksum(payload),
            label=f"{label} (invoice {number})",
        )

    def _invoice(self, order: Order, contact_id: str, *, charged_tax: bool) -> XeroInvoice:
        return invoice_from_order(
            order,
            contact_id=contact_id,
            item_codes=self.item_codes,
            options=self.options,
            tax=self.org.tax,
            item_accounts=self.item_accounts,
            charged_tax=charged_tax,
        )

    def _payload(self, order: Order, invoice: XeroInvoice) -> dict[str, Any]:
        payload = invoice.to_payload()
        if self.ctx.settings.invoice_currency == "presentment":
            rate = xero_currency_rate(order, self.base)
            if rate is not None:
                payload["CurrencyRate"] = rate  # the rate Shopify used, not Xero's day rate
        return payload

    def _as_sent_before(self, order: Order, contact_id: str, invoice: XeroInvoice) -> XeroInvoice:
        """The invoice as an earlier shopxero sent it (Xero's own line taxes and a rounding
        line) when that is exactly what this order's invoice in Xero was made from; else
        ``invoice``. A new mapping rule is not a change of the order: rewriting would churn
        every such invoice and queue the paid ones as "cannot be rewritten" for review. The
        order's next real change brings the TaxAmount in (xero-api-notes §6.6a)."""
        mapping = self.ctx.store.mappings.get("invoice", str(order.id))
        if mapping is None or not mapping.checksum:
            return invoice
        before = self._invoice(order, contact_id, charged_tax=False)
        if payload_checksum(self._payload(order, before)) == mapping.checksum:
            return before
        return invoice

    def settled(self, in_xero: Mapping[str, str]) -> list[tuple[Order, str]]:
        """The (order, contact id) pairs whose life follows: invoice in Xero, or cancelled and
        skipped."""
        # A dry run plans the life of an order whose invoice it would create, too.
        new = self.ctx.report.planned_ids(_RESOURCE, "create") if self.ctx.dry_run else set()
        return [
            (self.by_id[oid], contact_id)
            for oid, contact_id in self.contacts.items()
            if oid in in_xero or oid in new or not contact_id  # not contact_id: cancelled, skipped
        ]


async def _invoices_to_link(ctx: RunContext, desireds: list[Desired]) -> dict[str, dict[str, Any]]:
    """The sales invoices already in Xero under the number an unmapped order's invoice would
    take, by order id: adopted rather than created twice; nothing is read when all are mapped,
    nor for a few new orders of a data folder that has invoiced before (``_refusal_links``)."""
    mapped = ctx.store.mappings.many("invoice", [d.shopify_id for d in desireds])
    unmapped = [d.natural_key for d in desireds if d.shopify_id not in mapped]
    known = ctx.first_page("invoices")  # this run's first page, once read: no call
    if known.records is None and _refusal_links(ctx, unmapped):
        return {}
    index = await load_invoices(ctx.xero, unmapped, known=known) if unmapped else None
    links: dict[str, dict[str, Any]] = {}
    for d in desireds:
        if index is None or d.shopify_id in mapped:
            continue
        record = index.get(d.natural_key)
        if record is not None and record.get("Type", "ACCREC") == "ACCREC":
            links[d.shopify_id] = record
    return links


async def _apply_invoices(
    ctx: RunContext, desireds: list[Desired], by_id: dict[str, Order]
) -> dict[str, str]:
    """Send the invoices; returns order id -> InvoiceID for every one in Xero."""
    links = await _invoices_to_link(ctx, desireds)

    async def lookup_many(numbers: list[str]) -> dict[str, dict[str, Any]]:
        """The sales invoices that hold ``numbers`` (40 a call), by the number asked for."""
        index = KeyIndex("InvoiceNumber")
        index.add_all(
            dict(r)
            for r in await ctx.xero.get_invoices_by_number(numbers)
            if r.get("Type", "ACCREC") == "ACCREC" and r.get("Status") != "DELETED"
        )
        return {n: record for n in numbers if (record := index.get(n)) is not None}

    async def lookup_one(number: str) -> dict[str, Any] | None:
        return (await lookup_many([number])).get(number)

    return await apply_desired(
        ctx,
        desireds,
        links,
        lookup_one=lookup_one,
        lookup_many=lookup_many,
        check_conflicts=lambda updates: check_order_edits(ctx, updates, by_id),
        link_how=dict.fromkeys(links, "InvoiceNumber"),
        keep_created=ctx.created_invoices,
    )


def _refusal_links(ctx: RunContext, unmapped: list[str]) -> bool:
    """Whether the unmapped invoices are sent without looking their numbers up first.

    Xero refuses a second sales invoice with a number it holds (``Invoice # must be unique.``,
    xero-api-notes §6.3), and the create's refusal is then linked like a look-up's find
    (``apply_desired``: the refused numbers are read together, 40 a call). A day's few new
    orders (at most one look-up's 40 numbers) are sent straight away: the look-up would cost a
    call every run to find, almost always, nothing, and the create goes out anyway. Not in a
    dry run (it sends nothing, so only a look-up can tell it will link), nor while the state DB
    maps no invoice (a first import, or a lost state DB against an organisation that holds
    them all: one look-up then saves a refused create of each)."""
    return (
        0 < len(unmapped) <= LOOKUP_CHUNK
        and not ctx.dry_run
        and ctx.store.mappings.count("invoice") > 0
    )


async def _in_usable_currencies(ctx: RunContext, org: OrgData, orders: list[Order]) -> list[Order]:
    """The orders in the currency they are invoiced in, checked against the organisation's
    currencies before anything is sent: the shop's currency missing stops the run (every
    invoice would fail); an order in a presentment currency Xero lacks is queued."""
    mode = ctx.settings.invoice_currency
    converted: list[Order] = []
    for order in orders:
        try:
            converted.append(in_invoice_currency(order, mode))
        except MappingError as exc:
            queue_record_error(
                ctx, "orders", str(order.id), _named(exc, order), label=f"order {order.ref}"
            )
    base = str(org.organisation.get("BaseCurrency") or "")
    wanted = {o.currency for o in converted if o.currency}
    if not base or wanted <= {base}:
        return converted
    cached = ctx.store.cache.get("xero:currencies")
    if cached is None:
        currencies = await ctx.xero.list_currencies()
        ctx.store.cache.put("xero:currencies", currencies)
    else:
        currencies = cached[0]
    enabled = [str(c.get("Code")) for c in currencies if isinstance(c, dict)]
    missing = unusable_currencies(wanted, base, enabled)
    if not missing:
        return converted
    shop_currency = str(org.shop.get("currency") or "")
    # Only the shop's own currency missing stops the run (every invoice would fail); one order
    # claiming some other currency is a bad record and is queued like any other.
    if shop_currency in missing or (mode == "shop" and not shop_currency):
        raise ConfigError(
            f"orders are invoiced in {', '.join(missing)} but the Xero organisation (base "
            f"currency {base}) has not added {'it' if len(missing) == 1 else 'them'}: add "
            "the currency in Xero (Settings > Currencies), then sync again"
        )
    kept: list[Order] = []
    for order in converted:
        if order.currency in missing:
            queue_record_error(
                ctx,
                "orders",
                str(order.id),
                f"order {order.ref} (field currency) is in {order.currency}, which "
                "the Xero organisation has not added: add it in Xero (Settings > Currencies)"
                + ("" if mode == "shop" else " or set SHOPXERO_INVOICE_CURRENCY=shop"),
                error_class="ConfigError",
                label=f"order {order.ref}",
            )
        else:
            kept.append(order)
    return kept


def _named(exc: MappingError, order: Order) -> str:
    """The error's message naming the order as ``#1043 (5500000000043)`` when it is about it."""
    return exc.naming(order.ref) if exc.source_id == str(order.id) else str(exc)


def _why_missing(ctx: RunContext, resource: str, shopify_id: int, *, variant: bool = False) -> str:
    what = f"variant {shopify_id}" if variant else f"customer {shopify_id}"
    for entry in ctx.store.errors.list_open(resource):
        key = entry.shopify_id.split("/")[-1] if variant else entry.shopify_id
        if key == str(shopify_id):
            return f"{what} failed to sync (error #{entry.id}: {entry.message})"
    return f"{what} is not in Xero yet (sync {resource} first)"
