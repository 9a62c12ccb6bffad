"""The baseline the benchmark compares against: one request per record, through the same clients.

This is how a straightforward sync works (peer [R1] in peers-and-prior-art.md §1.3): for every
customer, look the contact up by ContactNumber and create it on its own; for every variant, look
the item up by Code and create it; for every order, look the invoice up by InvoiceNumber and create
it. No batching and no bulk pre-reads. Like [R1] it keeps a mapping with checksums and an
``updated_at`` cursor between runs, so a rerun only touches what changed, and a changed record
that is already mapped is updated with one POST.

It uses shopxero's own clients (same pacing, retries and call log), the same pure mapping
functions and the same organisation data, so the only difference measured is the call strategy.
Payments and refunds are not sent (nor, in [R1], are they): the benchmark's ratio compares the
Xero calls for contacts, items and invoices of both strategies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shopxero.config import Settings
from shopxero.engine.checksums import payload_checksum
from shopxero.engine.linking import norm
from shopxero.engine.orgdata import OrgData, OrgDataLoader, mapping_options
from shopxero.entities.orders.guest_contact import GUEST_CONTACT_NUMBER
from shopxero.errors import ApiError, MappingError
from shopxero.shopify.client import ShopifyClient
from shopxero.shopify.models import Order, parse_customer, parse_order, parse_product
from shopxero.store import StateStore
from shopxero.translate import (
    contact_base_name,
    contact_from_customer,
    count_skus,
    disambiguated_name,
    invoice_from_order,
    invoice_number_for,
    item_code_for,
    item_from_variant,
    order_skip_reason,
)
from shopxero.xero.client import XeroClient

__all__ = ["NaiveResult", "NaiveSync"]

# [R1] moves its watermark to the run's time; a small overlap so nothing at the edge is missed.
LOOKBACK = timedelta(minutes=10)


@dataclass
class Mapped:
    xero_id: str
    checksum: str


@dataclass
class NaiveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.failed += 1
        if len(self.failures) < 20:
            self.failures.append(what)


class NaiveSync:
    """One-request-per-record sync; keep one instance across runs (it holds the mapping)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.contacts: dict[str, Mapped] = {}
        self.items: dict[str, Mapped] = {}
        self.item_codes: dict[int, str] = {}
        self.invoices: dict[str, Mapped] = {}
        self.names: dict[str, str] = {}  # normalised contact name -> Shopify customer id
        self.cursor: datetime | None = None

    async def run(
        self, shopify: ShopifyClient, xero: XeroClient, now: datetime, *, cache: StateStore
    ) -> NaiveResult:
        """One run; ``cache`` holds only the organisation data (read once, like the engine)."""
        loader = OrgDataLoader(
            cache,
            self.settings,
            organisation=xero.get_organisation,
            accounts=xero.list_accounts,
            tax_rates=xero.list_tax_rates,
            shop=shopify.get_shop,
        )
        since = self.cursor - LOOKBACK if self.cursor else None
        customers = [c async for c in shopify.iter_customers(updated_at_min=since)]
        products = [p async for p in shopify.iter_products(updated_at_min=since)]
        orders = [o async for o in shopify.iter_orders(updated_at_min=since)]
        result = NaiveResult()
        if customers or products or orders:
            org = await loader.get()
            await self._customers(xero, customers, result)
            await self._products(xero, org, products, result)
            await self._orders(xero, org, orders, result)
        self.cursor = now
        return result

    async def _customers(
        self, xero: XeroClient, raws: list[dict[str, Any]], result: NaiveResult
    ) -> None:
        for raw in sorted(raws, key=lambda r: int(r["id"])):
            sid = str(raw["id"])
            try:
                customer = parse_customer(raw)
                base = contact_base_name(customer)
                owner = self.names.get(norm(base))
                name = base if owner in (None, sid) else disambiguated_name(base, customer.id)
                self.names[norm(name)] = sid
                payload = contact_from_customer(customer, name=name).to_payload()
            except MappingError as exc:
                result.fail(str(exc))
                continue
            await self._one(xero, "contact", sid, payload, self.contacts, result, lookup=sid)

    async def _products(
        self, xero: XeroClient, org: OrgData, raws: list[dict[str, Any]], result: NaiveResult
    ) -> None:
        options = self._options(org)
        products = []
        for raw in raws:
            try:
                products.append(parse_product(raw))
            except MappingError as exc:
                result.fail(str(exc))
        counts = count_skus(products)
        for product in sorted(products, key=lambda p: p.id):
            for variant in product.variants:
                vid = str(variant.id)
                code = self.item_codes.get(variant.id) or item_code_for(variant, sku_counts=counts)
                tax_type = (
                    org.account_tax_type(options.sales_account)
                    if variant.taxable
                    else org.tax.zero_type(taxable=False)
                )
                try:
                    payload = item_from_variant(
                        product, variant, code=code, options=options, sales_tax_type=tax_type
                    ).to_payload()
                except MappingError as exc:
                    result.fail(str(exc))
                    continue
                if await self._one(xero, "item", vid, payload, self.items, result, lookup=code):
                    self.item_codes[variant.id] = code

    async def _orders(
        self, xero: XeroClient, org: OrgData, raws: list[dict[str, Any]], result: NaiveResult
    ) -> None:
        options = self._options(org)
        for raw in sorted(raws, key=lambda r: int(r["id"])):
            oid = str(raw["id"])
            try:
                order = parse_order(raw)
            except MappingError as exc:
                result.fail(str(exc))
                continue
            if order_skip_reason(order, options) is not None:
                continue
            if oid in self.invoices:
                result.unchanged += 1  # like [R1]: an invoice once sent is never rewritten
                continue
            contact_id = await self._contact_for(xero, order, result)
            if contact_id is None:
                result.fail(f"order {oid}: no contact")
                continue
            try:
                invoice = invoice_from_order(
                    order,
                    contact_id=contact_id,
                    item_codes=self.item_codes,
                    options=options,
                    tax=org.tax,
                )
                number = invoice_number_for(order, options)
            except MappingError as exc:
                result.fail(str(exc))
                continue
            await self._one(
                xero, "invoice", oid, invoice.to_payload(), self.invoices, result, lookup=number
            )

    async def _contact_for(self, xero: XeroClient, order: Order, result: NaiveResult) -> str | None:
        if order.customer is not None:
            mapped = self.contacts.get(str(order.customer.id))
            return mapped.xero_id if mapped else None
        guest = self.contacts.get("guest")
        if guest is None:
            payload = {
                "Name": self.settings.guest_contact_name,
                "ContactNumber": GUEST_CONTACT_NUMBER,
            }
            await self._one(
                xero,
                "contact",
                "guest",
                payload,
                self.contacts,
                result,
                lookup=GUEST_CONTACT_NUMBER,
            )
            guest = self.contacts.get("guest")
        return guest.xero_id if guest else None

    def _options(self, org: OrgData) -> Any:
        return mapping_options(self.settings, org)

    async def _one(
        self,
        xero: XeroClient,
        entity: str,
        sid: str,
        payload: dict[str, Any],
        mapped: dict[str, Mapped],
        result: NaiveResult,
        *,
        lookup: str,
    ) -> bool:
        """Look the record up, then create (or update) it alone; True when it is in Xero."""
        checksum = payload_checksum(payload)
        known = mapped.get(sid)
        if known is not None and known.checksum == checksum:
            result.unchanged += 1
            return True
        key = f"naive-{entity}-{sid}-{checksum[:12]}"
        id_field = {"contact": "ContactID", "item": "ItemID", "invoice": "InvoiceID"}[entity]
        try:
            if known is None:
                found = await _lookup(xero, entity, lookup)
                if found is not None:
                    mapped[sid] = Mapped(str(found[id_field]), checksum)
                    result.unchanged += 1
                    return True
                answers = await _create(xero, entity, payload, key)
                result.created += 1 if answers[0].ok else 0
            else:
                body = {**payload, id_field: known.xero_id}
                answers = await _update(xero, entity, body, key)
                result.updated += 1 if answers[0].ok else 0
        except ApiError as exc:
            result.fail(f"{entity} {sid}: {exc}")
            return False
        answer = answers[0]
        if not answer.ok:
            result.fail(f"{entity} {sid}: {'; '.join(answer.errors)}")
            return False
        mapped[sid] = Mapped(str(answer.record[id_field]), checksum)
        return True


async def _lookup(xero: XeroClient, entity: str, key: str) -> dict[str, Any] | None:
    if entity == "contact":
        return await xero.get_contact_by_number(key)
    if entity == "item":
        found = await xero.list_items(code=key)
        return found[0] if found else None
    return await xero.get_invoice(key)


async def _create(xero: XeroClient, entity: str, payload: dict[str, Any], key: str) -> Any:
    create = {
        "contact": xero.create_contacts,
        "item": xero.create_items,
        "invoice": xero.create_invoices,
    }[entity]
    return await create([payload], idempotency_key=key)


async def _update(xero: XeroClient, entity: str, payload: dict[str, Any], key: str) -> Any:
    update = {
        "contact": xero.update_contacts,
        "item": xero.update_items,
        "invoice": xero.update_invoices,
    }[entity]
    return await update([payload], idempotency_key=key)
