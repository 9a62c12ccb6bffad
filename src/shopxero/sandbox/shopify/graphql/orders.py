"""Orders in the GraphQL shape: line items, tax lines, shipping lines, discounts, duties and
additional fees, with their transactions and refunds (``refunds.py``) and the refunds' sales
agreements (``agreements.py``), from the REST record.

Money comes from REST's ``*_set`` objects (both currencies, to the cent); statuses become the
schema's enums (``partially_refunded`` -> ``PARTIALLY_REFUNDED``).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopxero.sandbox.shopify.graphql.agreements import agreements_connection
from shopxero.sandbox.shopify.graphql.context import (
    Context,
    Record,
    gid,
    legacy_id,
    nested,
    split_tags,
    upper,
)
from shopxero.sandbox.shopify.graphql.customers import customer_node, mailing_address
from shopxero.sandbox.shopify.graphql.money import (
    bag,
    bag_from_amount,
    decimal_text,
    money,
    scaled_bag,
    zero_bag,
)
from shopxero.sandbox.shopify.graphql.products import product_node, variant_node
from shopxero.sandbox.shopify.graphql.refunds import refund_node, transaction_node

__all__ = ["line_item_node", "order_node", "tax_line"]

_FULFILLMENT = {
    None: "UNFULFILLED",
    "fulfilled": "FULFILLED",
    "partial": "PARTIALLY_FULFILLED",
    "restocked": "RESTOCKED",
}
_APPLICATION_TYPES = {
    "discount_code": "DiscountCodeApplication",
    "manual": "ManualDiscountApplication",
    "script": "ScriptDiscountApplication",
    "automatic": "AutomaticDiscountApplication",
}


def tax_line(line: Record) -> Record:
    rate = line.get("rate")
    return {
        "__typename": "TaxLine",
        "title": line.get("title") or "",
        "rate": float(rate) if rate is not None else None,
        "ratePercentage": round(float(rate) * 100, 4) if rate is not None else None,
        "priceSet": bag(line.get("price_set")),
        "channelLiable": line.get("channel_liable"),
        "source": line.get("source"),
    }


def _pricing_value(application: Record, order: Record) -> Record:
    if application.get("value_type") == "percentage":
        return {
            "__typename": "PricingPercentageValue",
            "percentage": float(application.get("value") or 0),
        }
    return {
        "__typename": "MoneyV2",
        **money(application.get("value") or "0", str(order.get("presentment_currency"))),
    }


def discount_application(application: Record, index: int, order: Record) -> Record:
    kind = _APPLICATION_TYPES.get(str(application.get("type")), "ManualDiscountApplication")
    title = application.get("title") or application.get("code") or ""
    return {
        "__typename": kind,
        "index": index,
        "allocationMethod": upper(application.get("allocation_method")) or "ACROSS",
        "targetSelection": upper(application.get("target_selection")) or "ALL",
        "targetType": upper(application.get("target_type")) or "LINE_ITEM",
        "value": _pricing_value(application, order),
        "code": application.get("code") or "",
        "title": title,
        "description": application.get("description"),
    }


def _allocations(owner: Record, order: Record) -> list[Record]:
    applications = order.get("discount_applications") or []
    out = []
    for allocation in owner.get("discount_allocations") or []:
        index = int(allocation.get("discount_application_index") or 0)
        application = applications[index] if index < len(applications) else {}
        out.append(
            {
                "__typename": "DiscountAllocation",
                "allocatedAmountSet": bag(allocation.get("amount_set")),
                "discountApplication": discount_application(application, index, order),
            }
        )
    return out


def _duty(duty: Record) -> Record:
    return {
        "__typename": "Duty",
        "id": gid("Duty", duty.get("id")),
        "harmonizedSystemCode": duty.get("harmonized_system_code"),
        "countryCodeOfOrigin": duty.get("country_code_of_origin"),
        "price": bag(duty.get("price_set")),
        "taxLines": [tax_line(t) for t in duty.get("tax_lines") or []],
    }


def line_item_node(line: Record, order: Record, ctx: Context) -> Record:
    product = ctx.store.get("products", int(line["product_id"])) if line.get("product_id") else None
    variant = None
    if product is not None and line.get("variant_id"):
        variant = next(
            (
                v
                for v in product.get("variants") or []
                if isinstance(v, dict) and v.get("id") == line["variant_id"]
            ),
            None,
        )
    quantity = int(line.get("quantity") or 0)
    return {
        "__typename": "LineItem",
        "id": gid("LineItem", line["id"]),
        "name": line.get("name") or "",
        "title": line.get("title") or "",
        "variantTitle": line.get("variant_title"),
        "vendor": line.get("vendor"),
        "sku": line.get("sku"),
        "quantity": quantity,
        "currentQuantity": int(line.get("current_quantity", quantity) or 0),
        "taxable": bool(line.get("taxable", True)),
        "requiresShipping": bool(line.get("requires_shipping", True)),
        "isGiftCard": bool(line.get("gift_card")),
        "originalUnitPriceSet": bag(line.get("price_set")),
        "originalTotalSet": scaled_bag(line.get("price_set"), quantity),
        "totalDiscountSet": bag(line.get("total_discount_set")),
        "taxLines": [tax_line(t) for t in line.get("tax_lines") or []],
        "discountAllocations": _allocations(line, order),
        "duties": [_duty(d) for d in line.get("duties") or []],
        "customAttributes": [
            {"key": p.get("name"), "value": p.get("value")}
            for p in line.get("properties") or []
            if isinstance(p, dict)
        ],
        "product": product_node(product) if product is not None else None,
        "variant": variant_node(product, variant) if product and variant else None,
    }


def shipping_line(line: Record, order: Record) -> Record:
    return {
        "__typename": "ShippingLine",
        "id": gid("ShippingLine", line.get("id")) if line.get("id") else None,
        "title": line.get("title") or "",
        "code": line.get("code"),
        "source": line.get("source"),
        "carrierIdentifier": line.get("carrier_identifier"),
        "phone": line.get("phone"),
        "isRemoved": bool(line.get("is_removed")),
        "originalPriceSet": bag(line.get("price_set")),
        "discountedPriceSet": bag(line.get("discounted_price_set") or line.get("price_set")),
        "currentDiscountedPriceSet": bag(line.get("discounted_price_set") or line.get("price_set")),
        "taxLines": [tax_line(t) for t in line.get("tax_lines") or []],
        "discountAllocations": _allocations(line, order),
    }


def _additional_fee(fee: Record) -> Record:
    return {
        "__typename": "AdditionalFee",
        "id": gid("AdditionalFee", fee.get("id")),
        "name": fee.get("name") or "",
        "price": bag(fee.get("price_set")),
        "taxLines": [tax_line(t) for t in fee.get("tax_lines") or []],
    }


def _money_fields(order: Record) -> Record:
    shop_currency = str(order.get("currency"))
    presentment = str(order.get("presentment_currency") or shop_currency)
    zero = zero_bag(shop_currency, presentment)
    return {
        "totalPriceSet": bag(order.get("total_price_set")),
        "subtotalPriceSet": bag(order.get("subtotal_price_set")),
        "totalTaxSet": bag(order.get("total_tax_set")),
        "totalDiscountsSet": bag(order.get("total_discounts_set")),
        "totalShippingPriceSet": bag(order.get("total_shipping_price_set")) or zero,
        "currentTotalPriceSet": bag(order.get("current_total_price_set")),
        "currentSubtotalPriceSet": bag(order.get("current_subtotal_price_set")),
        "currentTotalTaxSet": bag(order.get("current_total_tax_set")),
        "currentTotalDiscountsSet": bag(order.get("current_total_discounts_set")),
        "currentTotalDutiesSet": bag(order.get("current_total_duties_set")),
        "originalTotalDutiesSet": bag(order.get("original_total_duties_set")),
        "currentTotalAdditionalFeesSet": bag(order.get("current_total_additional_fees_set")),
        "originalTotalAdditionalFeesSet": bag(order.get("original_total_additional_fees_set")),
        "totalOutstandingSet": _outstanding(order, shop_currency, presentment),
    }


def order_node(order: Record, ctx: Context) -> Record:
    shop_currency = str(order.get("currency"))
    lines = [li for li in order.get("line_items") or [] if isinstance(li, dict)]
    shipping = [s for s in order.get("shipping_lines") or [] if isinstance(s, dict)]
    applications = [a for a in order.get("discount_applications") or [] if isinstance(a, dict)]
    customer = order.get("customer")
    customer_record = None
    if isinstance(customer, dict) and customer.get("id"):
        customer_record = ctx.store.get("customers", int(customer["id"])) or customer
    owner = gid("Order", order["id"])

    def transactions(info: GraphQLResolveInfo, **args: Any) -> list[Record]:
        rows = [transaction_node(t, order, ctx) for t in order.get("transactions") or []]
        return rows[: args["first"]] if args.get("first") is not None else rows

    def refunds(info: GraphQLResolveInfo, **args: Any) -> list[Record]:
        rows = [refund_node(r, order, ctx) for r in order.get("refunds") or []]
        return rows[: args["first"]] if args.get("first") is not None else rows

    def applications_connection(info: GraphQLResolveInfo, **args: Any) -> Any:
        indexed = [dict(a, _index=i) for i, a in enumerate(applications)]
        return nested(
            indexed, lambda a: discount_application(a, a["_index"], order), "discountApplications"
        )(info, **args)

    return {
        "__typename": "Order",
        "id": owner,
        "legacyResourceId": legacy_id(order),
        "name": order.get("name") or "",
        # "The order number used to generate the name" (the schema): REST's order_number.
        "number": int(order.get("order_number") or order.get("number") or 0),
        "email": order.get("email"),
        "phone": order.get("phone"),
        "note": order.get("note"),
        "poNumber": order.get("po_number"),
        "confirmationNumber": order.get("confirmation_number"),
        "createdAt": order.get("created_at"),
        "updatedAt": order.get("updated_at"),
        "processedAt": order.get("processed_at") or order.get("created_at"),
        "cancelledAt": order.get("cancelled_at"),
        "cancelReason": upper(order.get("cancel_reason")),
        "closedAt": order.get("closed_at"),
        "closed": order.get("closed_at") is not None,
        "confirmed": bool(order.get("confirmed", True)),
        "test": bool(order.get("test")),
        "taxesIncluded": bool(order.get("taxes_included")),
        "taxExempt": bool(order.get("tax_exempt")),
        "dutiesIncluded": bool(order.get("duties_included")),
        "estimatedTaxes": bool(order.get("estimated_taxes")),
        "currencyCode": shop_currency,
        "presentmentCurrencyCode": str(order.get("presentment_currency") or shop_currency),
        "sourceName": order.get("source_name"),
        "sourceIdentifier": order.get("source_identifier"),
        "customerLocale": order.get("customer_locale"),
        "tags": split_tags(order.get("tags")),
        "paymentGatewayNames": list(order.get("payment_gateway_names") or []),
        "discountCodes": [d.get("code") for d in order.get("discount_codes") or []],
        "discountCode": next((d.get("code") for d in order.get("discount_codes") or []), None),
        "displayFinancialStatus": upper(order.get("financial_status")),
        "displayFulfillmentStatus": _FULFILLMENT.get(
            order.get("fulfillment_status"), "UNFULFILLED"
        ),
        "statusPageUrl": order.get("order_status_url") or "",
        "customAttributes": [
            {"key": a.get("name"), "value": a.get("value")}
            for a in order.get("note_attributes") or []
            if isinstance(a, dict)
        ],
        "totalWeight": str(order.get("total_weight") or 0),
        "totalTipReceivedSet": _tip(order),
        **_money_fields(order),
        "billingAddress": mailing_address(order.get("billing_address"), f"{order['id']}1"),
        "shippingAddress": mailing_address(order.get("shipping_address"), f"{order['id']}2"),
        "customer": customer_node(customer_record) if customer_record else None,
        "taxLines": [tax_line(t) for t in order.get("tax_lines") or []],
        "lineItems": nested(lines, lambda li: line_item_node(li, order, ctx), "lineItems"),
        "shippingLines": nested(shipping, lambda s: shipping_line(s, order), "shippingLines"),
        "shippingLine": shipping_line(shipping[0], order) if shipping else None,
        "discountApplications": applications_connection,
        "additionalFees": [_additional_fee(f) for f in order.get("additional_fees") or []],
        "transactions": transactions,
        "refunds": refunds,
        "agreements": agreements_connection(order, ctx),
    }


def _outstanding(order: Record, shop: str, presentment: str) -> Record:
    """REST has ``total_outstanding`` (one amount) and, on newer versions, its ``_set``."""
    given = bag(order.get("total_outstanding_set"))
    return given or _single_amount(order, order.get("total_outstanding"))


def _tip(order: Record) -> Record:
    """REST gives the tip as one amount (``total_tip_received``)."""
    return _single_amount(order, order.get("total_tip_received"))


def _single_amount(order: Record, amount: Any) -> Record:
    """One REST amount as a MoneyBag: zero in both currencies, else read as a presentment
    amount and converted at the order's rate (``money.bag_from_amount``)."""
    shop = str(order.get("currency"))
    presentment = str(order.get("presentment_currency") or shop)
    if decimal_text(amount or "0") == "0.0":
        return zero_bag(shop, presentment)
    return bag_from_amount(amount, order)
