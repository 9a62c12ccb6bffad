"""Shopify order -> Xero sales invoice (ACCREC), pure.

``InvoiceNumber`` = prefix + ``order_number`` is the natural key
(docs/architecture.md, invariant 1); the order name (``#1001``) is the Reference. Lines carry
Shopify's unit price and, as DiscountAmount, the sum of the line's ``discount_allocations`` (not
``total_discount``, shopify-api-notes §5, §8 #10). Amounts are tax-inclusive when the shop's prices
are (``taxes_included``, shopify-api-notes §8 #9), and that covers shipping too. Tips, import duties
and additional fees get lines of their own, outside sales tax, to the tips / fees accounts. The
invoice reflects the order as placed; refunds become credit notes.

Xero rounds tax per line (xero-api-notes §6.6), Shopify rounds each tax line of a line on its
own (a US state and county): on a tax-exclusive invoice a line whose tax differs by that rounding
carries Shopify's tax as its ``TaxAmount`` (xero-api-notes §6.6a), so Xero's TotalTax is the tax
Shopify charged, to the cent. Xero's tax adjustments are for tax-exclusive documents only, so a
tax-inclusive invoice keeps Xero's figures. The predicted Xero Total is then compared with
``total_price`` and a cent-level difference goes to a rounding line (invariant 6).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from shopxero.errors import MappingError
from shopxero.shopify.models import LineItem, MoneySet, Order, TaxLine
from shopxero.translate.common import MappingOptions, amount_line, build, clean_text, fit
from shopxero.translate.items import account_for
from shopxero.translate.tax import TaxResolver, is_charged, line_tax_type
from shopxero.translate.totals import charged_tax_amount, predict_totals
from shopxero.xero.models import (
    InvoiceStatus,
    LineAmountTypes,
    XeroContactRef,
    XeroInvoice,
    XeroLineItem,
)

__all__ = [
    "ROUNDING_DESCRIPTION",
    "invoice_from_order",
    "invoice_number_for",
    "order_skip_reason",
    "processed_before_start",
    "rounding_amount",
    "rounding_note",
    "tax_adjusted_lines",
    "tax_adjustment_note",
]

ROUNDING_DESCRIPTION = "Rounding (to match the Shopify order total)"
# Rounding may move each taxed line by under a cent; anything bigger is a mapping gap (duties,
# fees...), which must be queued for a person rather than hidden in a rounding line.
_CENT = Decimal("0.01")
_MAX_ROUNDING = Decimal("1.00")
_TIP_TITLE = re.compile(r"\btips?\b", re.IGNORECASE)


def order_skip_reason(o: Order, options: MappingOptions) -> str | None:
    """Why the order is not invoiced (``None``: invoice it)."""
    if o.test:
        return "test order"
    status = o.financial_status
    if status is None:
        return "financial status unknown"
    if status not in options.synced_financial_statuses:
        synced = ", ".join(sorted(options.synced_financial_statuses))
        return f"financial status {status!r} is not synced (synced: {synced})"
    if not any((li.quantity or 0) > 0 for li in o.line_items):
        return "order has no line items"
    day = processed_before_start(o, options)
    if day is not None:
        return f"processed {day} before SHOPXERO_SYNC_START_DATE {options.start_date}"
    return None


def processed_before_start(o: Order, options: MappingOptions) -> date | None:
    """The shop-time day the order was processed, if before ``options.start_date``."""
    when = o.processed_at or o.created_at
    if options.start_date is None or when is None:
        return None
    day = when.astimezone(options.zone).date()
    return day if day < options.start_date else None


def invoice_number_for(o: Order, options: MappingOptions) -> str:
    """``options.invoice_prefix + order_number`` (``SHOP-1001``)."""
    if o.order_number is None:
        raise MappingError(
            "the order has no order_number",
            entity="order",
            source_id=str(o.id),
            field="order_number",
        )
    return f"{options.invoice_prefix}{o.order_number}"


def _missing(o: Order, field: str, what: str) -> MappingError:
    return MappingError(f"{what} is missing", entity="order", source_id=str(o.id), field=field)


def _checked_amounts(o: Order, li: LineItem, field: str) -> tuple[int, Decimal, Decimal]:
    """Quantity, unit price and discount of a line; a null among them is a MappingError."""
    if li.quantity is None:
        raise _missing(o, f"{field}.quantity", "the line's quantity")
    if li.price is None:
        raise _missing(o, f"{field}.price", "the line's price")
    for index, allocation in enumerate(li.discount_allocations):
        if allocation.amount is None:
            where = f"{field}.discount_allocations.{index}.amount"
            raise _missing(o, where, "a discount allocation's amount")
    return li.quantity, li.price, li.discount_total


def _is_tip(li: LineItem) -> bool:
    """A tip arrives as a line with no product (shopify-api-notes §5 "Tips": the REST shape is
    UNCONFIRMED, so a productless line titled like a tip is taken for one)."""
    title = li.title or li.name or ""
    return li.variant_id is None and li.product_id is None and bool(_TIP_TITLE.search(title))


def _shop_money(value: MoneySet | None) -> Decimal:
    bag = value.shop_money if value is not None else None
    return bag.amount if bag is not None and bag.amount is not None else Decimal(0)


def _charge_lines(
    o: Order, *, options: MappingOptions, tax: TaxResolver, tip_in_lines: bool
) -> list[XeroLineItem]:
    """Money in Shopify's total that is neither goods nor shipping: a tip (unless a tip line
    carries it), import duties and additional fees. Outside sales tax, to their own accounts."""
    charges: list[tuple[str, Decimal, str | None]] = []
    if o.total_tip_received and not tip_in_lines:
        charges.append(("Tip", o.total_tip_received, options.tips_account))
    charges.append(("Duties", _shop_money(o.original_total_duties_set), options.fees_account))
    fees = _shop_money(o.original_total_additional_fees_set)
    charges.append(("Additional fees", fees, options.fees_account))
    return [
        amount_line(
            source_id=o.id,
            description=description,
            amount=amount,
            account=account or options.sales_account,
            tax_type=tax.out_of_scope_type(),
        )
        for description, amount, account in charges
        if amount
    ]


def _line_account(
    li: LineItem,
    options: MappingOptions,
    product_types: Mapping[int, str],
    item_accounts: Mapping[int, str],
) -> str:
    if li.gift_card:
        return options.gift_card_account or options.sales_account
    if _is_tip(li):
        return options.tips_account or options.sales_account
    product_type = product_types.get(li.product_id) if li.product_id is not None else None
    if product_type is None and li.variant_id is not None and li.variant_id in item_accounts:
        # The variant's Item was given its sales account by the same rule (SKU, product type,
        # default) when its product was synced; order lines carry no product type.
        return item_accounts[li.variant_id]
    return account_for(options, sku=li.sku, product_type=product_type)


def _product_lines(
    o: Order,
    *,
    item_codes: Mapping[int, str],
    options: MappingOptions,
    tax: TaxResolver,
    product_types: Mapping[int, str],
    item_accounts: Mapping[int, str],
    exclusive: bool,
) -> list[XeroLineItem]:
    lines: list[XeroLineItem] = []
    for index, li in enumerate(o.line_items):
        field = f"line_items.{index}"
        quantity, price, discount = _checked_amounts(o, li, field)
        if quantity <= 0:
            continue
        code = item_codes.get(li.variant_id) if li.variant_id is not None else None
        description = clean_text(li.name) or clean_text(li.title) or clean_text(li.sku)
        lines.append(
            build(
                XeroLineItem,
                entity="order",
                source_id=o.id,
                description=fit(description or f"Order line {index + 1}", 4000),
                quantity=Decimal(quantity),
                unit_amount=price,
                item_code=code,
                account_code=_line_account(li, options, product_types, item_accounts),
                tax_type=(
                    # A gift-card sale is a liability, outside VAT/GST (shopify-api-notes §8 #13); a
                    # tip is no supply either.
                    tax.out_of_scope_type()
                    if li.gift_card or _is_tip(li)
                    else line_tax_type(tax, o, li, taxable=li.taxable, field=field)
                ),
                discount_amount=discount if discount else None,
            )
        )
        if exclusive:
            lines[-1] = _with_charged_tax(lines[-1], li.tax_lines, tax)
    return lines


def _shipping_lines(
    o: Order, *, options: MappingOptions, tax: TaxResolver, exclusive: bool
) -> list[XeroLineItem]:
    lines: list[XeroLineItem] = []
    for index, s in enumerate(o.shipping_lines):
        charged = s.amount_charged
        if s.is_removed:
            continue
        if charged is None:
            raise _missing(o, f"shipping_lines.{index}.discounted_price", "the shipping price")
        if charged.is_zero():
            continue  # free shipping costs nothing and needs no line
        title = clean_text(s.title) or clean_text(s.code) or "Shipping"
        lines.append(
            build(
                XeroLineItem,
                entity="order",
                source_id=o.id,
                description=fit(f"Shipping: {title}", 4000),
                quantity=Decimal(1),
                unit_amount=charged,
                account_code=options.shipping_account,
                tax_type=line_tax_type(tax, o, s, taxable=True, field=f"shipping_lines.{index}"),
            )
        )
        if exclusive:
            lines[-1] = _with_charged_tax(lines[-1], s.tax_lines, tax)
    return lines


def _with_charged_tax(
    line: XeroLineItem, tax_lines: Sequence[TaxLine], tax: TaxResolver
) -> XeroLineItem:
    """``line`` carrying, as its TaxAmount, the tax Shopify charged on it, where Xero's per-line
    rounding of the summed rate would come out a cent or so different (totals.charged_tax_amount).
    """
    rated = [t for t in tax_lines if t.rate is not None and not t.rate.is_zero()]
    if not rated or line.tax_type is None or any(t.price is None for t in rated):
        return line
    charged = sum((t.price for t in rated if t.price is not None), Decimal(0))
    amount = charged_tax_amount(line, charged, len(rated), tax.rate_for(line.tax_type))
    return line if amount is None else line.model_copy(update={"tax_amount": amount})


def _charges_tax(o: Order) -> bool:
    taxes = [t for li in o.line_items for t in li.tax_lines]
    taxes += [t for s in o.shipping_lines for t in s.tax_lines]
    return any(is_charged(t) for t in taxes)


def _rounding_limit(lines: Sequence[XeroLineItem], tax: TaxResolver) -> Decimal:
    taxed = sum(1 for line in lines if not tax.rate_for(line.tax_type or "").is_zero())
    return min(_MAX_ROUNDING, _CENT * max(1, taxed))


def _rounding_line(
    o: Order,
    lines: Sequence[XeroLineItem],
    kind: LineAmountTypes,
    *,
    options: MappingOptions,
    tax: TaxResolver,
) -> XeroLineItem | None:
    """A line for the cents Xero's per-line rounding differs from Shopify's total, or None.

    Differences beyond rounding are refused, never absorbed: a tax rate that does not match what
    Shopify charged (checked even when the totals agree, as tax-inclusive totals always do, so
    the VAT return is not silently wrong), or money shopxero does not map (duties, fees).
    """
    predicted = predict_totals(lines, kind, tax.rate_for)
    limit = _rounding_limit(lines, tax)
    if o.total_tax is not None and abs(o.total_tax - predicted.total_tax) > limit:
        raise MappingError(
            f"Xero's tax rates give {predicted.total_tax} tax where Shopify charged "
            f"{o.total_tax}; check the tax rates in Xero and the tax overrides",
            entity="order",
            source_id=str(o.id),
            field="total_tax",
        )
    if o.total_price is None:
        return None
    difference = o.total_price - predicted.total
    if difference.is_zero():
        return None
    if abs(difference) > limit:
        raise MappingError(
            f"Xero would total {predicted.total} but Shopify's total_price is {o.total_price} "
            f"(difference {difference}); the order has charges shopxero does not map "
            f"(duties, fees, tips?)",
            entity="order",
            source_id=str(o.id),
            field="total_price",
        )
    if options.rounding_account is None:
        raise MappingError(
            f"Xero's per-line tax rounding gives {predicted.total}, Shopify's total_price is "
            f"{o.total_price}; configure a rounding account to absorb the {difference}",
            entity="order",
            source_id=str(o.id),
            field="total_price",
        )
    return build(
        XeroLineItem,
        entity="order",
        source_id=o.id,
        description=ROUNDING_DESCRIPTION,
        quantity=Decimal(1),
        unit_amount=difference,
        account_code=options.rounding_account,
        tax_type=tax.out_of_scope_type(),
    )


def invoice_from_order(
    o: Order,
    *,
    contact_id: str,
    item_codes: Mapping[int, str],
    options: MappingOptions,
    tax: TaxResolver,
    product_types: Mapping[int, str] | None = None,
    item_accounts: Mapping[int, str] | None = None,
    charged_tax: bool = True,
) -> XeroInvoice:
    """The ACCREC invoice for an order.

    ``item_codes`` maps variant id -> Item Code of the variants synced as Items (other lines,
    e.g. deleted products with ``variant_id`` null, become plain description lines);
    ``product_types`` (product id -> product type, optional) lets ``account_by_product_type``
    apply to order lines too; ``item_accounts`` (variant id -> the synced Item's sales
    AccountCode, optional) does the same from the Items already in Xero. ``charged_tax=False``
    leaves every line's tax to Xero (a rounding line closes the total), as shopxero did before
    the TaxAmount (the invoice an earlier version sent, ``entities.orders.invoices``). Raises
    MappingError naming the order and the field.
    """
    number = invoice_number_for(o, options)
    when = o.processed_at or o.created_at
    if when is None:
        raise MappingError(
            "the order has neither processed_at nor created_at",
            entity="order",
            source_id=str(o.id),
            field="processed_at",
        )
    day = when.astimezone(options.zone).date()
    if not _charges_tax(o):
        kind = LineAmountTypes.NO_TAX
    elif o.taxes_included:
        kind = LineAmountTypes.INCLUSIVE
    else:
        kind = LineAmountTypes.EXCLUSIVE
    exclusive = kind is LineAmountTypes.EXCLUSIVE and charged_tax
    lines = _product_lines(
        o,
        item_codes=item_codes,
        options=options,
        tax=tax,
        product_types=product_types or {},
        item_accounts=item_accounts or {},
        exclusive=exclusive,
    )
    lines += _shipping_lines(o, options=options, tax=tax, exclusive=exclusive)
    tip_in_lines = any(_is_tip(li) for li in o.line_items)
    lines += _charge_lines(o, options=options, tax=tax, tip_in_lines=tip_in_lines)
    rounding = _rounding_line(o, lines, kind, options=options, tax=tax)
    if rounding is not None:
        lines.append(rounding)
    return build(
        XeroInvoice,
        entity="order",
        source_id=o.id,
        contact=XeroContactRef(contact_id=contact_id),
        line_items=lines,
        date=day,
        due_date=day,
        line_amount_types=kind,
        invoice_number=number,
        reference=fit(clean_text(o.name), 255) or None,
        currency_code=o.currency,
        status=InvoiceStatus(options.invoice_status),
    )


def rounding_amount(invoice: XeroInvoice) -> Decimal | None:
    """The amount of the invoice's rounding line, or None when it has none."""
    for line in invoice.line_items:
        if line.description == ROUNDING_DESCRIPTION:
            return line.unit_amount
    return None


def rounding_note(rounded: Sequence[tuple[str, Decimal]]) -> str | None:
    """The run report's explanation of the rounding lines made (order name, amount), if any:
    the difference is shown to the accountant, not hidden (issue 5)."""
    if not rounded:
        return None
    shown = ", ".join(f"{name} {amount:+.2f}" for name, amount in rounded[:5])
    more = f" and {len(rounded) - 5} more" if len(rounded) > 5 else ""
    return (
        f"{len(rounded)} invoice(s) carry a rounding line: Xero rounds tax once per line, "
        f"Shopify per tax line, and the line keeps Xero's total equal to Shopify's "
        f"({shown}{more})"
    )


def tax_adjusted_lines(invoice: XeroInvoice) -> int:
    """How many of the invoice's lines carry Shopify's tax as their TaxAmount."""
    return sum(1 for line in invoice.line_items if line.tax_amount is not None)


def tax_adjustment_note(adjusted: Sequence[str]) -> str | None:
    """The run report's word on the invoices whose lines carry Shopify's tax (order names):
    the accountant sees them under "Adjusted" in Xero's sales tax audit report
    (xero-api-notes §6.6a), so they are named here too."""
    if not adjusted:
        return None
    shown = ", ".join(adjusted[:5])
    more = f" and {len(adjusted) - 5} more" if len(adjusted) > 5 else ""
    return (
        f"{len(adjusted)} invoice(s) carry Shopify's own tax on lines where Xero's rounding "
        f"would differ by a cent (Shopify rounds each tax line, Xero the line once); Xero lists "
        f"them as adjusted tax ({shown}{more})"
    )
