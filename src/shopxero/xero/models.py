"""Pydantic models of what shopxero sends to Xero, and of what it reads back.

Two families with opposite tolerance:

* **Payload models** (``XeroContact``, ``XeroItem``, ``XeroInvoice``, ...) are strict: unknown
  fields are refused (``extra="forbid"``) and the spec's limits are enforced here (Contact Name 255,
  ContactNumber 50, Item Code 30, Item Name 50, Description 4000, InvoiceNumber 255 printable
  ASCII, Reference 255; xero-api-notes §6), so a bad record fails in mapping with a clear message
  instead of costing a Xero call. Python names are snake_case; ``to_payload()`` renders Xero's
  PascalCase keys (``ContactID``, ``UpdatedDateUTC``, ``COGSAccountCode`` spelled as Xero does).
* **Record models** (``XeroContactRecord``, ``XeroItemRecord``, ``XeroInvoiceRecord``, ...), the
  tolerant ones for what Xero answers, live beside this module in :mod:`shopxero.xero.records`.

``to_payload()`` returns a plain dict: PascalCase keys, ``None`` and empty lists left out, dates as
``YYYY-MM-DD`` strings, enums as their string values, and **money kept as ``Decimal``**. Decimals
are deliberately not turned into floats: the Xero client's JSON encoder writes them as exact JSON
numbers (``Decimal("10.10")`` -> ``10.10``), and :func:`shopxero.engine.checksums.payload_checksum`
normalises them, so ``10.0`` and ``10.00`` checksum alike.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

__all__ = [
    "AddressType",
    "BankTransactionStatus",
    "BankTransactionType",
    "ContactStatus",
    "InvoiceStatus",
    "InvoiceType",
    "LineAmountTypes",
    "PhoneType",
    "SalesDetails",
    "XeroAccountRef",
    "XeroAddress",
    "XeroAllocation",
    "XeroBankTransaction",
    "XeroBankTransfer",
    "XeroContact",
    "XeroContactRef",
    "XeroCreditNote",
    "XeroDocumentRef",
    "XeroInvoice",
    "XeroItem",
    "XeroLineItem",
    "XeroPayment",
    "XeroPhone",
    "is_acceptable_email",
    "xero_field_name",
]

# Words Xero spells in capitals inside a PascalCase key.
_UPPER_WORDS = {"id": "ID", "utc": "UTC", "cogs": "COGS", "url": "Url"}


def xero_field_name(name: str) -> str:
    """``contact_id`` -> ``ContactID``, ``updated_date_utc`` -> ``UpdatedDateUTC``."""
    return "".join(_UPPER_WORDS.get(part, part.capitalize()) for part in name.split("_"))


_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def is_acceptable_email(value: str | None) -> bool:
    """Whether Xero would take this as a Contact EmailAddress.

    Xero rejects malformed addresses and "umlauts" (non-ASCII, xero-api-notes §6.1), and caps the
    field at 255 characters. Mapping leaves such an address out rather than fail the contact.
    """
    if not value or len(value) > 255:
        return False
    return _EMAIL.match(value) is not None


_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]+$")


class InvoiceType(StrEnum):
    """The invoice/credit-note types shopxero writes."""

    ACCREC = "ACCREC"
    ACCRECCREDIT = "ACCRECCREDIT"


class InvoiceStatus(StrEnum):
    """Invoice and credit-note statuses (xero-api-notes §6.3)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    PAID = "PAID"
    VOIDED = "VOIDED"
    DELETED = "DELETED"


class LineAmountTypes(StrEnum):
    """Whether line amounts exclude tax, include it, or carry none."""

    EXCLUSIVE = "Exclusive"
    INCLUSIVE = "Inclusive"
    NO_TAX = "NoTax"


class BankTransactionType(StrEnum):
    """The bank transactions shopxero writes: spend and receive money (xero-api-notes §13.2)."""

    SPEND = "SPEND"
    RECEIVE = "RECEIVE"


class BankTransactionStatus(StrEnum):
    """AUTHORISED (what a create makes) or DELETED (sent on an update, it deletes)."""

    AUTHORISED = "AUTHORISED"
    DELETED = "DELETED"


class ContactStatus(StrEnum):
    """Contact statuses (spec Contact.ContactStatus)."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    GDPRREQUEST = "GDPRREQUEST"


class AddressType(StrEnum):
    """POBOX is the postal/billing address Xero prints on invoices; STREET the physical one."""

    POBOX = "POBOX"
    STREET = "STREET"


class PhoneType(StrEnum):
    """Spec Phone.PhoneType."""

    DEFAULT = "DEFAULT"
    DDI = "DDI"
    MOBILE = "MOBILE"
    FAX = "FAX"
    OFFICE = "OFFICE"


def _plain(value: Any) -> Any:
    """Make a dumped value payload-ready: drop None/empty, dates as ISO, enums as strings."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            rendered = _plain(item)
            if rendered is None or rendered == [] or rendered == {}:
                continue
            out[key] = rendered
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class _Payload(BaseModel):
    """Base of everything we send: strict, with Xero's key spelling on output."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=xero_field_name,
        validate_by_name=True,
        validate_by_alias=True,
        str_strip_whitespace=True,
        frozen=True,
    )

    def to_payload(self) -> dict[str, Any]:
        """The JSON-ready body element (Decimals kept as Decimal; see the module docstring)."""
        dumped = self.model_dump(by_alias=True, exclude_none=True, mode="python")
        result: dict[str, Any] = _plain(dumped)
        return result


class XeroAddress(_Payload):
    """Spec Address (lines 500, city/region 255, postal code and country 50)."""

    address_type: AddressType
    address_line1: str | None = Field(default=None, max_length=500)
    address_line2: str | None = Field(default=None, max_length=500)
    address_line3: str | None = Field(default=None, max_length=500)
    address_line4: str | None = Field(default=None, max_length=500)
    city: str | None = Field(default=None, max_length=255)
    region: str | None = Field(default=None, max_length=255)
    postal_code: str | None = Field(default=None, max_length=50)
    country: str | None = Field(default=None, max_length=50)
    attention_to: str | None = Field(default=None, max_length=255)


class XeroPhone(_Payload):
    """Spec Phone (number 50, area code 10, country code 20)."""

    phone_type: PhoneType
    phone_number: str | None = Field(default=None, max_length=50)
    phone_area_code: str | None = Field(default=None, max_length=10)
    phone_country_code: str | None = Field(default=None, max_length=20)


class XeroContact(_Payload):
    """A Contact to create (PUT) or update (POST, with ``contact_id``)."""

    contact_id: str | None = None
    contact_number: str | None = Field(default=None, min_length=1, max_length=50)
    account_number: str | None = Field(default=None, max_length=50)
    contact_status: ContactStatus | None = None
    name: str = Field(min_length=1, max_length=255)
    first_name: str | None = Field(default=None, max_length=255)
    last_name: str | None = Field(default=None, max_length=255)
    email_address: str | None = Field(default=None, max_length=255)
    tax_number: str | None = Field(default=None, max_length=50)
    default_currency: str | None = Field(default=None, min_length=3, max_length=3)
    addresses: list[XeroAddress] = []
    phones: list[XeroPhone] = []

    @field_validator("email_address")
    @classmethod
    def _email_xero_accepts(cls, value: str | None) -> str | None:
        if value is not None and not is_acceptable_email(value):
            raise ValueError("not an email address Xero accepts (ASCII user@domain.tld)")
        return value


class SalesDetails(_Payload):
    """Spec ``Purchase``: an item's default price, account and tax type on one side."""

    unit_price: Decimal | None = None
    account_code: str | None = Field(default=None, min_length=1, max_length=10)
    cogs_account_code: str | None = Field(default=None, min_length=1, max_length=10)
    tax_type: str | None = Field(default=None, min_length=1, max_length=50)


class XeroItem(_Payload):
    """An Item (untracked: no inventory asset account, xero-api-notes §6.2)."""

    item_id: str | None = None
    code: str = Field(min_length=1, max_length=30)
    name: str | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=4000)
    purchase_description: str | None = Field(default=None, max_length=4000)
    is_sold: bool | None = None
    is_purchased: bool | None = None
    sales_details: SalesDetails | None = None
    purchase_details: SalesDetails | None = None


class XeroLineItem(_Payload):
    """An invoice or credit-note line. DiscountAmount is the line's total discount."""

    line_item_id: str | None = None
    description: str | None = Field(default=None, min_length=1, max_length=4000)
    quantity: Decimal | None = None
    unit_amount: Decimal | None = None
    item_code: str | None = Field(default=None, min_length=1, max_length=30)
    account_code: str | None = Field(default=None, min_length=1, max_length=10)
    tax_type: str | None = Field(default=None, min_length=1, max_length=50)
    tax_amount: Decimal | None = None
    line_amount: Decimal | None = None
    discount_rate: Decimal | None = None
    discount_amount: Decimal | None = None

    @model_validator(mode="after")
    def _has_description_or_item(self) -> XeroLineItem:
        # Xero needs a Description unless the item supplies one.
        if self.description is None and self.item_code is None:
            raise ValueError("a line needs a Description or an ItemCode")
        return self


class XeroContactRef(_Payload):
    """The contact of a document, by ID only (sending more fields would edit the contact)."""

    contact_id: str = Field(min_length=1)


class XeroDocumentRef(_Payload):
    """An invoice or credit note referred to by ID or number (payments, allocations)."""

    invoice_id: str | None = None
    invoice_number: str | None = None
    credit_note_id: str | None = None
    credit_note_number: str | None = None

    @model_validator(mode="after")
    def _one_identifier(self) -> XeroDocumentRef:
        ids = (self.invoice_id, self.invoice_number, self.credit_note_id, self.credit_note_number)
        if not any(ids):
            raise ValueError("a document reference needs an ID or a number")
        return self


class XeroAccountRef(_Payload):
    """An account by ``AccountID`` or ``Code``."""

    account_id: str | None = None
    code: str | None = Field(default=None, min_length=1, max_length=10)

    @model_validator(mode="after")
    def _one_identifier(self) -> XeroAccountRef:
        if not (self.account_id or self.code):
            raise ValueError("an account reference needs an AccountID or a Code")
        return self


def _printable_ascii(value: str | None) -> str | None:
    if value is not None and not _PRINTABLE_ASCII.match(value):
        raise ValueError("must be printable ASCII (Xero rejects other characters here)")
    return value


class XeroInvoice(_Payload):
    """A sales invoice (ACCREC)."""

    invoice_id: str | None = None
    type: InvoiceType = InvoiceType.ACCREC
    contact: XeroContactRef
    line_items: list[XeroLineItem] = Field(min_length=1)
    date: dt.date
    due_date: dt.date | None = None
    line_amount_types: LineAmountTypes = LineAmountTypes.EXCLUSIVE
    invoice_number: str | None = Field(default=None, min_length=1, max_length=255)
    reference: str | None = Field(default=None, max_length=255)
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    currency_rate: Decimal | None = None
    status: InvoiceStatus = InvoiceStatus.DRAFT
    url: str | None = None

    @field_validator("invoice_number")
    @classmethod
    def _ascii_number(cls, value: str | None) -> str | None:
        return _printable_ascii(value)

    @model_validator(mode="after")
    def _accrec_only(self) -> XeroInvoice:
        if self.type is not InvoiceType.ACCREC:
            raise ValueError("XeroInvoice is for ACCREC invoices; use XeroCreditNote for credits")
        return self


class XeroCreditNote(_Payload):
    """A sales credit note (ACCRECCREDIT); Xero allows no discounts on credit notes (§6.5)."""

    credit_note_id: str | None = None
    type: InvoiceType = InvoiceType.ACCRECCREDIT
    contact: XeroContactRef
    line_items: list[XeroLineItem] = Field(min_length=1)
    date: dt.date
    line_amount_types: LineAmountTypes = LineAmountTypes.EXCLUSIVE
    credit_note_number: str | None = Field(default=None, min_length=1, max_length=255)
    reference: str | None = Field(default=None, max_length=255)
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    currency_rate: Decimal | None = None
    status: InvoiceStatus = InvoiceStatus.DRAFT

    @field_validator("credit_note_number")
    @classmethod
    def _ascii_number(cls, value: str | None) -> str | None:
        return _printable_ascii(value)

    @model_validator(mode="after")
    def _no_discounts(self) -> XeroCreditNote:
        if self.type is not InvoiceType.ACCRECCREDIT:
            raise ValueError("XeroCreditNote is for ACCRECCREDIT credit notes")
        for index, line in enumerate(self.line_items):
            if line.discount_amount is not None or line.discount_rate is not None:
                raise ValueError(
                    f"line {index}: Xero allows no discount on credit notes; net it into UnitAmount"
                )
        return self


class XeroPayment(_Payload):
    """A payment against an invoice, or a cash refund of a credit note (xero-api-notes §6.4)."""

    invoice: XeroDocumentRef | None = None
    credit_note: XeroDocumentRef | None = None
    account: XeroAccountRef
    date: dt.date
    amount: Decimal = Field(gt=0)
    reference: str | None = Field(default=None, max_length=255)
    currency_rate: Decimal | None = None
    is_reconciled: bool | None = None

    @model_validator(mode="after")
    def _one_document(self) -> XeroPayment:
        if (self.invoice is None) == (self.credit_note is None):
            raise ValueError("a payment applies to exactly one Invoice or CreditNote")
        return self


class XeroAllocation(_Payload):
    """Part of a credit note applied to an invoice. The spec marks Date required
    (xero-api-notes §6.5)."""

    invoice: XeroDocumentRef
    amount: Decimal = Field(gt=0)
    date: dt.date


def _cents(value: Decimal, what: str) -> Decimal:
    """Money Xero keeps to the cent: more decimals would be rounded there, not here."""
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{what} {value} has more than 2 decimals; Xero keeps money to the cent")
    return value


class XeroBankTransaction(_Payload):
    """Spend or receive money on a bank account (xero-api-notes §13.2).

    The contact goes by ID; lines need an AccountCode, a UnitAmount above zero and no discount;
    Reference is capped at 255 (the spec gives no limit; UNCONFIRMED). SubTotal/TotalTax/Total
    are Xero's to work out and are never sent (a disagreeing total is refused). An update is the
    whole transaction with its ``bank_transaction_id`` (the spec requires Type, LineItems and
    BankAccount on every element); with ``status=DELETED`` it deletes the transaction.
    """

    bank_transaction_id: str | None = None
    status: BankTransactionStatus | None = None
    type: BankTransactionType
    contact: XeroContactRef
    bank_account: XeroAccountRef
    line_items: list[XeroLineItem] = Field(min_length=1)
    date: dt.date
    line_amount_types: LineAmountTypes = LineAmountTypes.EXCLUSIVE
    reference: str | None = Field(default=None, max_length=255)
    url: str | None = Field(default=None, max_length=2000)
    is_reconciled: bool | None = None
    currency_rate: Decimal | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _lines_xero_takes(self) -> XeroBankTransaction:
        for index, line in enumerate(self.line_items):
            if line.discount_amount is not None or line.discount_rate is not None:
                raise ValueError(f"line {index}: bank transactions take no discounts")
            if line.account_code is None:
                raise ValueError(f"line {index}: a bank transaction line needs an AccountCode")
            if line.unit_amount is not None and line.unit_amount <= 0:
                raise ValueError(f"line {index}: UnitAmount must be above zero")
            if line.quantity is not None and line.quantity < 0:
                raise ValueError(f"line {index}: Quantity must not be negative")
        return self


class XeroBankTransfer(_Payload):
    """Money moved between two bank accounts of the same currency (xero-api-notes §13.1)."""

    from_bank_account: XeroAccountRef
    to_bank_account: XeroAccountRef
    amount: Decimal = Field(gt=0)
    date: dt.date
    reference: str | None = Field(default=None, max_length=255)
    from_is_reconciled: bool | None = None
    to_is_reconciled: bool | None = None

    @field_validator("amount")
    @classmethod
    def _to_the_cent(cls, value: Decimal) -> Decimal:
        return _cents(value, "Amount")

    @model_validator(mode="after")
    def _two_accounts(self) -> XeroBankTransfer:
        source, target = self.from_bank_account, self.to_bank_account
        same_id = source.account_id is not None and source.account_id == target.account_id
        same_code = source.code is not None and source.code == target.code
        if same_id or same_code:
            raise ValueError("a transfer needs two different bank accounts")
        return self
