"""Shape a finished ``Draft`` into Shopify's REST order (and refund) JSON.

Only formatting happens here; every amount comes from the draft. Top-level strings
(``total_price`` ...) are shop currency, as in REST; each has its ``*_set`` twin.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shopxero.sandbox.seeds.money import ZERO, money
from shopxero.sandbox.seeds.order_draft import Draft
from shopxero.sandbox.seeds.order_parts import Money, OrderParts, address_of, embedded_customer
from shopxero.sandbox.seeds.order_specs import RefundSpec

__all__ = ["order_record", "refund_record", "refund_shipping", "shipping_adjustment"]


def refund_shipping(draft: Draft, parts: OrderParts, gross: Money) -> dict[str, Any]:
    """A ``refund_shipping_lines`` entry; ``gross`` stated the order's way
    (shopify-api-notes §5)."""
    return {
        "id": parts.ids.next("refund_line_item"),
        "shipping_line_id": draft.shipping_lines[0]["id"],
        "subtotal_amount_set": parts.money(gross.shop, gross.pres, draft.pres_currency),
        "shipping_line": draft.shipping_lines[0],
    }


def shipping_adjustment(
    draft: Draft, parts: OrderParts, refund_id: int, net: Money, tax: Money
) -> dict[str, Any]:
    """The ``order_adjustments`` entry Shopify adds for refunded shipping: negative amounts,
    ``amount`` without tax and ``tax_amount`` its tax."""
    cur = draft.pres_currency
    return {
        "id": parts.ids.next("adjustment"),
        "order_id": draft.order_id,
        "refund_id": refund_id,
        "amount": money(-net.shop),
        "amount_set": parts.money(-net.shop, -net.pres, cur),
        "tax_amount": money(-tax.shop),
        "tax_amount_set": parts.money(-tax.shop, -tax.pres, cur),
        "kind": "shipping_refund",
        "reason": "Shipping refund",
    }


def refund_record(
    draft: Draft,
    parts: OrderParts,
    *,
    refund_id: int,
    spec: RefundSpec,
    when: datetime,
    lines: list[dict[str, Any]],
    shipping: list[dict[str, Any]],
    adjustments: list[dict[str, Any]],
    transaction: dict[str, Any] | None,
    duties: Money | None = None,
    fees: Money | None = None,
) -> dict[str, Any]:
    cur = draft.pres_currency
    duties, fees = duties or Money(), fees or Money()
    duty_back = draft.duty_ids[:1] if duties.pres else []
    fee_back = draft.fee_ids[:1] if fees.pres else []
    return {
        "id": refund_id,
        "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
        "order_id": draft.order_id,
        "created_at": parts.time(when),
        "processed_at": parts.time(when),
        "note": spec.note,
        "restock": spec.restock,
        "user_id": None,
        "return": None,
        "duties": [
            {"duty_id": d, "amount_set": parts.money(duties.shop, duties.pres, cur)}
            for d in duty_back
        ],
        "refund_duties": [{"duty_id": d, "refund_type": "FULL"} for d in duty_back],
        "total_duties_set": parts.money(duties.shop, duties.pres, cur),
        "additional_fees": [
            {"id": f, "amount_set": parts.money(fees.shop, fees.pres, cur)} for f in fee_back
        ],
        "total_additional_fees_set": parts.money(fees.shop, fees.pres, cur),
        "refund_line_items": lines,
        "refund_shipping_lines": shipping,
        "order_adjustments": adjustments,
        "transactions": [transaction] if transaction is not None else [],
    }


def _discount_parts(draft: Draft) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    discount = draft.spec.discount
    if discount is None:
        return [], []
    codes = [
        {
            "code": discount.code,
            "amount": money(draft.totals.discounts.shop),
            "type": discount.value_type,
        }
    ]
    applications = [
        {
            "target_type": "line_item",
            "type": "discount_code",
            "value": str(discount.value),
            "value_type": discount.value_type,
            "allocation_method": "across",
            "target_selection": "all",
            "code": discount.code,
        }
    ]
    return codes, applications


def order_record(draft: Draft, parts: OrderParts, *, domain: str) -> dict[str, Any]:
    """The REST order for ``draft``, with its ``refunds`` and (seed convention) ``transactions``."""
    spec, cur, oid = draft.spec, draft.pres_currency, draft.order_id
    t, r = draft.totals, draft.refunded

    def both(m: Money) -> tuple[str, dict[str, dict[str, str]]]:
        return money(m.shop), parts.money(m.shop, m.pres, cur)

    subtotal, total = draft.subtotal, draft.total
    cur_subtotal = draft.current(subtotal, r.line_items)
    cur_tax = draft.current(t.tax, r.tax)
    cur_total = draft.current(total, draft.refund_money)
    cur_disc = draft.current(t.discounts, r.discounts)
    customer = spec.customer
    email = spec.email if spec.email is not None else (customer or {}).get("email")
    address = spec.address if spec.address is not None else address_of(customer)
    updated = draft.last_update or spec.processed_at
    cancelled_at = parts.time(updated) if spec.cancel_reason else None
    codes, applications = _discount_parts(draft)

    def charge(original: Money, refunded: Money) -> tuple[Any, Any]:
        """(original, current) ``*_set`` of duties / fees: null when the order has none."""
        if original.pres == 0:
            return None, None
        now = draft.current(original, refunded)
        return parts.money(original.shop, original.pres, cur), parts.money(now.shop, now.pres, cur)

    duties, cur_duties = charge(t.duties, r.duties)
    fees, cur_fees = charge(t.additional_fees, r.additional_fees)
    record: dict[str, Any] = {
        "id": oid,
        "admin_graphql_api_id": f"gid://shopify/Order/{oid}",
        "app_id": 580111,
        "browser_ip": None,
        "buyer_accepts_marketing": False,
        "cancel_reason": spec.cancel_reason,
        "cancelled_at": cancelled_at,
        "cart_token": None,
        "checkout_id": None,
        "checkout_token": None,
        "client_details": None,
        "closed_at": cancelled_at,
        "confirmation_number": f"X{oid % 100_000_000:08d}"[:9],
        "confirmed": True,
        "contact_email": email,
        "created_at": parts.time(spec.processed_at),
        "currency": draft.shop_currency,
        "current_total_additional_fees_set": cur_fees,
        "current_total_duties_set": cur_duties,
        "customer_locale": "en-GB",
        "device_id": None,
        "discount_codes": codes,
        "duties_included": False,
        "email": email,
        "estimated_taxes": False,
        "financial_status": draft.financial_status,
        "fulfillment_status": None,
        "landing_site": None,
        "landing_site_ref": None,
        "location_id": None,
        "merchant_business_entity_id": "MTAwMDAwMDAx",
        "merchant_of_record_app_id": None,
        "name": f"#{spec.number}",
        "note": spec.note,
        "note_attributes": [],
        "number": spec.number - 1000,
        "order_number": spec.number,
        "order_status_url": f"https://{domain}/orders/{oid}/authenticate",
        "original_total_additional_fees_set": fees,
        "original_total_duties_set": duties,
        "payment_gateway_names": list(dict.fromkeys(draft.gateways)),
        "phone": spec.phone,
        "po_number": None,
        "presentment_currency": cur,
        "processed_at": parts.time(spec.processed_at),
        "reference": None,
        "referring_site": None,
        "source_identifier": None,
        "source_name": spec.source_name,
        "source_url": None,
        "tags": spec.tags,
        "tax_exempt": spec.tax_exempt,
        "tax_lines": [
            parts.tax_line(title, rate, m.shop, m.pres, cur)
            for (title, rate), m in draft.tax_groups.items()
        ],
        "taxes_included": draft.inclusive,
        "test": spec.test,
        "token": f"{oid:x}",
        "total_cash_rounding_payment_adjustment_set": parts.money(ZERO, ZERO, cur),
        "total_cash_rounding_refund_adjustment_set": parts.money(ZERO, ZERO, cur),
        "total_outstanding": money(draft.outstanding_shop),
        "total_shipping_price_set": parts.money(t.shipping.shop, t.shipping.pres, cur),
        "total_tip_received": money(t.tips.shop),
        "total_weight": sum(line.grams * line.quantity for line in spec.lines),
        "updated_at": parts.time(updated),
        "user_id": None,
        "billing_address": address,
        "customer": embedded_customer(customer),
        "discount_applications": applications,
        "fulfillments": [],
        "line_items": draft.line_items,
        "payment_terms": None,
        "refunds": draft.refunds,
        "shipping_address": address if spec.shipping is not None else None,
        "shipping_lines": draft.shipping_lines,
        "transactions": draft.transactions,
    }
    for key, amount in (
        ("current_subtotal_price", cur_subtotal),
        ("current_total_discounts", cur_disc),
        ("current_total_price", cur_total),
        ("current_total_tax", cur_tax),
        ("subtotal_price", subtotal),
        ("total_discounts", t.discounts),
        ("total_line_items_price", t.line_items),
        ("total_price", total),
        ("total_tax", t.tax),
    ):
        record[key], record[f"{key}_set"] = both(amount)
    return dict(sorted(record.items(), key=_fixture_order))


# REST's key order (the 2026-07 order fixture) keeps served bodies looking like the real thing.
_KEY_ORDER = {
    key: n
    for n, key in enumerate(
        [
            "id",
            "admin_graphql_api_id",
            "app_id",
            "browser_ip",
            "buyer_accepts_marketing",
            "cancel_reason",
            "cancelled_at",
            "cart_token",
            "checkout_id",
            "checkout_token",
            "client_details",
            "closed_at",
            "confirmation_number",
            "confirmed",
            "contact_email",
            "created_at",
            "currency",
            "current_subtotal_price",
            "current_subtotal_price_set",
            "current_total_additional_fees_set",
            "current_total_discounts",
            "current_total_discounts_set",
            "current_total_duties_set",
            "current_total_price",
            "current_total_price_set",
            "current_total_tax",
            "current_total_tax_set",
            "customer_locale",
            "device_id",
            "discount_codes",
            "duties_included",
            "email",
            "estimated_taxes",
            "financial_status",
            "fulfillment_status",
            "landing_site",
            "landing_site_ref",
            "location_id",
            "merchant_business_entity_id",
            "merchant_of_record_app_id",
            "name",
            "note",
            "note_attributes",
            "number",
            "order_number",
            "order_status_url",
            "original_total_additional_fees_set",
            "original_total_duties_set",
            "payment_gateway_names",
            "phone",
            "po_number",
            "presentment_currency",
            "processed_at",
            "reference",
            "referring_site",
            "source_identifier",
            "source_name",
            "source_url",
            "subtotal_price",
            "subtotal_price_set",
            "tags",
            "tax_exempt",
            "tax_lines",
            "taxes_included",
            "test",
            "token",
            "total_cash_rounding_payment_adjustment_set",
            "total_cash_rounding_refund_adjustment_set",
            "total_discounts",
            "total_discounts_set",
            "total_line_items_price",
            "total_line_items_price_set",
            "total_outstanding",
            "total_price",
            "total_price_set",
            "total_shipping_price_set",
            "total_tax",
            "total_tax_set",
            "total_tip_received",
            "total_weight",
            "updated_at",
            "user_id",
            "billing_address",
            "customer",
            "discount_applications",
            "fulfillments",
            "line_items",
            "payment_terms",
            "refunds",
            "shipping_address",
            "shipping_lines",
            "transactions",
        ]
    )
}


def _fixture_order(item: tuple[str, Any]) -> int:
    return _KEY_ORDER.get(item[0], len(_KEY_ORDER))
