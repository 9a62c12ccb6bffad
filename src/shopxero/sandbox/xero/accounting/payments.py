"""Payments (against invoices, and cash refunds of credit notes) and credit-note allocations.

[xero-api-notes §6.4, §6.5]
- A payment names one document (``Invoice`` or ``CreditNote`` by ID or number), an ``Account``
  (by AccountID or Code) that is of Type BANK or has ``EnablePaymentsToAccount``, an
  ``Amount`` > 0 and not above what is outstanding (spec example message ``Payment amount
  exceeds the amount outstanding on this document``), and the document must be AUTHORISED.
- Payments cannot be edited; ``{"Status": "DELETED"}`` removes one and re-opens the document.
- An allocation moves credit from an AUTHORISED credit note to an AUTHORISED invoice of the same
  contact and currency; it may not exceed the credit remaining nor the invoice's amount due.
Each reaching zero outstanding turns the document PAID (``documents.refresh_balance``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from shopxero.sandbox.xero.accounting.documents import (
    CREDIT_NOTE,
    INVOICE,
    DocumentKind,
    refresh_balance,
)
from shopxero.sandbox.xero.accounting.problems import ElementInvalid
from shopxero.sandbox.xero.accounting.serialize import money
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.validation import (
    Errors,
    optional_bool,
    optional_date,
    optional_decimal,
    optional_guid,
    optional_text,
)

__all__ = ["create_allocation", "create_payment", "delete_payment"]

_PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
}


def _find_document(
    org: XeroOrg, kind: DocumentKind, ref: Any, number: Any, errors: Errors
) -> dict[str, Any] | None:
    table = kind.table(org)
    if isinstance(ref, dict):
        doc_id = optional_guid(ref, kind.id_field, errors)
        if doc_id:
            return table.get(doc_id)
        number = ref.get(kind.number_field) or number
    if number:
        folded = str(number).casefold()
        for doc in table.values():
            if doc["Status"] != "DELETED" and str(doc.get(kind.number_field, "")).casefold() == (
                folded
            ):
                return doc
    return None


def _find_account(org: XeroOrg, raw: Any, code: Any, errors: Errors) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        account_id = optional_guid(raw, "AccountID", errors)
        if account_id:
            return org.account_by_id(account_id)
        code = raw.get("Code") or code
    return org.account_by_code(str(code)) if code else None


def _outstanding(kind: DocumentKind, doc: Mapping[str, Any]) -> Decimal:
    value = doc["AmountDue"] if kind is INVOICE else doc["RemainingCredit"]
    assert isinstance(value, Decimal)
    return value


def create_payment(org: XeroOrg, element: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and store one payment; raise ``ElementInvalid`` with every problem."""
    errors: Errors = []
    kind: DocumentKind = INVOICE
    doc: dict[str, Any] | None = None
    if element.get("Invoice") is not None or element.get("InvoiceNumber"):
        doc = _find_document(
            org, INVOICE, element.get("Invoice"), element.get("InvoiceNumber"), errors
        )
    elif element.get("CreditNote") is not None or element.get("CreditNoteNumber"):
        kind = CREDIT_NOTE
        doc = _find_document(
            org, CREDIT_NOTE, element.get("CreditNote"), element.get("CreditNoteNumber"), errors
        )
    else:
        errors.append("A payment must specify an Invoice or a CreditNote.")
    if doc is None and not errors:
        errors.append(f"{kind.label} could not be found.")

    account = _find_account(org, element.get("Account"), element.get("Code"), errors)
    if account is None:
        errors.append("Account could not be found. Specify an AccountID or a Code.")
    elif account.get("Status", "ACTIVE") != "ACTIVE" or not (
        account.get("Type") == "BANK" or account.get("EnablePaymentsToAccount") is True
    ):
        errors.append(
            f"Account code '{account.get('Code')}' cannot be used for payments: the account "
            "must be of type BANK or have payments enabled."
        )

    amount = optional_decimal(element, "Amount", errors)
    if amount is None:
        if "Amount" not in element:
            errors.append("Amount must be specified.")
    elif amount <= 0:
        errors.append("Payment amount must be greater than zero.")
    paid_on: date = optional_date(element, "Date", errors) or org.today()
    reference = optional_text(element, "Reference", errors)
    reconciled = optional_bool(element, "IsReconciled", errors)
    rate = optional_decimal(element, "CurrencyRate", errors)

    lock = org.period_lock_date
    if lock is not None and paid_on <= lock:
        errors.append(
            f"The payment date cannot be on or before the period lock date ({lock.isoformat()})."
        )
    if doc is not None:
        if doc["Status"] != "AUTHORISED":
            errors.append(
                f"Payments can only be made against AUTHORISED documents; this "
                f"{kind.label.lower()} is {doc['Status']}."
            )
        elif amount is not None and amount > 0 and money(amount) > _outstanding(kind, doc):
            errors.append("Payment amount exceeds the amount outstanding on this document")
    if errors:
        raise ElementInvalid(*errors)
    assert doc is not None and account is not None and amount is not None

    payment_id = org.new_id()
    payment: dict[str, Any] = {
        "PaymentID": payment_id,
        "Date": paid_on,
        "Amount": money(amount),
        "BankAmount": money(amount),
        "Reference": reference or "",
        "CurrencyRate": rate or doc.get("CurrencyRate") or Decimal(1),
        "PaymentType": _PAYMENT_TYPES[doc["Type"]],
        "Status": "AUTHORISED",
        "IsReconciled": bool(reconciled),
        "HasAccount": True,
        "HasValidationErrors": False,
        "UpdatedDateUTC": org.now(),
        "_iso_updated": True,
        "_account_id": account.get("AccountID"),
        "_kind": kind.collection,
        "_document_id": doc[kind.id_field],
    }
    org.payments[payment_id] = payment
    doc["_payment_ids"] = [*doc.get("_payment_ids", []), payment_id]
    doc["UpdatedDateUTC"] = org.now()
    refresh_balance(org, kind, doc)
    org.record_history(payment_id, "Created", f"Payment of {payment['Amount']} created.")
    org.record_history(
        doc[kind.id_field],
        "Payment Applied",
        f"Payment received from {account.get('Name', '')} for {payment['Amount']}.",
    )
    return payment


def delete_payment(org: XeroOrg, payment: dict[str, Any], element: Mapping[str, Any]) -> None:
    """``POST /Payments/{id}`` with ``{"Status": "DELETED"}``: the only change Xero allows."""
    if element.get("Status") != "DELETED":
        raise ElementInvalid("Payments can only be deleted: send Status DELETED.")
    if payment["Status"] == "DELETED":
        raise ElementInvalid("This payment has already been deleted.")
    payment["Status"] = "DELETED"
    payment["UpdatedDateUTC"] = org.now()
    kind = INVOICE if payment["_kind"] == "Invoices" else CREDIT_NOTE
    doc = kind.table(org)[payment["_document_id"]]
    # A deleted payment no longer counts as money applied (the document may be voided again).
    doc["_payment_ids"] = [p for p in doc.get("_payment_ids", []) if p != payment["PaymentID"]]
    doc["UpdatedDateUTC"] = org.now()
    refresh_balance(org, kind, doc)
    org.record_history(payment["PaymentID"], "Deleted", "Payment deleted.")
    org.record_history(
        doc[kind.id_field], "Payment Deleted", f"Payment of {payment['Amount']} deleted."
    )


def create_allocation(
    org: XeroOrg, credit_note: dict[str, Any], element: Mapping[str, Any]
) -> dict[str, Any]:
    """Allocate part of an AUTHORISED credit note to an AUTHORISED invoice [xero-api-notes §6.5]."""
    errors: Errors = []
    invoice = _find_document(org, INVOICE, element.get("Invoice"), None, errors)
    if invoice is None:
        errors.append("Invoice could not be found.")
    amount = optional_decimal(element, "Amount", errors)
    if amount is None:
        if "Amount" not in element:
            errors.append("Amount must be specified.")
    elif amount <= 0:
        errors.append("Allocation amount must be greater than zero.")
    if credit_note["Status"] != "AUTHORISED":
        errors.append(
            f"Credit note must be AUTHORISED to be allocated; it is {credit_note['Status']}."
        )
    if invoice is not None:
        if invoice["Status"] != "AUTHORISED":
            errors.append(
                f"Invoice must be AUTHORISED to be allocated to; it is {invoice['Status']}."
            )
        if invoice["_contact_id"] != credit_note["_contact_id"]:
            errors.append("The credit note and the invoice must be for the same contact.")
        if invoice["CurrencyCode"] != credit_note["CurrencyCode"]:
            errors.append("The credit note and the invoice must be in the same currency.")
        expected_type = "ACCRECCREDIT" if invoice["Type"] == "ACCREC" else "ACCPAYCREDIT"
        if credit_note["Type"] != expected_type:
            errors.append(
                f"A {credit_note['Type']} credit note cannot be allocated to an "
                f"{invoice['Type']} invoice."
            )
        if amount is not None and amount > 0:
            if money(amount) > credit_note["RemainingCredit"]:
                errors.append("Allocation amount exceeds the remaining credit on the credit note.")
            if money(amount) > invoice["AmountDue"]:
                errors.append("Allocation amount exceeds the amount due on the invoice.")
    if errors:
        raise ElementInvalid(*errors)
    assert invoice is not None and amount is not None
    allocation_id = org.new_id()
    # The allocation date is the later of the two documents' dates (read-only, xero-api-notes §6.5).
    allocation = {
        "AllocationID": allocation_id,
        "Amount": money(amount),
        "Date": max(invoice["Date"], credit_note["Date"]),
        "_invoice_id": invoice["InvoiceID"],
        "_credit_note_id": credit_note["CreditNoteID"],
    }
    org.allocations[allocation_id] = allocation
    for doc in (invoice, credit_note):
        doc["_allocation_ids"] = [*doc.get("_allocation_ids", []), allocation_id]
        doc["UpdatedDateUTC"] = org.now()
    refresh_balance(org, INVOICE, invoice)
    refresh_balance(org, CREDIT_NOTE, credit_note)
    org.record_history(
        invoice["InvoiceID"],
        "Credit Applied",
        f"Credit note {credit_note.get('CreditNoteNumber', '')} applied for "
        f"{allocation['Amount']}.",
    )
    org.record_history(
        credit_note["CreditNoteID"],
        "Credit Applied",
        f"Applied {allocation['Amount']} to invoice {invoice.get('InvoiceNumber', '')}.",
    )
    return allocation
