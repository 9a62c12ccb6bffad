"""Shopify refunds -> Xero sales credit notes (ACCRECCREDIT), pure.

Each refund becomes one credit note numbered ``{prefix}{order_number}-R{n}`` (n = the refund's
place among the order's refunds by id, so the number is deterministic and Xero refuses a second
one: docs/architecture.md, invariant 1). Lines, stated the order's way (tax-inclusive when
``taxes_included``):

- each refunded line: the refund line's ``subtotal`` (the units' price net of their discount
  share: credit notes take no discounts, xero-api-notes §6.5), with the line's tax type (on a
  tax-exclusive note, with the refund line's ``total_tax`` as TaxAmount where Xero's rounding
  would differ by a cent, as on the invoice, xero-api-notes §6.6a); a refunded tip line goes to
  the tips account outside sales tax, as the invoice put it;
- refunded shipping: ``refund_shipping_lines`` (Shopify also states the same money again as a
  ``shipping_refund`` order adjustment, shopify-api-notes §5 "Refund": counted once), or the
  adjustment alone when there is no refund shipping line;
- refunded import duties and additional fees (the refund's ``duties`` / ``additional_fees``
  entries, or their ``total_*_set``): a "Refund: duties" / "Refund: additional fees" line to the
  fees account, outside sales tax, as the invoice's "Duties" / "Additional fees" lines;
- when money went back (refund transactions), whatever the lines do not explain
  (``refund_discrepancy``: refunded more or less than the goods) is an adjustment line outside
  tax, so the credit note's Total equals what the customer got back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from shopxero.errors import MappingError
from shopxero.shopify.models import LineItem, MoneySet, Order, Refund
from shopxero.translate.common import MappingOptions, amount_line, build, clean_text, fit
from shopxero.translate.invoices import _is_tip as is_tip_line
from shopxero.translate.items import account_for
from shopxero.translate.payments import refunded_transactions, shop_amount
from shopxero.translate.tax import TaxResolver, is_charged, line_tax_type, order_region
from shopxero.translate.totals import charged_tax_amount, predict_totals
from shopxero.xero.models import (
    InvoiceStatus,
    LineAmountTypes,
    XeroContactRef,
    XeroCreditNote,
    XeroLineItem,
)

__all__ = [
    "ADJUSTMENT_DESCRIPTION",
    "credit_note_from_refund",
    "credit_note_number_for",
    "credit_total",
    "line_amount_types",
    "refund_cash",
    "refunds_by_id",
]

ADJUSTMENT_DESCRIPTION = "Refund adjustment (refunded amount differs from the goods returned)"
_UNIT = Decimal("0.0001")  # unitdp=4 (xero-api-notes §6.6)


def line_amount_types(o: Order) -> LineAmountTypes:
    """The invoice's and its credit notes' LineAmountTypes (shopify-api-notes §8 #9)."""
    taxes = [t for li in o.line_items for t in li.tax_lines]
    taxes += [t for s in o.shipping_lines for t in s.tax_lines]
    if not any(is_charged(t) for t in taxes):
        return LineAmountTypes.NO_TAX
    return LineAmountTypes.INCLUSIVE if o.taxes_included else LineAmountTypes.EXCLUSIVE


def credit_note_number_for(o: Order, refund: Refund, options: MappingOptions) -> str:
    """``{prefix}{order_number}-R{n}``: n counts the order's refunds by id, from 1."""
    if o.order_number is None:
        raise MappingError(
            "the order has no order_number",
            entity="order",
            source_id=str(o.id),
            field="order_number",
        )
    ids = sorted({r.id for r in o.refunds} | {refund.id})
    return f"{options.invoice_prefix}{o.order_number}-R{ids.index(refund.id) + 1}"


def refund_cash(o: Order, refund: Refund) -> Decimal:
    """The money this refund gave back (its successful refund transactions), shop currency."""
    return sum((shop_amount(t, o) for t in refunded_transactions(refund.transactions)), Decimal(0))


def _err(o: Order, field: str, message: str) -> MappingError:
    return MappingError(message, entity="order", source_id=str(o.id), field=field)


def _quantity_and_unit(quantity: int, subtotal: Decimal) -> tuple[Decimal, Decimal, bool]:
    """Quantity x UnitAmount equal to ``subtotal`` at 4 dp, else 1 x subtotal (flagged)."""
    unit = (subtotal / quantity).quantize(_UNIT, rounding=ROUND_HALF_UP)
    if unit * quantity == subtotal:
        return Decimal(quantity), unit, False
    return Decimal(1), subtotal, True


def _goods_lines(
    o: Order,
    refund: Refund,
    *,
    item_codes: Mapping[int, str],
    options: MappingOptions,
    tax: TaxResolver,
    product_types: Mapping[int, str],
    exclusive: bool,
) -> list[XeroLineItem]:
    by_id = {li.id: li for li in o.line_items if li.id is not None}
    lines: list[XeroLineItem] = []
    for index, rli in enumerate(refund.refund_line_items):
        field = f"refunds.{refund.id}.refund_line_items.{index}"
        quantity = rli.quantity or 0
        if quantity <= 0:
            continue
        li = rli.line_item or by_id.get(rli.line_item_id or -1)
        if li is None:
            raise _err(o, f"{field}.line_item_id", "the refunded line is not on the order")
        if rli.subtotal is None:
            raise _err(o, f"{field}.subtotal", "the refunded line's subtotal is missing")
        if rli.subtotal.is_zero():
            continue
        qty, unit, folded = _quantity_and_unit(quantity, rli.subtotal)
        name = clean_text(li.name) or clean_text(li.title) or clean_text(li.sku) or "Refunded line"
        description = f"{quantity} x {name}" if folded else name
        if li.gift_card:
            account = options.gift_card_account or options.sales_account
            tax_type = tax.out_of_scope_type()
        elif is_tip_line(li):
            # The invoice put the tip outside sales tax on the tips account: so does its refund.
            account = options.tips_account or options.sales_account
            tax_type = tax.out_of_scope_type()
        else:
            product_type = product_types.get(li.product_id) if li.product_id is not None else None
            account = account_for(options, sku=li.sku, product_type=product_type)
            tax_type = line_tax_type(tax, o, li, taxable=li.taxable, field=f"{field}.line_item")
        lines.append(
            build(
                XeroLineItem,
                entity="order",
                source_id=o.id,
                description=fit(f"Refund: {description}", 4000),
                quantity=qty,
                unit_amount=unit,
                item_code=item_codes.get(li.variant_id) if li.variant_id is not None else None,
                account_code=account,
                tax_type=tax_type,
            )
        )
        if exclusive and not li.gift_card and not is_tip_line(li):
            lines[-1] = _with_refunded_tax(lines[-1], li, rli.total_tax, tax)
    return lines


def _with_refunded_tax(
    line: XeroLineItem, li: LineItem, refunded: Decimal | None, tax: TaxResolver
) -> XeroLineItem:
    """The refunded line carrying the tax Shopify gave back on it as its TaxAmount, where Xero's
    one rounding of the summed rate would differ by a cent or so, as the invoice line does
    (``translate.invoices``, xero-api-notes §6.6a): the credit note undoes the tax charged."""
    parts = sum(1 for t in li.tax_lines if t.rate is not None and not t.rate.is_zero())
    if line.tax_type is None or refunded is None:
        return line
    amount = charged_tax_amount(line, refunded, parts, tax.rate_for(line.tax_type))
    return line if amount is None else line.model_copy(update={"tax_amount": amount})


def _shipping_lines(
    o: Order, refund: Refund, *, options: MappingOptions, tax: TaxResolver
) -> list[XeroLineItem]:
    lines: list[XeroLineItem] = []
    for index, rsl in enumerate(refund.refund_shipping_lines):
        field = f"refunds.{refund.id}.refund_shipping_lines.{index}"
        money = rsl.subtotal_amount_set.shop_money if rsl.subtotal_amount_set else None
        amount = money.amount if money is not None else None
        if amount is None:
            raise _err(o, f"{field}.subtotal_amount_set", "the refunded shipping amount is missing")
        if amount.is_zero():
            continue
        shipping = rsl.shipping_line or next(
            (s for s in o.shipping_lines if s.id == rsl.shipping_line_id), None
        )
        tax_type = (
            line_tax_type(tax, o, shipping, taxable=True, field=f"{field}.shipping_line")
            if shipping is not None
            else tax.zero_type(taxable=True, region=order_region(o))
        )
        title = clean_text(shipping.title) if shipping is not None else ""
        lines.append(
            build(
                XeroLineItem,
                entity="order",
                source_id=o.id,
                description=fit(f"Refund: shipping {title}".strip(), 4000),
                quantity=Decimal(1),
                unit_amount=amount,
                account_code=options.shipping_account,
                tax_type=tax_type,
            )
        )
    if lines:
        return lines
    # No refund shipping line: the shipping_refund adjustment (negative, tax apart) is the record.
    for adjustment in refund.order_adjustments:
        if adjustment.kind != "shipping_refund" or adjustment.amount is None:
            continue
        net = -adjustment.amount
        tax_part = -(adjustment.tax_amount or Decimal(0))
        amount = net + tax_part if o.taxes_included else net
        if amount.is_zero():
            continue
        shipping = o.shipping_lines[0] if o.shipping_lines else None
        tax_type = (
            line_tax_type(tax, o, shipping, taxable=True, field="shipping_lines.0")
            if shipping is not None and not tax_part.is_zero()
            else tax.zero_type(taxable=True, region=order_region(o))
        )
        lines.append(
            build(
                XeroLineItem,
                entity="order",
                source_id=o.id,
                description="Refund: shipping",
                quantity=Decimal(1),
                unit_amount=amount,
                account_code=options.shipping_account,
                tax_type=tax_type,
            )
        )
    return lines


def _amount(o: Order, value: MoneySet | None) -> Decimal | None:
    """``value`` in the order's currency: its shop side (``translate.currency`` makes that the
    presentment amount when invoicing in the customer's currency), else a presentment side in
    the same currency."""
    if value is None:
        return None
    bag = value.shop_money
    if bag is None and value.presentment_money is not None:
        bag = value.presentment_money if value.presentment_money.code == o.currency else None
    return bag.amount if bag is not None else None


def _refunded_charge(
    o: Order,
    refund: Refund,
    *,
    field: str,
    amounts: Sequence[MoneySet | None],
    total: MoneySet | None,
) -> Decimal:
    """What the refund gave back of one charge: the sum of its entries' ``amount_set``, else the
    refund's ``total_{field}_set`` (the entries' element shape is partly UNCONFIRMED,
    shopify-api-notes §5 "Refund"); entries that disagree with the stated total are refused, never
    guessed."""
    where = f"refunds.{refund.id}"
    listed = Decimal(0)
    for index, amount_set in enumerate(amounts):
        amount = _amount(o, amount_set)
        if amount is None:
            raise _err(
                o, f"{where}.{field}.{index}.amount_set", f"a refunded {field} amount is missing"
            )
        listed += amount
    stated = _amount(o, total)
    if amounts and stated is not None and stated != listed:
        raise _err(
            o,
            f"{where}.total_{field}_set",
            f"the refund's total_{field}_set is {stated} but its {field} add up to {listed}",
        )
    return listed if amounts else (stated or Decimal(0))


def _charge_lines(
    o: Order, refund: Refund, *, options: MappingOptions, tax: TaxResolver
) -> list[XeroLineItem]:
    """Refunded import duties and additional fees: to the fees account, outside sales tax, as
    ``translate.invoices`` put them on the invoice (their "Duties" / "Additional fees" lines)."""
    # REST refund ``duties``: [{"duty_id", "amount_set"}] (ShopifySharp RefundDuty.cs; GraphQL
    # RefundDuty.amountSet); ``additional_fees``: on GraphQL the refund agreement's fee sales
    # (shopify-api-notes §10 "Sales agreements").
    duties = _refunded_charge(
        o,
        refund,
        field="duties",
        amounts=[d.amount_set for d in refund.duties],
        total=refund.total_duties_set,
    )
    fees = _refunded_charge(
        o,
        refund,
        field="additional_fees",
        amounts=[f.amount_set for f in refund.additional_fees],
        total=refund.total_additional_fees_set,
    )
    return [
        amount_line(
            source_id=o.id,
            description=description,
            amount=amount,
            account=options.fees_account or options.sales_account,
            tax_type=tax.out_of_scope_type(),
        )
        for description, amount in (("Refund: duties", duties), ("Refund: additional fees", fees))
        if not amount.is_zero()
    ]


def credit_note_from_refund(
    o: Order,
    refund: Refund,
    *,
    contact_id: str,
    item_codes: Mapping[int, str],
    options: MappingOptions,
    tax: TaxResolver,
    product_types: Mapping[int, str] | None = None,
) -> XeroCreditNote | None:
    """The AUTHORISED credit note for ``refund``; None when it moves no money and no goods."""
    number = credit_note_number_for(o, refund, options)
    kind = line_amount_types(o)
    lines = _goods_lines(
        o,
        refund,
        item_codes=item_codes,
        options=options,
        tax=tax,
        product_types=product_types or {},
        exclusive=kind is LineAmountTypes.EXCLUSIVE,
    )
    lines += _shipping_lines(o, refund, options=options, tax=tax)
    lines += _charge_lines(o, refund, options=options, tax=tax)
    cash = refund_cash(o, refund)
    if refund.transactions and refunded_transactions(refund.transactions):
        predicted = predict_totals(lines, kind, tax.rate_for).total if lines else Decimal(0)
        gap = cash - predicted
        if not gap.is_zero():
            lines.append(
                amount_line(
                    source_id=o.id,
                    description=ADJUSTMENT_DESCRIPTION,
                    amount=gap,
                    account=options.sales_account,
                    tax_type=tax.out_of_scope_type(),
                )
            )
    if not lines:
        return None
    when = refund.processed_at or refund.created_at or o.cancelled_at or o.processed_at
    if when is None:
        raise _err(o, f"refunds.{refund.id}.processed_at", "the refund has no date")
    reference = f"Refund of {clean_text(o.name) or o.order_number}"
    if refund.note:
        reference = f"{reference}: {clean_text(refund.note)}"
    return build(
        XeroCreditNote,
        entity="order",
        source_id=o.id,
        contact=XeroContactRef(contact_id=contact_id),
        line_items=lines,
        date=when.astimezone(options.zone).date(),
        line_amount_types=kind,
        credit_note_number=number,
        reference=fit(reference, 255),
        currency_code=o.currency,
        status=InvoiceStatus.AUTHORISED,
    )


def credit_total(note: XeroCreditNote, tax: TaxResolver) -> Decimal:
    """The Total Xero will compute for ``note`` (per-line tax rounding, xero-api-notes §6.6)."""
    return predict_totals(note.line_items, note.line_amount_types, tax.rate_for).total


def refunds_by_id(o: Order) -> Sequence[Refund]:
    """The order's refunds, oldest first."""
    return sorted(o.refunds, key=lambda r: r.id)
