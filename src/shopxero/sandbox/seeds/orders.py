"""Build Shopify REST orders whose numbers add up, from a small description of each order.

Seeds describe an order as lines, an optional discount code, shipping, payment and refunds
(``OrderSpec``); ``OrderBuilder.build`` computes every amount Shopify would show, with Decimal:

- line tax per line on the discounted amount (``money.tax_for``), order ``tax_lines`` summed by
  title and rate; ``taxes_included`` orders state prices with tax in them;
- a fixed discount code split across the discountable lines with penny remainders
  (``discount_allocations``; ``total_discount`` stays "0.00" as Shopify leaves it,
  shopify-api-notes §8 #10);
- ``subtotal_price = total_line_items_price - total_discounts``; ``total_price = subtotal +
  shipping (+ total_tax when tax-exclusive)``;
- refunds: ``refund_line_items`` (``subtotal`` and ``total_tax`` as JSON numbers,
  shopify-api-notes §5; stated the order's way, so tax-inclusive when ``taxes_included``), shipping
  refunds as both a ``refund_shipping_lines`` entry and an ``order_adjustments`` entry of kind
  ``shipping_refund`` (as Shopify's own refund fixture shows them: the SAME money twice; the
  adjustment's ``amount`` is the refunded shipping without tax and ``tax_amount`` its tax, both
  negative), and a refund transaction for exactly the money returned (none when nothing was
  received: a refund of an unpaid order only lowers what is owed);
- tips (``LineSpec.tip``): a productless, untaxed, undiscounted line; ``total_tip_received`` is
  their sum. Import duties (one duty on the first line's ``duties``) and additional fees
  (``OrderSpec.duties`` / ``additional_fees``) are untaxed and in ``total_price``
  (``original_total_duties_set``, ``original_total_additional_fees_set``); a refund may give them
  back (``RefundSpec.duties`` / ``additional_fees``): its ``duties`` [{duty_id, amount_set}],
  ``refund_duties`` [{duty_id, refund_type}], ``additional_fees`` [{id, amount_set}] and their
  ``total_*_set``, in its refund transaction too (shapes: ShopifySharp ``RefundDuty.cs``, GraphQL
  ``RefundDuty`` / ``RefundAdditionalFee``; the fee entry's REST shape is UNCONFIRMED);
- ``current_*`` = original minus refunds; ``total_outstanding`` = current total minus the money
  received; ``financial_status`` follows from the transactions.

Multi-currency orders are priced in the presentment currency; every atomic amount (unit price,
allocation, shipping) is converted to shop currency and the shop-currency tax and totals are
computed from those, so both currencies add up on their own. Transactions are in the presentment
currency. Top-level strings (``total_price`` ...) are shop currency, as in REST.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from shopxero.sandbox.seeds.money import ZERO, convert, money, prorate, split_by_weight
from shopxero.sandbox.seeds.money import tax_for as _tax
from shopxero.sandbox.seeds.order_draft import Draft
from shopxero.sandbox.seeds.order_parts import Amounts, Money, OrderParts
from shopxero.sandbox.seeds.order_record import (
    order_record,
    refund_record,
    refund_shipping,
    shipping_adjustment,
)
from shopxero.sandbox.seeds.order_specs import (
    DiscountSpec,
    IdSequence,
    LineSpec,
    OrderSpec,
    RefundSpec,
    ShippingSpec,
    ShopContext,
    shopify_time,
)

__all__ = [
    "DiscountSpec",
    "IdSequence",
    "LineSpec",
    "OrderBuilder",
    "OrderSpec",
    "RefundSpec",
    "ShippingSpec",
    "ShopContext",
    "shopify_time",
]

Rate = tuple[str, Decimal]  # (tax title, rate as a fraction)


class OrderBuilder:
    """Turns ``OrderSpec`` values into REST order dicts (with ``refunds`` and ``transactions``)."""

    def __init__(self, shop: ShopContext, ids: IdSequence, *, domain: str) -> None:
        self.shop = shop
        self.ids = ids
        self.domain = domain
        self.parts = OrderParts(shop, ids)

    def build(self, spec: OrderSpec) -> dict[str, Any]:
        pres_cur = spec.presentment_currency or self.shop.currency
        draft = Draft(
            spec=spec,
            order_id=self.ids.next("order"),
            shop_currency=self.shop.currency,
            pres_currency=pres_cur,
            fx=spec.exchange_rate if pres_cur != self.shop.currency else Decimal(1),
            refunded_qty=[0] * len(spec.lines),
        )
        self._price_lines(draft)
        self._price_shipping(draft)
        self._price_charges(draft)
        self._take_payment(draft)
        for refund in spec.refunds:
            self._refund(draft, refund)
        for line, item, refunded in zip(
            spec.lines, draft.line_items, draft.refunded_qty, strict=True
        ):
            item["current_quantity"] = line.quantity - refunded
            item["fulfillable_quantity"] = 0 if spec.cancel_reason else item["current_quantity"]
        return order_record(draft, self.parts, domain=self.domain)

    # --- steps ---------------------------------------------------------------------------

    def _rate_of(self, line: LineSpec, spec: OrderSpec) -> Rate | None:
        if not line.taxable or line.gift_card or line.tip:
            return None
        if line.tax_rate is not None:
            return (line.tax_title or self.shop.tax_title, line.tax_rate)
        return spec.tax_override or (self.shop.tax_title, self.shop.tax_rate)

    def _price_lines(self, draft: Draft) -> None:
        spec, fx, incl = draft.spec, draft.fx, draft.inclusive
        # Discount allocations, computed in presentment currency, then converted one by one.
        gross_pres = [line.price * line.quantity for line in spec.lines]
        discountable = [
            ZERO if line.gift_card or line.tip else gross
            for gross, line in zip(gross_pres, spec.lines, strict=True)
        ]
        alloc_pres = [ZERO] * len(spec.lines)
        if spec.discount is not None:
            if spec.discount.value_type == "fixed_amount":
                alloc_pres = split_by_weight(spec.discount.value, discountable)
            else:
                alloc_pres = [_cents(g * spec.discount.value / 100) for g in discountable]
        for index, line in enumerate(spec.lines):
            unit_shop = convert(line.price, fx)
            pres = Amounts(line.price, gross_pres[index], alloc_pres[index], ZERO)
            shop = Amounts(
                unit_shop, unit_shop * line.quantity, convert(alloc_pres[index], fx), ZERO
            )
            rate = self._rate_of(line, spec)
            if rate is not None and not spec.tax_exempt:
                pres.tax = _tax(pres.net, rate[1], inclusive=incl)
                shop.tax = _tax(shop.net, rate[1], inclusive=incl)
                draft.add_tax(rate, shop.tax, pres.tax)
            draft.totals.line_items.add(shop.gross, pres.gross)
            draft.totals.discounts.add(shop.discount, pres.discount)
            if line.tip:
                draft.totals.tips.add(shop.gross, pres.gross)
            draft.figures.append((shop, pres))
            draft.line_items.append(
                self.parts.line_item(line, shop, pres, rate, spec, draft.pres_currency)
            )

    def _price_shipping(self, draft: Draft) -> None:
        spec = draft.spec
        if spec.shipping is None:
            return
        price = spec.shipping.price
        pres = Amounts(price, price, ZERO, ZERO)
        unit_shop = convert(price, draft.fx)
        shop = Amounts(unit_shop, unit_shop, ZERO, ZERO)
        rate = spec.tax_override or (self.shop.tax_title, self.shop.tax_rate)
        taxed = self.shop.taxes_shipping and not spec.tax_exempt and price > 0
        if taxed:
            pres.tax = _tax(pres.gross, rate[1], inclusive=draft.inclusive)
            shop.tax = _tax(shop.gross, rate[1], inclusive=draft.inclusive)
            draft.add_tax(rate, shop.tax, pres.tax)
        draft.totals.shipping.add(shop.gross, pres.gross)
        draft.shipping = (shop, pres)
        draft.shipping_lines.append(
            self.parts.shipping_line(
                spec.shipping, shop, pres, rate if taxed else None, draft.pres_currency
            )
        )

    def _price_charges(self, draft: Draft) -> None:
        """Import duties (one duty on the first line) and additional fees, untaxed."""
        spec, cur = draft.spec, draft.pres_currency
        if spec.duties:
            if not draft.line_items:
                raise ValueError(f"order {spec.number}: duties need a line to be charged on")
            shop = convert(spec.duties, draft.fx)
            draft.totals.duties.add(shop, spec.duties)
            duty_id = self.ids.next("duty")
            draft.duty_ids.append(duty_id)
            draft.line_items[0]["duties"] = [
                {
                    # shopify-api-notes §5 "Tips, gift cards, duties": line_items[].duties fields
                    "id": duty_id,
                    "harmonized_system_code": "691200",
                    "country_code_of_origin": "GB",
                    "price_set": self.parts.money(shop, spec.duties, cur),
                    "tax_lines": [],
                    "admin_graphql_api_id": f"gid://shopify/Duty/{duty_id}",
                }
            ]
        if spec.additional_fees:
            shop = convert(spec.additional_fees, draft.fx)
            draft.totals.additional_fees.add(shop, spec.additional_fees)
            draft.fee_ids.append(self.ids.next("additional_fee"))

    def _take_payment(self, draft: Draft) -> None:
        spec = draft.spec
        total = draft.total.pres
        when = spec.processed_at + timedelta(seconds=5)
        draft.last_update = when

        def record(kind: str, gateway: str, amount: Decimal, status: str = "success") -> int:
            tx = self.parts.transaction(
                draft.order_id,
                kind,
                gateway,
                amount,
                draft.pres_currency,
                when,
                spec.test,
                status=status,
            )
            draft.transactions.append(tx)
            draft.gateways.append(gateway)
            tx_id: int = tx["id"]
            return tx_id

        if spec.payment == "paid":
            remaining = total
            if spec.gift_card_amount:
                record("sale", "gift_card", spec.gift_card_amount)
                remaining -= spec.gift_card_amount
            draft.parent_tx_id = record("sale", spec.gateway, remaining)
            draft.received_pres = total
        elif spec.payment == "partially_paid":
            paid = spec.paid_amount or ZERO
            draft.parent_tx_id = record("sale", spec.gateway, paid)
            draft.received_pres = paid
        elif spec.payment == "authorized":
            record("authorization", spec.gateway, total)
        else:  # pending: a manual payment not yet received
            record("sale", spec.gateway, total, status="pending")

    def _refund(self, draft: Draft, r_spec: RefundSpec) -> None:
        spec, incl, cur = draft.spec, draft.inclusive, draft.pres_currency
        when = spec.processed_at + timedelta(days=r_spec.days_after)
        draft.last_update = max(draft.last_update or when, when)
        refund_id = self.ids.next("refund")
        returned = Money()  # the money this refund gives back
        lines: list[dict[str, Any]] = []
        for index, qty in r_spec.lines:
            shop, pres = draft.figures[index]
            of, done = spec.lines[index].quantity, draft.refunded_qty[index]
            if done + qty > of:
                raise ValueError(f"order {spec.number}: refunding more of line {index} than sold")
            # Refunded subtotal = the units' price minus their share of the discount.
            disc = Money(
                prorate(shop.discount, done, qty, of), prorate(pres.discount, done, qty, of)
            )
            sub = Money(shop.unit * qty - disc.shop, pres.unit * qty - disc.pres)
            tax = Money(prorate(shop.tax, done, qty, of), prorate(pres.tax, done, qty, of))
            draft.refunded.discounts.add(disc.shop, disc.pres)
            draft.refunded.line_items.add(sub.shop, sub.pres)
            draft.refunded.tax.add(tax.shop, tax.pres)
            if incl:
                returned.add(sub.shop, sub.pres)
            else:
                returned.add(sub.shop + tax.shop, sub.pres + tax.pres)
            draft.refunded_qty[index] += qty
            lines.append({
                "id": self.ids.next("refund_line_item"),
                "line_item_id": draft.line_items[index]["id"],
                "location_id": None,
                "quantity": qty,
                "restock_type": "return" if r_spec.restock else "no_restock",
                # JSON numbers here, unlike everywhere else (shopify-api-notes §5 "Refund").
                "subtotal": float(sub.shop),
                "subtotal_set": self.parts.money(sub.shop, sub.pres, cur),
                "total_tax": float(tax.shop),
                "total_tax_set": self.parts.money(tax.shop, tax.pres, cur),
                "line_item": draft.line_items[index],
            })  # fmt: skip
        shipping_back: list[dict[str, Any]] = []
        adjustments: list[dict[str, Any]] = []
        if r_spec.shipping and draft.shipping is not None and draft.refunded.shipping.pres == 0:
            s_shop, s_pres = draft.shipping
            tax = Money(s_shop.tax, s_pres.tax)
            stated = Money(s_shop.gross, s_pres.gross)  # with tax in it when inclusive
            net = Money(stated.shop - tax.shop, stated.pres - tax.pres) if incl else stated
            draft.refunded.shipping.add(stated.shop, stated.pres)
            draft.refunded.tax.add(tax.shop, tax.pres)
            returned.add(net.shop + tax.shop, net.pres + tax.pres)
            shipping_back.append(refund_shipping(draft, self.parts, stated))
            adjustments.append(shipping_adjustment(draft, self.parts, refund_id, net, tax))
        duties = self._refund_charge(draft, "duties", r_spec.duties)
        fees = self._refund_charge(draft, "additional_fees", r_spec.additional_fees)
        returned.add(duties.shop + fees.shop, duties.pres + fees.pres)
        draft.refund_money.add(returned.shop, returned.pres)
        tx: dict[str, Any] | None = None
        paid = any(
            t["kind"] in ("sale", "capture") and t["status"] == "success"
            for t in draft.transactions
        )
        if paid:
            tx = self.parts.transaction(
                draft.order_id,
                "refund",
                spec.gateway,
                returned.pres,
                cur,
                when,
                spec.test,
                parent_id=draft.parent_tx_id,
            )
            draft.transactions.append(tx)
            draft.received_pres -= returned.pres
        # else nothing was received (a pending or authorised order): no money goes back, the
        # refund only lowers what is owed (current_total_price, total_outstanding).
        draft.refunds.append(
            refund_record(
                draft,
                self.parts,
                refund_id=refund_id,
                spec=r_spec,
                when=when,
                lines=lines,
                shipping=shipping_back,
                adjustments=adjustments,
                transaction=tx,
                duties=duties,
                fees=fees,
            )
        )

    @staticmethod
    def _refund_charge(draft: Draft, kind: str, wanted: bool) -> Money:
        """All of the order's duties / additional fees, given back once (refund_type FULL)."""
        charged: Money = getattr(draft.totals, kind)
        done: Money = getattr(draft.refunded, kind)
        if not wanted:
            return Money()
        if charged.pres == 0 or done.pres != 0:
            raise ValueError(f"order {draft.spec.number}: no {kind} left to refund")
        done.add(charged.shop, charged.pres)
        return Money(charged.shop, charged.pres)


def _cents(value: Decimal) -> Decimal:
    return Decimal(money(value))
