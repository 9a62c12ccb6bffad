"""Orders -> Xero sales invoices (ACCREC), after their contact and items.

An order is invoiced only when its contact and the items of its lines are in Xero: an order whose
customer or variant failed (or was never synced) is queued with that reason and retried later
(retryable), never sent without them. Guest orders go to the one guest contact. Test orders and
financial statuses not synced are skipped (``order_skip_reason``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from shopxero.engine.apply import apply_desired, parse_or_queue, queue_record_error
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.context import RunContext
from shopxero.engine.linking import load_invoices
from shopxero.engine.orgdata import OrgData, mapping_options
from shopxero.engine.plan import Desired
from shopxero.entities.orders.edits import check_order_edits
from shopxero.entities.orders.guest_contact import GUEST_SHOPIFY_ID, ensure_guest_contact
from shopxero.entities.orders.life import sync_lifecycle
from shopxero.errors import ConfigError, DependencyError, MappingError
from shopxero.shopify.models import Order, parse_order
from shopxero.translate import invoice_from_order, invoice_number_for, order_skip_reason
from shopxero.translate.accounts import item_sales_accounts
from shopxero.translate.currency import (
    day_rate_applies,
    day_rate_note,
    in_invoice_currency,
    unusable_currencies,
    xero_currency_rate,
)
from shopxero.translate.invoices import rounding_amount, rounding_note

__all__ = ["sync_orders"]


async def sync_orders(ctx: RunContext, raws: Sequence[dict[str, Any]]) -> None:
    resource = "orders"
    orders = parse_or_queue(ctx, resource, raws, parse_order)
    if not orders:
        return
    org = await ctx.org.get()
    options = mapping_options(ctx.settings, org)
    orders = await _in_usable_currencies(ctx, org, orders)
    item_mappings = ctx.store.mappings.all("item")
    item_codes = {int(m.shopify_id): m.natural_key for m in item_mappings}
    item_accounts = item_sales_accounts({m.shopify_id: m.payload for m in item_mappings})
    item_codes.update({int(vid): code for vid, code in ctx.planned_codes.items()})
    guest_id: str | None = None
    desireds: list[Desired] = []
    rounded: list[tuple[str, Decimal]] = []  # (order, rounding line amount) for the report
    base = str(org.organisation.get("BaseCurrency") or "")
    day_rated: list[Order] = []  # invoiced without Shopify's rate (see xero_currency_rate)
    # Orders whose payments, refunds and cancellation follow once their invoice is in Xero.
    contacts: dict[str, str] = {}
    by_id: dict[str, Order] = {}
    for order in sorted(orders, key=lambda o: o.id):
        oid = str(order.id)
        label = f"order {order.name or oid}"
        reason = order_skip_reason(order, options)
        by_id[oid] = order
        if (
            reason is not None
            and order.cancelled_at is not None
            and ctx.store.mappings.get("invoice", oid) is not None
        ):
            # A cancelled order leaves the synced statuses (voided); the invoice we made for
            # it is voided or credited by the lifecycle step.
            contacts[oid] = ""
        if reason is not None:
            if not ctx.dry_run:
                ctx.store.errors.resolve_for(
                    resource, oid, resolution=f"skipped: {reason}", now=ctx.now()
                )
            ctx.report.count(resource, "skipped")
            ctx.progress.advance(resource)
            continue
        if order.customer is None:
            if guest_id is None and not ctx.dry_run:
                guest_id = await ensure_guest_contact(ctx)
            elif guest_id is None:
                # A dry run creates nothing, but plans against the guest contact already mapped
                # (so an unchanged guest order is not shown as an update).
                guest = ctx.store.mappings.get("contact", GUEST_SHOPIFY_ID)
                guest_id = guest.xero_id if guest else None
            contact_id = guest_id or ("(guest contact)" if ctx.dry_run else None)
            missing = None if contact_id else "the guest contact could not be created"
        else:
            mapping = ctx.store.mappings.get("contact", str(order.customer.id))
            contact_id = (
                mapping.xero_id
                if mapping
                else ctx.planned.get(("contact", str(order.customer.id)))  # dry runs only
            )
            missing = None if contact_id else _why_missing(ctx, "customers", order.customer.id)
        if missing is None:
            unsynced = [
                li.variant_id
                for li in order.line_items
                if li.variant_id is not None and li.variant_id not in item_codes
            ]
            if unsynced:
                missing = _why_missing(ctx, "products", unsynced[0], variant=True)
        if missing is not None or contact_id is None:
            queue_record_error(
                ctx,
                resource,
                oid,
                f"{label}: not sent because {missing}",
                error_class=DependencyError.queue_name,
                retryable=True,
                operation="create",
            )
            continue
        try:
            invoice = invoice_from_order(
                order,
                contact_id=contact_id,
                item_codes=item_codes,
                options=options,
                tax=org.tax,
                item_accounts=item_accounts,
            )
            number = invoice_number_for(order, options)
        except MappingError as exc:
            queue_record_error(ctx, resource, oid, str(exc))
            continue
        rounding = rounding_amount(invoice)
        if rounding is not None:
            rounded.append((label.removeprefix("order "), rounding))
        payload = invoice.to_payload()
        if ctx.settings.invoice_currency == "presentment":
            rate = xero_currency_rate(order, base)
            if rate is not None:
                payload["CurrencyRate"] = rate  # the rate Shopify used, not Xero's day rate
            elif day_rate_applies(order, base):
                day_rated.append(order)
        contacts[oid] = contact_id
        desireds.append(
            Desired(
                entity="invoice",
                shopify_id=oid,
                natural_key=number,
                payload=payload,
                checksum=payload_checksum(payload),
                label=f"{label} (invoice {number})",
            )
        )
    note = rounding_note(rounded)
    if note is not None:
        ctx.report.note(note)
    note = day_rate_note(day_rated, base)
    if note is not None:
        ctx.report.note(note)
    mapped = ctx.store.mappings.many("invoice", [d.shopify_id for d in desireds])
    unmapped = [d.natural_key for d in desireds if d.shopify_id not in mapped]
    index = await load_invoices(ctx.xero, unmapped) if unmapped else None
    links: dict[str, dict[str, Any]] = {}
    for d in desireds:
        if index is None or d.shopify_id in mapped:
            continue
        record = index.get(d.natural_key)
        if record is not None and record.get("Type", "ACCREC") == "ACCREC":
            links[d.shopify_id] = record

    async def lookup_one(number: str) -> dict[str, Any] | None:
        found = await ctx.xero.get_invoices_by_number([number])
        return dict(found[0]) if found else None

    in_xero = await apply_desired(
        ctx,
        desireds,
        links,
        lookup_one=lookup_one,
        check_conflicts=lambda updates: check_order_edits(ctx, updates, by_id),
        link_how=dict.fromkeys(links, "InvoiceNumber"),
    )
    # A dry run plans the life of an order whose invoice it would create, too.
    new = ctx.report.planned_ids(resource, "create") if ctx.dry_run else set()
    settled = [
        (by_id[oid], contact_id)
        for oid, contact_id in contacts.items()
        if oid in in_xero or oid in new or not contact_id  # not contact_id: cancelled, skipped
    ]
    await sync_lifecycle(ctx, settled, org=org, options=options, item_codes=item_codes)


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
            queue_record_error(ctx, "orders", str(order.id), str(exc))
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
                f"order {order.name or order.id} (field currency) is in {order.currency}, which "
                "the Xero organisation has not added: add it in Xero (Settings > Currencies)"
                + ("" if mode == "shop" else " or set SHOPXERO_INVOICE_CURRENCY=shop"),
                error_class="ConfigError",
            )
        else:
            kept.append(order)
    return kept


def _why_missing(ctx: RunContext, resource: str, shopify_id: int, *, variant: bool = False) -> str:
    what = f"variant {shopify_id}" if variant else f"customer {shopify_id}"
    for entry in ctx.store.errors.list_open(resource):
        key = entry.shopify_id.split("/")[-1] if variant else entry.shopify_id
        if key == str(shopify_id):
            return f"{what} failed to sync (error #{entry.id}: {entry.message})"
    return f"{what} is not in Xero yet (sync {resource} first)"
