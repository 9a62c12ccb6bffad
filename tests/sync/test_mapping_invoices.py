"""Order -> ACCREC invoice. Expected Xero figures are worked out BY HAND in each test."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shopxero.errors import MappingError
from shopxero.sandbox.seeds.xero_defaults import default_tax_rates
from shopxero.shopify.models import Order, parse_order
from shopxero.translate import (
    ROUNDING_DESCRIPTION,
    MappingOptions,
    TaxResolver,
    invoice_from_order,
    order_skip_reason,
)
from shopxero.translate.totals import predict_totals
from shopxero.xero.models import LineAmountTypes, XeroInvoice

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

CONTACT = "3ff6d40c-af9a-40a3-89ce-3c1556a25591"
UK = MappingOptions(
    sales_account="200",
    shipping_account="210",
    rounding_account="860",
    shop_timezone="Europe/London",
)
US = MappingOptions(
    sales_account="400",
    shipping_account="410",
    rounding_account="860",
    shop_timezone="America/Chicago",
)
TAX = {c: TaxResolver.from_xero(default_tax_rates(c), {}, country=c) for c in ("GB", "US")}


def _tax(title: str, rate: str, price: str) -> dict[str, Any]:
    return {"title": title, "rate": float(rate), "price": price}


def _line(
    price: str | None,
    qty: int = 1,
    *,
    variant_id: int | None = 501,
    taxes: list[dict[str, Any]] | None = None,
    discounts: Sequence[str | None] = (),
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": 9000 + (variant_id or 0) + qty,
        "variant_id": variant_id,
        "product_id": 77 if variant_id else None,
        "name": extra.pop("name", "Mug - Red"),
        "sku": extra.pop("sku", "MUG-RED"),
        "price": price,
        "quantity": qty,
        "taxable": extra.pop("taxable", True),
        "total_discount": "0.00",  # Shopify leaves this at 0.00; allocations are the truth
        "tax_lines": taxes or [],
        "discount_allocations": [{"amount": a, "discount_application_index": 0} for a in discounts],
        **extra,
    }


def _order(lines: list[dict[str, Any]], total: str, **fields: Any) -> Order:
    raw: dict[str, Any] = {
        "id": 450789469,
        "name": "#1001",
        "order_number": 1001,
        "processed_at": "2026-03-01T11:00:00+00:00",
        "currency": "GBP",
        "financial_status": "paid",
        "taxes_included": False,
        "test": False,
        "customer": {"id": 207119551},
        "line_items": lines,
        "shipping_lines": [],
        "total_price": total,
    }
    raw.update(fields)
    return parse_order(raw)


def _map(order: Order, options: MappingOptions = UK, country: str = "GB", **kw: Any) -> XeroInvoice:
    item_codes = kw.pop("item_codes", {501: "MUG-RED"})
    return invoice_from_order(
        order, contact_id=CONTACT, item_codes=item_codes, options=options, tax=TAX[country], **kw
    )


def _totals(invoice: XeroInvoice, country: str = "GB") -> tuple[Decimal, Decimal, Decimal]:
    t = predict_totals(invoice.line_items, invoice.line_amount_types, TAX[country].rate_for)
    return t.sub_total, t.total_tax, t.total


def test_uk_inclusive_two_mugs_at_twelve_pounds() -> None:
    """2 x £12.00 incl. 20% VAT: LineAmount 24.00, tax 24 x 20/120 = 4.00, Total 24.00."""
    order = _order(
        [_line("12.00", 2, taxes=[_tax("GB VAT", "0.2", "4.00")])], "24.00", taxes_included=True
    )
    invoice = _map(order)
    assert invoice.to_payload() == {
        "Type": "ACCREC",
        "Contact": {"ContactID": CONTACT},
        "LineItems": [
            {
                "Description": "Mug - Red",
                "Quantity": Decimal(2),
                "UnitAmount": Decimal("12.00"),
                "ItemCode": "MUG-RED",
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
            }
        ],
        "Date": "2026-03-01",
        "DueDate": "2026-03-01",
        "LineAmountTypes": "Inclusive",
        "InvoiceNumber": "SHOP-1001",
        "Reference": "#1001",
        "CurrencyCode": "GBP",
        "Status": "AUTHORISED",
    }
    assert _totals(invoice) == (Decimal("20.00"), Decimal("4.00"), Decimal("24.00"))


def test_uk_inclusive_with_paid_shipping() -> None:
    """£30.00 shirt + £4.99 shipping, both incl. 20% VAT (shopify-api-notes §8 #9: shipping too).

    Tax: 30.00 x 20/120 = 5.00; 4.99 x 20/120 = 0.8316.. -> 0.83; Total 34.99.
    """
    order = _order(
        [_line("30.00", taxes=[_tax("GB VAT", "0.2", "5.00")])],
        "34.99",
        taxes_included=True,
        shipping_lines=[
            {
                "title": "Royal Mail",
                "price": "4.99",
                "discounted_price": "4.99",
                "tax_lines": [_tax("GB VAT", "0.2", "0.83")],
            },
        ],
    )
    invoice = _map(order)
    shipping = invoice.to_payload()["LineItems"][1]
    assert shipping == {
        "Description": "Shipping: Royal Mail",
        "Quantity": Decimal(1),
        "UnitAmount": Decimal("4.99"),
        "AccountCode": "210",
        "TaxType": "OUTPUT2",
    }
    assert _totals(invoice) == (Decimal("29.16"), Decimal("5.83"), Decimal("34.99"))


def test_us_exclusive_with_untaxed_shipping() -> None:
    """3 x $10.00 at CA 7.25% + $5.00 untaxed shipping.

    Tax 30.00 x 0.0725 = 2.175 -> 2.18 (half up); Total 30.00 + 2.18 + 5.00 = 37.18.
    """
    order = _order(
        [_line("10.00", 3, taxes=[_tax("CA State Tax", "0.0725", "2.18")])],
        "37.18",
        currency="USD",
        shipping_lines=[{"title": "UPS", "price": "5.00", "discounted_price": "5.00"}],
    )
    invoice = _map(order, US, "US")
    assert invoice.line_amount_types is LineAmountTypes.EXCLUSIVE
    assert [line.tax_type for line in invoice.line_items] == ["TAX001", "NONE"]
    assert _totals(invoice, "US") == (Decimal("35.00"), Decimal("2.18"), Decimal("37.18"))
    assert all(line.description != ROUNDING_DESCRIPTION for line in invoice.line_items)


def test_discount_penny_split_uses_allocations() -> None:
    """$10.00 off three $199.00 lines is allocated 3.34/3.33/3.33 (shopify-api-notes §8 #10).

    Lines 195.66, 195.67, 195.67 = 587.00; TX 6.25%: 12.22875 -> 12.23, 12.229375 -> 12.23 (x2);
    tax 36.69; Total 623.69.
    """
    tx = [_tax("TX State Tax", "0.0625", "12.23")]
    order = _order(
        [
            _line("199.00", variant_id=501, taxes=tx, discounts=["3.34"]),
            _line("199.00", variant_id=502, taxes=tx, discounts=["3.33"], sku="MUG-BLUE"),
            _line("199.00", variant_id=503, taxes=tx, discounts=["2.00", "1.33"], sku="MUG-X"),
        ],
        "623.69",
        currency="USD",
    )
    invoice = _map(order, US, "US", item_codes={501: "MUG-RED", 502: "MUG-BLUE"})
    assert [line.discount_amount for line in invoice.line_items] == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    assert [line.item_code for line in invoice.line_items] == ["MUG-RED", "MUG-BLUE", None]
    assert _totals(invoice, "US") == (Decimal("587.00"), Decimal("36.69"), Decimal("623.69"))


def test_order_level_tax_rounding_gets_a_rounding_line() -> None:
    """Three $1.00 lines at 6.25%: Xero per line 0.0625 -> 0.06 each = 0.18, Total 3.18;
    Shopify taxed the order once: 3.00 x 0.0625 = 0.1875 -> 0.19, total_price 3.19.
    The missing cent goes to the rounding account, untaxed."""
    tx = [_tax("TX State Tax", "0.0625", "0.06")]
    lines = [_line("1.00", variant_id=v, taxes=tx) for v in (501, 502, 503)]
    invoice = _map(_order(lines, "3.19", currency="USD"), US, "US")
    rounding = invoice.line_items[-1]
    assert rounding.description == ROUNDING_DESCRIPTION
    assert (rounding.unit_amount, rounding.account_code, rounding.tax_type) == (
        Decimal("0.01"),
        "860",
        "NONE",
    )
    assert _totals(invoice, "US")[2] == Decimal("3.19")


def test_rounding_difference_without_a_rounding_account_is_a_mapping_error() -> None:
    """Invariant 6: never send an invoice whose Total differs from Shopify's."""
    tx = [_tax("TX State Tax", "0.0625", "0.06")]
    lines = [_line("1.00", variant_id=v, taxes=tx) for v in (501, 502, 503)]
    options = MappingOptions(sales_account="400", shipping_account="410")
    with pytest.raises(MappingError) as caught:
        _map(_order(lines, "3.19", currency="USD"), options, "US")
    assert caught.value.field == "total_price" and "rounding account" in caught.value.message


def test_large_difference_is_not_hidden_in_a_rounding_line() -> None:
    """$10 of something unmapped (duties, fees) is queued for a person, not rounded away."""
    order = _order(
        [_line("12.00", 2, taxes=[_tax("VAT", "0.2", "4.00")])], "34.00", taxes_included=True
    )
    with pytest.raises(MappingError) as caught:
        _map(order)
    assert caught.value.field == "total_price" and "does not map" in caught.value.message


def test_free_and_fully_discounted_shipping_add_no_line() -> None:
    """A 0.00 shipping charge (free, or discounted to nothing) is not a line."""
    order = _order(
        [_line("12.00", taxes=[_tax("VAT", "0.2", "2.00")])],
        "12.00",
        taxes_included=True,
        shipping_lines=[
            {"title": "Free Shipping", "price": "0.00", "discounted_price": "0.00"},
            {
                "title": "Express",
                "price": "5.00",
                "discounted_price": "0.00",
                "discount_allocations": [{"amount": "5.00"}],
            },
        ],
    )
    assert len(_map(order).line_items) == 1


def test_deleted_product_line_is_a_plain_description_line() -> None:
    """``variant_id`` null (product deleted, shopify-api-notes §8 #4): no ItemCode, sales
    account."""
    order = _order(
        [
            _line(
                "8.00",
                variant_id=None,
                name="Old mug (discontinued)",
                sku=None,
                taxes=[_tax("VAT", "0.2", "1.33")],
            )
        ],
        "8.00",
        taxes_included=True,
    )
    line = _map(order).to_payload()["LineItems"][0]
    assert line == {
        "Description": "Old mug (discontinued)",
        "Quantity": Decimal(1),
        "UnitAmount": Decimal("8.00"),
        "AccountCode": "200",
        "TaxType": "OUTPUT2",
    }


def test_guest_order_maps_to_the_contact_given() -> None:
    """``customer: null``: the engine passes the guest contact's id; mapping does not care."""
    order = _order([_line("5.00")], "5.00", customer=None, email=None)
    invoice = _map(order)
    assert invoice.contact.contact_id == CONTACT
    assert invoice.line_amount_types is LineAmountTypes.NO_TAX
    assert invoice.line_items[0].tax_type == "ZERORATEDOUTPUT"


def test_date_is_the_shop_local_date_of_processed_at() -> None:
    """23:30 in Chicago on 1 March is 2 March in London (shopify-api-notes §8 #18: use
    processed_at)."""
    order = _order(
        [_line("5.00")],
        "5.00",
        processed_at="2026-03-01T23:30:00-06:00",
        created_at="2026-02-01T00:00:00-06:00",
    )
    assert _map(order, US).date.isoformat() == "2026-03-01"
    assert _map(order, UK).date.isoformat() == "2026-03-02"
    assert _map(order, UK).due_date == _map(order, UK).date


def test_prefix_status_and_accounts_come_from_the_options() -> None:
    """Invoice prefix and status, gift-card and product-type accounts are configurable."""
    options = MappingOptions(
        sales_account="200",
        shipping_account="210",
        invoice_prefix="WEB",
        invoice_status="DRAFT",
        gift_card_account="820",
        account_by_product_type={"Ceramics": "201"},
    )
    order = _order(
        [_line("5.00"), _line("25.00", variant_id=None, gift_card=True, name="Gift card")],
        "30.00",
    )
    invoice = _map(order, options, product_types={77: "ceramics"})
    assert (invoice.invoice_number, invoice.status.value) == ("WEB1001", "DRAFT")
    assert [line.account_code for line in invoice.line_items] == ["201", "820"]
    # A gift-card sale is outside VAT, on a liability account: No VAT, not zero-rated income.
    assert [line.tax_type for line in invoice.line_items] == ["ZERORATEDOUTPUT", "NONE"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"test": True}, "test order"),
        ({"financial_status": "pending"}, "financial status 'pending' is not synced"),
        ({"financial_status": "voided"}, "financial status 'voided' is not synced"),
        ({"financial_status": None}, "financial status unknown"),
        ({"line_items": []}, "order has no line items"),
        ({"financial_status": "partially_refunded"}, None),
        ({"financial_status": "refunded"}, None),
    ],
)
def test_skip_reasons(fields: dict[str, Any], reason: str | None) -> None:
    """Test orders and unsynced statuses are skipped with a reason; paid/refunded are not."""
    order = _order([_line("5.00")], "5.00", **fields)
    result = order_skip_reason(order, UK)
    assert result == reason if reason is None else (result or "").startswith(reason)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"order_number": None}, "order_number"),
        ({"processed_at": None, "created_at": None}, "processed_at"),
        ({"line_items": [_line(None)]}, "line_items.0.price"),
        ({"line_items": [_line("1.00", quantity=None)]}, "line_items.0.quantity"),
        (
            {"line_items": [_line("1.00", discounts=[None])]},
            "line_items.0.discount_allocations.0.amount",
        ),
        (
            {"line_items": [_line("1.00", taxes=[_tax("Odd", "0.12", "0.12")])]},
            "line_items.0.tax_lines",
        ),
        ({"shipping_lines": [{"title": "x", "price": None}]}, "shipping_lines.0.discounted_price"),
    ],
)
def test_bad_orders_name_the_field(fields: dict[str, Any], field: str) -> None:
    """Every refusal is a MappingError with the order id and the field to fix."""
    with pytest.raises(MappingError) as caught:
        _map(_order([_line("1.00")], "1.00", **fields))
    assert caught.value.entity == "order" and caught.value.source_id == "450789469"
    assert caught.value.field == field


def test_non_ascii_prefix_is_refused_naming_the_xero_field() -> None:
    """InvoiceNumber must be printable ASCII (xero-api-notes §6.3)."""
    options = MappingOptions(sales_account="200", shipping_account="210", invoice_prefix="№")
    with pytest.raises(MappingError) as caught:
        _map(_order([_line("1.00")], "1.00"), options)
    assert caught.value.field == "xero.InvoiceNumber"


def test_long_order_name_is_cut_to_the_reference_limit() -> None:
    """Reference holds 255 characters."""
    invoice = _map(_order([_line("1.00")], "1.00", name="#" + "9" * 300))
    assert invoice.reference is not None and len(invoice.reference) == 255


def test_tax_rate_that_differs_from_shopify_is_refused_even_when_totals_agree() -> None:
    """An override to the 5% type for 20% VAT: inclusive totals still agree (24.00), but Xero
    would book 24 x 5/105 = 1.14 VAT where Shopify charged 4.00. That is queued, not sent: at
    the line, naming the map entry (issue 5: the mapped type must have Shopify's rate)."""
    tax = TaxResolver.from_xero(default_tax_rates("GB"), {"GB VAT": "RROUTPUT"}, country="GB")
    order = _order(
        [_line("12.00", 2, taxes=[_tax("GB VAT", "0.2", "4.00")])],
        "24.00",
        taxes_included=True,
        total_tax="4.00",
    )
    with pytest.raises(MappingError) as caught:
        invoice_from_order(order, contact_id=CONTACT, item_codes={}, options=UK, tax=tax)
    assert caught.value.field == "line_items.0.tax_lines"
    assert "SHOPXERO_TAX_TYPE_MAP['GB VAT'] = RROUTPUT is 5% in Xero" in caught.value.message
    assert "Shopify charged GB VAT 20%" in caught.value.message


def test_tax_total_check_still_catches_an_unknown_mapped_type() -> None:
    """A mapped type missing from the rates read (the preflight stops a run before this) is
    let through by the resolver; the invoice's own tax check is the backstop."""
    rates = [r for r in default_tax_rates("GB") if r["TaxType"] != "OUTPUT2"]
    tax = TaxResolver.from_xero(rates, {"GB VAT": "OUTPUT2"}, country="GB")
    order = _order(
        [_line("12.00", 2, taxes=[_tax("GB VAT", "0.2", "4.00")])],
        "24.00",
        taxes_included=True,
        total_tax="4.00",
    )
    with pytest.raises(MappingError) as caught:
        invoice_from_order(order, contact_id=CONTACT, item_codes={}, options=UK, tax=tax)
    assert caught.value.field == "total_tax"
    assert "give 0.00 tax where Shopify charged 4.00" in caught.value.message


@pytest.mark.parametrize(
    ("processed_at", "skipped"),
    [
        ("2026-02-28T23:59:00+00:00", True),
        # 23:30 on 28 Feb in New York is already 1 March in London: the shop's day decides.
        ("2026-02-28T23:30:00-05:00", False),
        ("2026-03-01T00:00:00+00:00", False),
    ],
)
def test_orders_before_the_sync_start_date_are_skipped_by_the_shops_day(
    processed_at: str, skipped: bool
) -> None:
    options = MappingOptions(
        sales_account="200",
        shipping_account="210",
        shop_timezone="Europe/London",
        start_date=date(2026, 3, 1),
    )
    order = _order([_line("5.00")], "5.00", processed_at=processed_at)
    reason = order_skip_reason(order, options)
    assert (reason is not None) is skipped
    if skipped:
        assert reason == "processed 2026-02-28 before SHOPXERO_SYNC_START_DATE 2026-03-01"
