"""Tolerant models of what Xero answers: the records shopxero reads back.

Unknown fields are ignored (``extra="ignore"``): Xero adds fields over time, and a read must
never fail on one. Xero's ``/Date(ms+0000)/`` dates (and ISO strings) go through the one codec in
:mod:`shopxero.xero.dates`; numbers become exact ``Decimal`` (through ``str()`` when the client
parsed them as floats). ``summarizeErrors=false`` answers carry each element's
``StatusAttributeString`` and ``ValidationErrors``, exposed as :attr:`error_messages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from shopxero.xero.dates import parse_xero_date
from shopxero.xero.models import xero_field_name

__all__ = [
    "BankSummaryLine",
    "XeroBankTransactionRecord",
    "XeroBankTransferRecord",
    "XeroContactRecord",
    "XeroCreditNoteRecord",
    "XeroDateTime",
    "XeroDay",
    "XeroInvoiceRecord",
    "XeroItemRecord",
    "XeroLineItemRecord",
    "XeroPaymentRecord",
    "XeroSalesDetailsRecord",
    "XeroTaxRateRecord",
]


def _xero_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, str | datetime | date):
        return parse_xero_date(value)
    raise ValueError(f"expected a Xero date, got {type(value).__name__}")


def _xero_day(value: object) -> date | None:
    parsed = _xero_datetime(value)
    return parsed.date() if parsed is not None else None


def _xero_decimal(value: object) -> object:
    # JSON numbers arrive as float unless the client parsed them as Decimal: go through str().
    if isinstance(value, float):
        return Decimal(str(value))
    return value


XeroDateTime = Annotated[datetime | None, BeforeValidator(_xero_datetime)]
"""A ``/Date(ms+0000)/`` (or ISO) timestamp as an aware UTC datetime."""
XeroDay = Annotated[date | None, BeforeValidator(_xero_day)]
"""A ``/Date(ms+0000)/`` document date as a plain date."""
XeroMoney = Annotated[Decimal | None, BeforeValidator(_xero_decimal)]


class _Record(BaseModel):
    model_config = ConfigDict(
        extra="ignore", alias_generator=xero_field_name, validate_by_name=True, frozen=True
    )


class _Messages(_Record):
    message: str | None = None


class _Validated(_Record):
    """Per-element outcome fields of a ``summarizeErrors=false`` response."""

    status_attribute_string: str | None = None
    validation_errors: list[_Messages] = []
    warnings: list[_Messages] = []

    @property
    def error_messages(self) -> list[str]:
        """Xero's validation messages for this element, in order."""
        return [m.message for m in self.validation_errors if m.message]


class XeroContactRecord(_Validated):
    """A Contact as Xero returns it."""

    contact_id: str | None = None
    contact_number: str | None = None
    account_number: str | None = None
    contact_status: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    is_customer: bool | None = None
    updated_date_utc: XeroDateTime = None
    has_validation_errors: bool | None = None


class XeroSalesDetailsRecord(_Record):
    """An item's SalesDetails as returned."""

    unit_price: XeroMoney = None
    account_code: str | None = None
    tax_type: str | None = None


class XeroItemRecord(_Validated):
    """An Item as Xero returns it."""

    item_id: str | None = None
    code: str | None = None
    name: str | None = None
    description: str | None = None
    is_sold: bool | None = None
    is_purchased: bool | None = None
    is_tracked_as_inventory: bool | None = None
    sales_details: XeroSalesDetailsRecord | None = None
    updated_date_utc: XeroDateTime = None


class XeroLineItemRecord(_Record):
    """An invoice line as returned (with Xero's computed amounts)."""

    line_item_id: str | None = None
    description: str | None = None
    quantity: XeroMoney = None
    unit_amount: XeroMoney = None
    item_code: str | None = None
    account_code: str | None = None
    tax_type: str | None = None
    tax_amount: XeroMoney = None
    line_amount: XeroMoney = None
    discount_amount: XeroMoney = None
    discount_rate: XeroMoney = None


class XeroPaymentRecord(_Validated):
    """A payment as returned (also the summaries inside an invoice's ``Payments``)."""

    payment_id: str | None = None
    date: XeroDay = None
    amount: XeroMoney = None
    reference: str | None = None
    status: str | None = None
    updated_date_utc: XeroDateTime = None


class _ContactSummary(_Record):
    contact_id: str | None = None
    name: str | None = None
    contact_number: str | None = None


class XeroInvoiceRecord(_Validated):
    """An invoice as Xero returns it."""

    invoice_id: str | None = None
    invoice_number: str | None = None
    type: str | None = None
    status: str | None = None
    reference: str | None = None
    contact: _ContactSummary | None = None
    date: XeroDay = None
    due_date: XeroDay = None
    line_amount_types: str | None = None
    currency_code: str | None = None
    sub_total: XeroMoney = None
    total_tax: XeroMoney = None
    total: XeroMoney = None
    amount_due: XeroMoney = None
    amount_paid: XeroMoney = None
    amount_credited: XeroMoney = None
    line_items: list[XeroLineItemRecord] = []
    payments: list[XeroPaymentRecord] = []
    has_errors: bool | None = None
    updated_date_utc: XeroDateTime = None


class XeroCreditNoteRecord(_Validated):
    """A credit note as Xero returns it."""

    credit_note_id: str | None = None
    credit_note_number: str | None = None
    type: str | None = None
    status: str | None = None
    reference: str | None = None
    date: XeroDay = None
    total: XeroMoney = None
    remaining_credit: XeroMoney = None
    has_errors: bool | None = None
    updated_date_utc: XeroDateTime = None


class XeroTaxRateRecord(_Record):
    """A row of ``GET /TaxRates``. ``effective_rate`` is a percentage (20.0 for 20 %)."""

    name: str | None = None
    tax_type: str
    status: str | None = None
    report_tax_type: str | None = None
    can_apply_to_revenue: bool | None = None
    can_apply_to_liabilities: bool | None = None
    effective_rate: XeroMoney = Field(
        default=None, validation_alias=AliasChoices("EffectiveRate", "effective_rate")
    )
    display_tax_rate: XeroMoney = None


class _AccountSummary(_Record):
    account_id: str | None = None
    code: str | None = None
    name: str | None = None


class XeroBankTransactionRecord(_Validated):
    """A spend/receive money transaction (or one side of a transfer) as Xero returns it."""

    bank_transaction_id: str | None = None
    type: str | None = None
    status: str | None = None
    reference: str | None = None
    date: XeroDay = None
    is_reconciled: bool | None = None
    bank_account: _AccountSummary | None = None
    contact: _ContactSummary | None = None
    line_amount_types: str | None = None
    currency_code: str | None = None
    sub_total: XeroMoney = None
    total_tax: XeroMoney = None
    total: XeroMoney = None
    line_items: list[XeroLineItemRecord] = []
    updated_date_utc: XeroDateTime = None


class XeroBankTransferRecord(_Validated):
    """A bank transfer as Xero returns it (xero-api-notes §13.1)."""

    bank_transfer_id: str | None = None
    from_bank_account: _AccountSummary | None = None
    to_bank_account: _AccountSummary | None = None
    amount: XeroMoney = None
    date: XeroDay = None
    reference: str | None = None
    status: str | None = None
    from_bank_transaction_id: str | None = None
    to_bank_transaction_id: str | None = None
    from_is_reconciled: bool | None = None
    to_is_reconciled: bool | None = None
    currency_rate: XeroMoney = None
    created_date_utc: XeroDateTime = None


@dataclass(frozen=True)
class BankSummaryLine:
    """One bank account's row of the Bank Summary report (xero-api-notes §13.4)."""

    account_id: str
    name: str
    opening: Decimal
    received: Decimal
    spent: Decimal
    closing: Decimal


def _report_amount(cell: Any) -> Decimal:
    raw = cell.get("Value") if isinstance(cell, dict) else None
    try:
        return Decimal(str(raw or "0").replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"Bank Summary amount {raw!r} is not a number") from exc


def bank_summary_lines(report: dict[str, Any]) -> list[BankSummaryLine]:
    """The per-account rows of a BankSummary report: the rows whose first cell carries the
    ``accountID`` attribute (the Total row has none). Amounts arrive as strings."""
    lines: list[BankSummaryLine] = []
    pending = list(report.get("Rows") or [])
    while pending:
        row = pending.pop(0)
        if not isinstance(row, dict):
            continue
        pending.extend(row.get("Rows") or [])
        cells = row.get("Cells") or []
        if row.get("RowType") != "Row" or len(cells) < 5 or not isinstance(cells[0], dict):
            continue
        ids = [
            a.get("Value")
            for a in cells[0].get("Attributes") or []
            if isinstance(a, dict) and str(a.get("Id", "")).lower() == "accountid"
        ]
        if not ids:
            continue
        lines.append(
            BankSummaryLine(
                account_id=str(ids[0]),
                name=str(cells[0].get("Value") or ""),
                opening=_report_amount(cells[1]),
                received=_report_amount(cells[2]),
                spent=_report_amount(cells[3]),
                closing=_report_amount(cells[4]),
            )
        )
    return lines
