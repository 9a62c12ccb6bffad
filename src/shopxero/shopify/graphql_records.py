"""GraphQL Admin API answers -> the REST-shaped records the rest of shopxero reads (pure).

The engine, ``shopify.models`` and ``translate`` read Shopify's REST JSON; the GraphQL client
turns each node into that shape so nothing downstream knows which API read it: ids from gids
(``gid://shopify/Order/1`` -> ``1``), enums lower-cased (``PARTIALLY_REFUNDED`` ->
``partially_refunded``), ``MoneyBag`` -> ``{"shop_money", "presentment_money"}``, and amounts
with at least two decimals as REST writes them (GraphQL's ``"12.0"`` -> ``"12.00"``,
shopify-api-notes §10). A transaction's ``amount`` is its presentment amount, as on REST.

Shopify Payments (shopify-api-notes §9): a payout's REST ``date`` is the day of its ``issuedAt`` in
the shop's time zone, its ``amount``/``currency`` its ``net``; a balance transaction's
``ShopifyPaymentsTransactionType`` becomes REST's ``type`` (``DISPUTE_WITHDRAWAL`` and
``DISPUTE_REVERSAL`` are both ``dispute``, the ``RESERVED_FUNDS*`` kinds ``reserve``, ``TRANSFER``
``payout``; the rest lower-cased), ``associatedPayout``/``associatedOrder`` its ``payout_id``,
``payout_status`` and ``source_order_id``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from decimal import Context, Decimal, InvalidOperation
from typing import Any

__all__ = [
    "balance_record",
    "balance_transaction_record",
    "customer_record",
    "gid_number",
    "order_record",
    "payout_record",
    "product_record",
    "rest_transaction_type",
    "shop_record",
    "tax_sample_record",
    "transaction_record",
    "variant_record",
]

Node = dict[str, Any]
_GID = re.compile(r"^gid://shopify/[A-Za-z]+/(\d+)")
_TWO_PLACES = Decimal("0.01")


def gid_number(value: Any) -> int | None:
    """``gid://shopify/Order/123`` (or ``...?model_name=Address``) -> 123."""
    match = _GID.match(str(value or ""))
    return int(match.group(1)) if match else None


def _amount(value: Any) -> str | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number.as_tuple().exponent > -2:  # type: ignore[operator]
        # Precision for every digit: a hostile 400-digit price overflows the default 28 and
        # must reach the mapper, which names the field, as REST's "1000...0.00" does.
        digits = Context(prec=max(28, len(number.as_tuple().digits) + 2))
        number = number.quantize(_TWO_PLACES, context=digits)
    return format(number, "f")


def _side(money: Any) -> dict[str, Any] | None:
    if not isinstance(money, dict):
        return None
    return {"amount": _amount(money.get("amount")), "currency_code": money.get("currencyCode")}


def money_set(bag: Any) -> dict[str, Any] | None:
    if not isinstance(bag, dict):
        return None
    return {
        "shop_money": _side(bag.get("shopMoney")),
        "presentment_money": _side(bag.get("presentmentMoney")),
    }


def _shop_amount(bag: Any) -> str | None:
    side = bag.get("shopMoney") if isinstance(bag, dict) else None
    return _amount(side.get("amount")) if isinstance(side, dict) else None


def _lower(value: Any) -> str | None:
    return str(value).lower() if value else None


def _nodes(connection: Any) -> list[Node]:
    if not isinstance(connection, dict):
        return []
    if isinstance(connection.get("nodes"), list):
        return [n for n in connection["nodes"] if isinstance(n, dict)]
    return [e["node"] for e in connection.get("edges") or [] if isinstance(e, dict)]


def _tags(tags: Any) -> str:
    return ", ".join(str(t) for t in tags or [])


def address_record(address: Any, customer_id: int | None = None) -> dict[str, Any] | None:
    if not isinstance(address, dict):
        return None
    model = str(address.get("id") or "")
    return {
        "id": gid_number(model) if "CustomerAddress" in model else None,
        # A customer's address (REST's customer_id, country_name); an order's has neither.
        **(
            {"customer_id": customer_id, "country_name": address.get("country")}
            if customer_id is not None
            else {}
        ),
        "first_name": address.get("firstName"),
        "last_name": address.get("lastName"),
        "name": address.get("name"),
        "company": address.get("company"),
        "address1": address.get("address1"),
        "address2": address.get("address2"),
        "city": address.get("city"),
        "province": address.get("province"),
        "province_code": address.get("provinceCode"),
        "country": address.get("country"),
        "country_code": address.get("countryCodeV2"),
        "zip": address.get("zip"),
        "phone": address.get("phone"),
    }


def customer_record(node: Node) -> dict[str, Any]:
    owner = gid_number(node.get("id"))
    default = address_record(node.get("defaultAddress"), owner)
    if default is not None:
        default["default"] = True
    email = node.get("defaultEmailAddress") or {}
    phone = node.get("defaultPhoneNumber") or {}
    spent = node.get("amountSpent") or {}
    addresses = [
        a for a in (address_record(x, owner) for x in node.get("addresses") or []) if a is not None
    ]
    for address in addresses:
        address["default"] = default is not None and address["id"] == default["id"]
    return {
        "id": owner,
        "admin_graphql_api_id": node.get("id"),
        "email": email.get("emailAddress"),
        "first_name": node.get("firstName"),
        "last_name": node.get("lastName"),
        "phone": phone.get("phoneNumber"),
        "state": _lower(node.get("state")),
        "note": node.get("note"),
        "tags": _tags(node.get("tags")),
        "currency": spent.get("currencyCode"),
        "tax_exempt": node.get("taxExempt"),
        "verified_email": node.get("verifiedEmail"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "default_address": default,
        "addresses": addresses,
    }


def variant_record(node: Node, product_id: int | None) -> dict[str, Any]:
    item = node.get("inventoryItem") or {}
    return {
        "id": gid_number(node.get("id")),
        "admin_graphql_api_id": node.get("id"),
        "product_id": product_id,
        "title": node.get("title"),
        "price": _amount(node.get("price")),
        "compare_at_price": _amount(node.get("compareAtPrice")),
        "sku": node.get("sku"),
        "barcode": node.get("barcode"),
        "position": node.get("position"),
        "taxable": node.get("taxable"),
        "tax_code": node.get("taxCode"),
        "inventory_item_id": gid_number(item.get("id")),
        "inventory_management": "shopify" if item.get("tracked") else None,
        "requires_shipping": item.get("requiresShipping"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }


def product_record(node: Node, variants: list[Node]) -> dict[str, Any]:
    product_id = gid_number(node.get("id"))
    return {
        "id": product_id,
        "admin_graphql_api_id": node.get("id"),
        "title": node.get("title"),
        "body_html": node.get("descriptionHtml"),
        "vendor": node.get("vendor"),
        "product_type": node.get("productType"),
        "handle": node.get("handle"),
        "status": _lower(node.get("status")),
        "tags": _tags(node.get("tags")),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "published_at": node.get("publishedAt"),
        "variants": [variant_record(v, product_id) for v in variants],
    }


def _tax_line(node: Node) -> dict[str, Any]:
    return {
        "title": node.get("title"),
        "rate": node.get("rate"),
        "price": _shop_amount(node.get("priceSet")),
        "price_set": money_set(node.get("priceSet")),
        "channel_liable": node.get("channelLiable"),
    }


def _allocation(node: Node) -> dict[str, Any]:
    application = node.get("discountApplication") or {}
    return {
        "amount": _shop_amount(node.get("allocatedAmountSet")),
        "amount_set": money_set(node.get("allocatedAmountSet")),
        "discount_application_index": application.get("index"),
    }


def _application(node: Node) -> dict[str, Any]:
    value = node.get("value") or {}
    percentage = "percentage" in value
    kind = {
        "DiscountCodeApplication": "discount_code",
        "ManualDiscountApplication": "manual",
        "AutomaticDiscountApplication": "automatic",
        "ScriptDiscountApplication": "script",
    }.get(str(node.get("__typename")))
    if kind is None:
        kind = "discount_code" if node.get("code") else "manual"
    return {
        "target_type": _lower(node.get("targetType")),
        "type": kind,
        "value": str(value["percentage"]) if percentage else _amount(value.get("amount")),
        "value_type": "percentage" if percentage else "fixed_amount",
        "allocation_method": _lower(node.get("allocationMethod")),
        "target_selection": _lower(node.get("targetSelection")),
        "code": node.get("code"),
        "title": node.get("title"),
        "description": node.get("description"),
    }


def line_item_record(node: Node) -> dict[str, Any]:
    variant = node.get("variant") or {}
    product = variant.get("product") or {}
    quantity = node.get("quantity")
    unit = node.get("originalUnitPriceSet")
    return {
        "id": gid_number(node.get("id")),
        "admin_graphql_api_id": node.get("id"),
        "variant_id": gid_number(variant.get("id")),
        "product_id": gid_number(product.get("id")),
        "product_exists": bool(product),
        "sku": node.get("sku"),
        "title": node.get("title"),
        "variant_title": node.get("variantTitle"),
        "name": node.get("name"),
        "vendor": node.get("vendor"),
        "quantity": quantity,
        "current_quantity": node.get("currentQuantity"),
        "price": _shop_amount(unit),
        "price_set": money_set(unit),
        "total_discount": _shop_amount(node.get("totalDiscountSet")),
        "total_discount_set": money_set(node.get("totalDiscountSet")),
        "discount_allocations": [_allocation(a) for a in node.get("discountAllocations") or []],
        "tax_lines": [_tax_line(t) for t in node.get("taxLines") or []],
        "taxable": node.get("taxable"),
        "gift_card": node.get("isGiftCard"),
        "requires_shipping": node.get("requiresShipping"),
        "duties": [
            {"id": gid_number(d.get("id")), "price_set": money_set(d.get("price"))}
            for d in node.get("duties") or []
        ],
    }


def _shipping_line(node: Node) -> dict[str, Any]:
    return {
        "id": gid_number(node.get("id")),
        "title": node.get("title"),
        "code": node.get("code"),
        "source": node.get("source"),
        "price": _shop_amount(node.get("originalPriceSet")),
        "price_set": money_set(node.get("originalPriceSet")),
        "discounted_price": _shop_amount(node.get("discountedPriceSet")),
        "discounted_price_set": money_set(node.get("discountedPriceSet")),
        "tax_lines": [_tax_line(t) for t in node.get("taxLines") or []],
        "discount_allocations": [_allocation(a) for a in node.get("discountAllocations") or []],
        "is_removed": node.get("isRemoved"),
    }


def transaction_record(node: Node, order_id: int | None) -> dict[str, Any]:
    presentment = (node.get("amountSet") or {}).get("presentmentMoney") or {}
    parent = node.get("parentTransaction") or {}
    return {
        "id": gid_number(node.get("id")),
        "admin_graphql_api_id": node.get("id"),
        "order_id": order_id,
        "kind": _lower(node.get("kind")),
        "status": _lower(node.get("status")),
        "gateway": node.get("gateway"),
        "amount": _amount(presentment.get("amount")),
        "currency": presentment.get("currencyCode"),
        "parent_id": gid_number(parent.get("id")),
        "payment_id": node.get("paymentId"),
        "processed_at": node.get("processedAt"),
        "created_at": node.get("createdAt"),
        "test": node.get("test"),
        "error_code": _lower(node.get("errorCode")),
        "manual_payment_gateway": node.get("manualPaymentGateway"),
    }


def _refund(
    node: Node,
    order_id: int | None,
    lines: dict[int, dict[str, Any]],
    shipping: dict[int, dict[str, Any]],
    transactions: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    refund_lines = []
    for rli in _nodes(node.get("refundLineItems")):
        line_id = gid_number((rli.get("lineItem") or {}).get("id"))
        refund_lines.append(
            {
                "id": gid_number(rli.get("id")),
                "line_item_id": line_id,
                "quantity": rli.get("quantity"),
                "restock_type": _lower(rli.get("restockType")),
                "subtotal": _shop_amount(rli.get("subtotalSet")),
                "total_tax": _shop_amount(rli.get("totalTaxSet")),
                "subtotal_set": money_set(rli.get("subtotalSet")),
                "total_tax_set": money_set(rli.get("totalTaxSet")),
                "line_item": lines.get(line_id) if line_id is not None else None,
            }
        )
    shipping_lines = []
    for rsl in _nodes(node.get("refundShippingLines")):
        line_id = gid_number((rsl.get("shippingLine") or {}).get("id"))
        shipping_lines.append(
            {
                "id": gid_number(rsl.get("id")),
                "shipping_line_id": line_id,
                "shipping_line": shipping.get(line_id) if line_id is not None else None,
                "subtotal_amount_set": money_set(rsl.get("subtotalAmountSet")),
            }
        )
    adjustments = [
        {
            "id": gid_number(a.get("id")),
            "order_id": order_id,
            "refund_id": gid_number(node.get("id")),
            "kind": _lower(a.get("reason")),
            "amount": _shop_amount(a.get("amountSet")),
            "tax_amount": _shop_amount(a.get("taxAmountSet")),
            "amount_set": money_set(a.get("amountSet")),
            "tax_amount_set": money_set(a.get("taxAmountSet")),
        }
        for a in _nodes(node.get("orderAdjustments"))
    ]
    refund_transactions = [
        transactions[tx_id]
        for tx_id in (gid_number(t.get("id")) for t in _nodes(node.get("transactions")))
        if tx_id is not None and tx_id in transactions
    ]
    duties = [
        {
            "duty_id": gid_number((d.get("originalDuty") or {}).get("id")),
            "amount_set": money_set(d.get("amountSet")),
        }
        for d in node.get("duties") or []
    ]
    return {
        "id": gid_number(node.get("id")),
        "admin_graphql_api_id": node.get("id"),
        "order_id": order_id,
        "note": node.get("note"),
        "created_at": node.get("createdAt"),
        "processed_at": node.get("processedAt"),
        "refund_line_items": refund_lines,
        "transactions": refund_transactions,
        "order_adjustments": adjustments,
        "refund_shipping_lines": shipping_lines,
        "duties": duties,
    }


def _fee_given_back(sale: Node) -> dict[str, Any] | None:
    """What an ``AdditionalFeeSale`` of a refund gave back, as REST's refund ``additional_fees``
    entry: the sale's total less its tax, per currency. A return is negative in Shopify's sales
    model (UNCONFIRMED for this sale, shopify-api-notes §10 "Sales agreements"): the sizes are
    read, so either sign gives the same entry."""
    total, tax = money_set(sale.get("totalAmount")), money_set(sale.get("totalTaxAmount"))
    if total is None:
        return None
    given: dict[str, Any] = {}
    for side, part in total.items():
        tax_part = (tax or {}).get(side) or {}
        try:
            amount = abs(Decimal(str(part["amount"]))) - abs(
                Decimal(str(tax_part.get("amount") or 0))
            )
        except (InvalidOperation, KeyError, TypeError):
            return None
        given[side] = {"amount": _amount(amount), "currency_code": part.get("currency_code")}
    return {"id": gid_number((sale.get("additionalFee") or {}).get("id")), "amount_set": given}


def _sum_sets(sets: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for side in ("shop_money", "presentment_money"):
        parts = [s[side] for s in sets]
        total = sum((Decimal(str(p["amount"])) for p in parts), Decimal(0))
        out[side] = {"amount": _amount(total), "currency_code": parts[0].get("currency_code")}
    return out


def _refunded_fees(node: Node) -> dict[int, dict[str, Any]]:
    """REST's refund ``additional_fees`` and ``total_additional_fees_set``, by refund id, from
    the order's ``agreements`` (read by ``graphql_queries.AGREEMENTS``): the ADDITIONAL_FEE sales
    of each refund agreement. Refunds that gave no fee back are left out, as before."""
    out: dict[int, dict[str, Any]] = {}
    for agreement in _nodes(node.get("agreements")):
        refund_id = gid_number((agreement.get("refund") or {}).get("id"))
        if refund_id is None:
            continue
        fees = [
            fee
            for sale in _nodes(agreement.get("sales"))
            if sale.get("lineType") == "ADDITIONAL_FEE"
            and (fee := _fee_given_back(sale)) is not None
        ]
        if fees:
            out[refund_id] = {
                "additional_fees": fees,
                "total_additional_fees_set": _sum_sets([f["amount_set"] for f in fees]),
            }
    return out


def _embedded_customer(node: Any) -> dict[str, Any] | None:
    """The customer inside an order: REST embeds it without its address book
    (shopify-api-notes §5)."""
    if not isinstance(node, dict):
        return None
    record = customer_record(node)
    record.pop("addresses")
    return record


_FULFILLMENT = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}


def order_record(node: Node, line_nodes: list[Node]) -> dict[str, Any]:
    """One order, with ``transactions`` inside it (REST serves them from their own endpoint;
    ``shopify.models.Order`` reads them there too)."""
    order_id = gid_number(node.get("id"))
    lines = [line_item_record(li) for li in line_nodes]
    by_line = {li["id"]: li for li in lines if li["id"] is not None}
    shipping = [_shipping_line(s) for s in _nodes(node.get("shippingLines"))]
    by_shipping = {s["id"]: s for s in shipping if s["id"] is not None}
    transactions = [transaction_record(t, order_id) for t in node.get("transactions") or []]
    by_tx = {t["id"]: t for t in transactions if t["id"] is not None}
    customer = node.get("customer")
    fees = _refunded_fees(node)
    money = {
        rest: money_set(node.get(field))
        for field, rest in (
            ("totalPriceSet", "total_price_set"),
            ("subtotalPriceSet", "subtotal_price_set"),
            ("totalTaxSet", "total_tax_set"),
            ("totalDiscountsSet", "total_discounts_set"),
            ("totalShippingPriceSet", "total_shipping_price_set"),
            ("currentTotalPriceSet", "current_total_price_set"),
            ("currentSubtotalPriceSet", "current_subtotal_price_set"),
            ("currentTotalTaxSet", "current_total_tax_set"),
            ("currentTotalDiscountsSet", "current_total_discounts_set"),
            ("originalTotalDutiesSet", "original_total_duties_set"),
            ("currentTotalDutiesSet", "current_total_duties_set"),
            ("originalTotalAdditionalFeesSet", "original_total_additional_fees_set"),
            ("currentTotalAdditionalFeesSet", "current_total_additional_fees_set"),
        )
    }
    name = str(node.get("name") or "")
    return {
        "id": order_id,
        "admin_graphql_api_id": node.get("id"),
        "name": name,
        "order_number": node.get("number"),
        "email": node.get("email"),
        "contact_email": node.get("email"),
        "phone": node.get("phone"),
        "note": node.get("note"),
        "customer": _embedded_customer(customer),
        "billing_address": address_record(node.get("billingAddress")),
        "shipping_address": address_record(node.get("shippingAddress")),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "processed_at": node.get("processedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "closed_at": node.get("closedAt"),
        "cancel_reason": _lower(node.get("cancelReason")),
        "financial_status": _lower(node.get("displayFinancialStatus")),
        "fulfillment_status": _FULFILLMENT.get(str(node.get("displayFulfillmentStatus"))),
        "currency": node.get("currencyCode"),
        "presentment_currency": node.get("presentmentCurrencyCode"),
        "taxes_included": node.get("taxesIncluded"),
        "tax_exempt": node.get("taxExempt"),
        "test": node.get("test"),
        "source_name": node.get("sourceName"),
        "tags": _tags(node.get("tags")),
        "payment_gateway_names": list(node.get("paymentGatewayNames") or []),
        "total_price": _shop_amount(node.get("totalPriceSet")),
        "subtotal_price": _shop_amount(node.get("subtotalPriceSet")),
        "total_tax": _shop_amount(node.get("totalTaxSet")),
        "total_discounts": _shop_amount(node.get("totalDiscountsSet")),
        "total_tip_received": _shop_amount(node.get("totalTipReceivedSet")),
        "total_outstanding": _shop_amount(node.get("totalOutstandingSet")),
        "current_total_price": _shop_amount(node.get("currentTotalPriceSet")),
        "current_subtotal_price": _shop_amount(node.get("currentSubtotalPriceSet")),
        "current_total_tax": _shop_amount(node.get("currentTotalTaxSet")),
        "current_total_discounts": _shop_amount(node.get("currentTotalDiscountsSet")),
        **money,
        "tax_lines": [_tax_line(t) for t in node.get("taxLines") or []],
        "discount_applications": [
            _application(a) for a in _nodes(node.get("discountApplications"))
        ],
        "discount_codes": [{"code": code} for code in node.get("discountCodes") or []],
        "line_items": lines,
        "shipping_lines": shipping,
        "refunds": [
            {
                **_refund(r, order_id, by_line, by_shipping, by_tx),
                **fees.get(gid_number(r.get("id")) or 0, {}),
            }
            for r in node.get("refunds") or []
        ],
        "transactions": transactions,
    }


def tax_sample_record(node: Node) -> dict[str, Any]:
    """An order of ``TAX_SAMPLE`` as REST's ``orders.json?fields=id,line_items,shipping_lines,
    shipping_address,billing_address`` gives it, as far as the sample asks (tax lines, where the
    order went)."""
    return {
        "id": gid_number(node.get("id")),
        "shipping_address": address_record(node.get("shippingAddress")),
        "billing_address": address_record(node.get("billingAddress")),
        "line_items": [
            {"tax_lines": [_tax_line(t) for t in line.get("taxLines") or []]}
            for line in _nodes(node.get("lineItems"))
        ],
        "shipping_lines": [
            {"tax_lines": [_tax_line(t) for t in line.get("taxLines") or []]}
            for line in _nodes(node.get("shippingLines"))
        ],
    }


# -- the shop and Shopify Payments ------------------------------------------------------------


def shop_record(node: Node) -> dict[str, Any]:
    """``shop`` as REST's ``shop.json`` names the fields the engine reads."""
    address = node.get("shopAddress") or {}
    features = node.get("features") or {}
    domain = node.get("primaryDomain") or {}
    return {
        "id": gid_number(node.get("id")),
        "name": node.get("name"),
        "email": node.get("email"),
        "customer_email": node.get("contactEmail"),
        "domain": domain.get("host"),
        "myshopify_domain": node.get("myshopifyDomain"),
        "currency": node.get("currencyCode"),
        "enabled_presentment_currencies": list(node.get("enabledPresentmentCurrencies") or []),
        "iana_timezone": node.get("ianaTimezone"),
        "taxes_included": node.get("taxesIncluded"),
        "tax_shipping": node.get("taxShipping"),
        "has_gift_cards": features.get("giftCards"),
        "address1": address.get("address1"),
        "address2": address.get("address2"),
        "city": address.get("city"),
        "province": address.get("province"),
        "province_code": address.get("provinceCode"),
        "zip": address.get("zip"),
        "phone": address.get("phone"),
        "country_code": address.get("countryCodeV2"),
        "country_name": address.get("country"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }


_PAYOUT_SUMMARY = (
    ("adjustmentsFee", "adjustments_fee_amount"),
    ("adjustmentsGross", "adjustments_gross_amount"),
    ("chargesFee", "charges_fee_amount"),
    ("chargesGross", "charges_gross_amount"),
    ("refundsFee", "refunds_fee_amount"),
    ("refundsFeeGross", "refunds_gross_amount"),
    ("reservedFundsFee", "reserved_funds_fee_amount"),
    ("reservedFundsGross", "reserved_funds_gross_amount"),
    ("retriedPayoutsFee", "retried_payouts_fee_amount"),
    ("retriedPayoutsGross", "retried_payouts_gross_amount"),
)
# GraphQL's transaction types whose REST name differs (shopify-api-notes §9); the engine groups
# by these names (``translate.payouts``).
_REST_TYPES = {
    "DISPUTE_WITHDRAWAL": "dispute",
    "DISPUTE_REVERSAL": "dispute",
    "RESERVED_FUNDS": "reserve",
    "RESERVED_FUNDS_REVERSAL": "reserve",
    "RESERVED_FUNDS_WITHDRAWAL": "reserve",
    "TRANSFER": "payout",
    "TRANSFER_FAILURE": "payout_failure",
    "TRANSFER_CANCEL": "payout_cancellation",
}


def rest_transaction_type(value: Any) -> str | None:
    """A ``ShopifyPaymentsTransactionType`` as REST's balance transaction ``type``."""
    if not value:
        return None
    return _REST_TYPES.get(str(value)) or str(value).lower()


def _local_day(moment: Any, zone: tzinfo) -> str | None:
    if not moment:
        return None
    try:
        parsed = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(zone).date().isoformat()


def _whole(value: Any) -> int | None:
    """A ``BigInt`` (a string on the wire) as an int."""
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def payout_record(node: Node, zone: tzinfo) -> dict[str, Any]:
    """A ``ShopifyPaymentsPayout`` as REST's payout; ``zone`` is the shop's time zone."""
    net = node.get("net") or {}
    summary = node.get("summary") or {}
    return {
        "id": gid_number(node.get("id")),
        "status": _lower(node.get("status")),
        "date": _local_day(node.get("issuedAt"), zone),
        "currency": net.get("currencyCode"),
        "amount": _amount(net.get("amount")),
        "summary": {
            rest: _amount((summary.get(field) or {}).get("amount"))
            for field, rest in _PAYOUT_SUMMARY
        },
    }


def balance_transaction_record(node: Node) -> dict[str, Any]:
    """A ``ShopifyPaymentsBalanceTransaction`` as REST's balance transaction."""
    amount = node.get("amount") or {}
    payout = node.get("associatedPayout") or {}
    order = node.get("associatedOrder") or {}
    source_type = node.get("sourceType")
    return {
        "id": gid_number(node.get("id")),
        "type": rest_transaction_type(node.get("type")),
        "test": node.get("test"),
        "payout_id": gid_number(payout.get("id")),
        "payout_status": _lower(payout.get("status")) or "pending",
        "currency": amount.get("currencyCode"),
        "amount": _amount(amount.get("amount")),
        "fee": _amount((node.get("fee") or {}).get("amount")),
        "net": _amount((node.get("net") or {}).get("amount")),
        "source_id": _whole(node.get("sourceId")),
        "source_type": "payout" if source_type == "TRANSFER" else _lower(source_type),
        "source_order_id": gid_number(order.get("id")),
        "source_order_transaction_id": _whole(node.get("sourceOrderTransactionId")),
        "processed_at": node.get("transactionDate"),
        "adjustment_order_transactions": [
            {
                "id": _whole(row.get("orderTransactionId")),
                "amount": _amount((row.get("amount") or {}).get("amount")),
                "order": {"id": None, "name": row.get("name")},
            }
            for row in node.get("adjustmentsOrders") or []
            if isinstance(row, dict)
        ],
        "adjustment_reason": node.get("adjustmentReason"),
    }


def balance_record(money: Any) -> dict[str, Any]:
    """One ``MoneyV2`` of the account's ``balance`` as REST's ``balance.json`` entry."""
    side = money if isinstance(money, dict) else {}
    return {"amount": _amount(side.get("amount")), "currency": side.get("currencyCode")}
