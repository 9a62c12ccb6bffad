"""Tolerant models of what Xero answers: the records shopxero reads back.

Unknown fields are ignored (``extra="ignore"``): Xero adds fields over time, and a read must
never fail on one. Xero's ``/Date(ms+0000)/`` dates (and ISO strings) go through the one codec in
:mod:`shopxero.xero.dates`; numbers become exact ``Decimal`` (through ``str()`` when the client
parsed them as floats). ``summarizeErrors=false`` answers carry each element's
``StatusAttributeString`` and ``ValidationErrors``, exposed as :attr:`error_messages`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from shopxero.xero.dates import parse_xero_date
from shopxero.xero.models import xero_field_name

__all__ = [
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
