"""Which fields each endpoint's ``where``/``order`` may use, and their Xero types.

Read from the presented (JSON-shaped) record. ``itext`` fields compare case-insensitively: the
optimised Contacts filters Name, EmailAddress, AccountNumber [xero-api-notes §5.2] and the
invoice's Contact.Name; other text compares exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopxero.sandbox.xero.accounting.where import Field, FieldKind

__all__ = [
    "ACCOUNT_FIELDS",
    "BANK_TRANSACTION_FIELDS",
    "BANK_TRANSFER_FIELDS",
    "CONTACT_FIELDS",
    "CREDIT_NOTE_FIELDS",
    "INVOICE_FIELDS",
    "ITEM_FIELDS",
    "PAYMENT_FIELDS",
    "TAX_RATE_FIELDS",
]


def _path(path: str, kind: FieldKind) -> Field:
    keys = path.split(".")

    def getter(record: Mapping[str, Any]) -> Any:
        value: Any = record
        for key in keys:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    return Field(getter, kind)


def _table(**kinds: FieldKind) -> dict[str, Field]:
    return {
        name.replace("__", "."): _path(name.replace("__", "."), kind)
        for name, kind in kinds.items()
    }


CONTACT_FIELDS = _table(
    ContactID="guid",
    ContactNumber="text",
    AccountNumber="itext",
    ContactStatus="text",
    Name="itext",
    FirstName="itext",
    LastName="itext",
    EmailAddress="itext",
    CompanyNumber="text",
    TaxNumber="text",
    IsCustomer="bool",
    IsSupplier="bool",
    DefaultCurrency="text",
    UpdatedDateUTC="date",
    HasAttachments="bool",
)
ITEM_FIELDS = _table(
    ItemID="guid",
    Code="text",
    Name="itext",
    Description="text",
    IsSold="bool",
    IsPurchased="bool",
    IsTrackedAsInventory="bool",
    UpdatedDateUTC="date",
    SalesDetails__UnitPrice="number",
    SalesDetails__AccountCode="text",
    SalesDetails__TaxType="text",
)
_DOCUMENT_COMMON: dict[str, FieldKind] = {
    "Type": "text",
    "Status": "text",
    "Reference": "text",
    "Date": "date",
    "DueDate": "date",
    "Contact__ContactID": "guid",
    "Contact__Name": "itext",
    "Contact__ContactNumber": "text",
    "CurrencyCode": "text",
    "SubTotal": "number",
    "TotalTax": "number",
    "Total": "number",
    "UpdatedDateUTC": "date",
    "LineAmountTypes": "text",
    "HasAttachments": "bool",
}
INVOICE_FIELDS = _table(
    InvoiceID="guid",
    InvoiceNumber="text",
    AmountDue="number",
    AmountPaid="number",
    AmountCredited="number",
    **_DOCUMENT_COMMON,
)
INVOICE_FIELDS["InvoiceId"] = INVOICE_FIELDS["InvoiceID"]  # Xero's docs spell it both ways
CREDIT_NOTE_FIELDS = _table(
    CreditNoteID="guid",
    CreditNoteNumber="text",
    RemainingCredit="number",
    **_DOCUMENT_COMMON,
)
PAYMENT_FIELDS = _table(
    PaymentID="guid",
    Status="text",
    PaymentType="text",
    Reference="text",
    Date="date",
    Amount="number",
    IsReconciled="bool",
    UpdatedDateUTC="date",
    Invoice__InvoiceID="guid",
    Invoice__InvoiceNumber="text",
    Invoice__Contact__ContactID="guid",
    CreditNote__CreditNoteID="guid",
    Account__AccountID="guid",
    Account__Code="text",
)
BANK_TRANSACTION_FIELDS = _table(
    BankTransactionID="guid",
    Type="text",
    Status="text",
    Reference="text",
    Date="date",
    IsReconciled="bool",
    SubTotal="number",
    TotalTax="number",
    Total="number",
    CurrencyCode="text",
    CurrencyRate="number",
    LineAmountTypes="text",
    Url="text",
    UpdatedDateUTC="date",
    HasAttachments="bool",
    BankAccount__AccountID="guid",
    BankAccount__Code="text",
    BankAccount__Name="itext",
    Contact__ContactID="guid",
    Contact__Name="itext",
    Contact__ContactNumber="text",
)
BANK_TRANSFER_FIELDS = _table(
    BankTransferID="guid",
    Date="date",
    Amount="number",
    Reference="text",
    Status="text",
    CurrencyRate="number",
    HasAttachments="bool",
    CreatedDateUTC="date",
    FromIsReconciled="bool",
    ToIsReconciled="bool",
    FromBankTransactionID="guid",
    ToBankTransactionID="guid",
    FromBankAccount__AccountID="guid",
    FromBankAccount__Code="text",
    FromBankAccount__Name="itext",
    ToBankAccount__AccountID="guid",
    ToBankAccount__Code="text",
    ToBankAccount__Name="itext",
)
ACCOUNT_FIELDS = _table(
    AccountID="guid",
    Code="text",
    Name="itext",
    Type="text",
    Status="text",
    Class="text",
    TaxType="text",
    SystemAccount="text",
    EnablePaymentsToAccount="bool",
    BankAccountType="text",
    CurrencyCode="text",
    UpdatedDateUTC="date",
)
TAX_RATE_FIELDS = _table(
    Name="itext",
    TaxType="text",
    Status="text",
    ReportTaxType="text",
    CanApplyToRevenue="bool",
    CanApplyToExpenses="bool",
    CanApplyToAssets="bool",
    CanApplyToLiabilities="bool",
    CanApplyToEquity="bool",
    EffectiveRate="number",
    DisplayTaxRate="number",
)
