"""The JSON shape of each record as Xero returns it (full, list, or summary form).

Xero trims lists: an unpaged GET /Invoices has no LineItems [xero-api-notes §5.1]; ``summaryOnly``
drops Payments, HasAttachments, LineItems and CISDeduction from invoices and Addresses,
Balances, ContactGroups, ContactPersons, IsCustomer, IsSupplier from contacts [xero-api-notes §5.1].
Documents embed a short Contact and their Payments / CreditNotes / Allocations summaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from shopxero.sandbox.xero.accounting.serialize import present_document
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = [
    "Form",
    "party_flags",
    "present_allocation",
    "present_bank_transaction",
    "present_bank_transfer",
    "present_contact",
    "present_credit_note",
    "present_history",
    "present_invoice",
    "present_item",
    "present_payment",
]

Form = Literal["full", "list", "summary"]

_CONTACT_SUMMARY_DROP = (
    "Addresses",
    "Balances",
    "ContactGroups",
    "ContactPersons",
    "IsCustomer",
    "IsSupplier",
    "SalesDefaultAccountCode",
    "PurchasesDefaultAccountCode",
    "SalesTrackingCategories",
    "PurchasesTrackingCategories",
    "PaymentTerms",
)


def party_flags(org: XeroOrg) -> tuple[set[str], set[str]]:
    """ContactIDs with sales invoices (IsCustomer) and with bills (IsSupplier)
    [xero-api-notes §6.1]."""
    customers: set[str] = set()
    suppliers: set[str] = set()
    for invoice in org.invoices.values():
        if invoice["Status"] == "DELETED":
            continue
        if invoice["Type"] == "ACCREC":
            customers.add(invoice["_contact_id"])
        elif invoice["Type"] == "ACCPAY":
            suppliers.add(invoice["_contact_id"])
    return customers, suppliers


def present_contact(
    org: XeroOrg,
    contact: Mapping[str, Any],
    form: Form = "full",
    *,
    flags: tuple[set[str], set[str]] | None = None,
) -> dict[str, Any]:
    customers, suppliers = flags if flags is not None else party_flags(org)
    out = dict(contact)
    out["IsCustomer"] = contact["ContactID"] in customers
    out["IsSupplier"] = contact["ContactID"] in suppliers
    if form == "summary":
        for key in _CONTACT_SUMMARY_DROP:
            out.pop(key, None)
    return present_document(out)


def _contact_ref(org: XeroOrg, contact_id: str) -> dict[str, Any]:
    contact = org.contacts.get(contact_id, {})
    ref: dict[str, Any] = {"ContactID": contact_id, "Name": contact.get("Name", "")}
    if contact.get("ContactNumber"):
        ref["ContactNumber"] = contact["ContactNumber"]
    for key in ("EmailAddress", "ContactStatus"):
        if contact.get(key):
            ref[key] = contact[key]
    ref["HasValidationErrors"] = False
    return ref


def present_item(item: Mapping[str, Any], *, unitdp: int = 2) -> dict[str, Any]:
    return present_document(item, unitdp=unitdp)


def _payment_summary(payment: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "PaymentID": payment["PaymentID"],
        "Date": payment["Date"],
        "Amount": payment["Amount"],
        "Reference": payment["Reference"],
        "CurrencyRate": payment["CurrencyRate"],
        "HasAccount": True,
        "HasValidationErrors": False,
    }


def present_invoice(
    org: XeroOrg, invoice: Mapping[str, Any], form: Form = "full", *, unitdp: int = 2
) -> dict[str, Any]:
    out = dict(invoice)
    out["Contact"] = _contact_ref(org, invoice["_contact_id"])
    payments = [org.payments[p] for p in invoice.get("_payment_ids", [])]
    out["Payments"] = [_payment_summary(p) for p in payments if p["Status"] == "AUTHORISED"]
    out["CreditNotes"] = []
    for allocation_id in invoice.get("_allocation_ids", []):
        allocation = org.allocations[allocation_id]
        note = org.credit_notes[allocation["_credit_note_id"]]
        out["CreditNotes"].append(
            {
                "CreditNoteID": note["CreditNoteID"],
                "CreditNoteNumber": note.get("CreditNoteNumber", ""),
                "AppliedAmount": allocation["Amount"],
                "Date": allocation["Date"],
                "Total": note["Total"],
                "HasErrors": False,
            }
        )
    out["Prepayments"] = []
    out["Overpayments"] = []
    out["HasErrors"] = False
    if form != "full":
        out.pop("LineItems", None)
    if form == "summary":
        for key in ("Payments", "HasAttachments", "CISDeduction"):
            out.pop(key, None)
    return present_document(out, unitdp=unitdp)


def present_allocation(org: XeroOrg, allocation: Mapping[str, Any]) -> dict[str, Any]:
    invoice = org.invoices[allocation["_invoice_id"]]
    return present_document(
        {
            "AllocationID": allocation["AllocationID"],
            "Amount": allocation["Amount"],
            "Date": allocation["Date"],
            "Invoice": {
                "InvoiceID": invoice["InvoiceID"],
                "InvoiceNumber": invoice.get("InvoiceNumber", ""),
                "Payments": [],
                "CreditNotes": [],
                "Prepayments": [],
                "Overpayments": [],
                "HasErrors": False,
            },
            "IsDeleted": False,
        }
    )


def present_credit_note(
    org: XeroOrg, note: Mapping[str, Any], form: Form = "full", *, unitdp: int = 2
) -> dict[str, Any]:
    out = dict(note)
    out["Contact"] = _contact_ref(org, note["_contact_id"])
    out["Allocations"] = [
        present_allocation(org, org.allocations[a]) for a in note.get("_allocation_ids", [])
    ]
    out["Payments"] = [
        _payment_summary(org.payments[p])
        for p in note.get("_payment_ids", [])
        if org.payments[p]["Status"] == "AUTHORISED"
    ]
    out["HasErrors"] = False
    if form != "full":
        out.pop("LineItems", None)
    return present_document(out, unitdp=unitdp)


def present_payment(org: XeroOrg, payment: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(payment)
    account = org.account_by_id(str(payment.get("_account_id") or "")) or {}
    out["Account"] = {"AccountID": account.get("AccountID"), "Code": account.get("Code", "")}
    if payment["_kind"] == "Invoices":
        doc = org.invoices[payment["_document_id"]]
        out["Invoice"] = {
            "Type": doc["Type"],
            "InvoiceID": doc["InvoiceID"],
            "InvoiceNumber": doc.get("InvoiceNumber", ""),
            "Contact": _contact_ref(org, doc["_contact_id"]),
            "CurrencyCode": doc["CurrencyCode"],
            "Payments": [],
            "CreditNotes": [],
            "Prepayments": [],
            "Overpayments": [],
            "HasErrors": False,
        }
    else:
        doc = org.credit_notes[payment["_document_id"]]
        out["CreditNote"] = {
            "Type": doc["Type"],
            "CreditNoteID": doc["CreditNoteID"],
            "CreditNoteNumber": doc.get("CreditNoteNumber", ""),
            "Contact": _contact_ref(org, doc["_contact_id"]),
            "CurrencyCode": doc["CurrencyCode"],
        }
    return present_document(out)


def present_history(record: Mapping[str, Any]) -> dict[str, Any]:
    out = present_document(record)
    out["DateUTCString"] = record["DateUTC"].strftime("%Y-%m-%dT%H:%M:%S")
    return out


def _account_ref(org: XeroOrg, account_id: str) -> dict[str, Any]:
    """A bank account as Xero embeds it: AccountID, Code, Name [xero-api-notes §13.1]."""
    account = org.account_by_id(account_id) or {}
    return {
        "AccountID": account_id,
        "Code": account.get("Code", ""),
        "Name": account.get("Name", ""),
    }


def present_bank_transaction(
    org: XeroOrg, transaction: Mapping[str, Any], *, unitdp: int = 2
) -> dict[str, Any]:
    """A spend/receive money transaction, or one side of a transfer (no Contact, no lines).

    Lists carry the lines too: the spec requires LineItems on every BankTransaction
    [xero-api-notes §13.2].
    """
    out = dict(transaction)
    out["BankAccount"] = _account_ref(org, str(transaction["_account_id"]))
    if transaction.get("_contact_id"):
        out["Contact"] = _contact_ref(org, str(transaction["_contact_id"]))
    return present_document(out, unitdp=unitdp)


def present_bank_transfer(org: XeroOrg, transfer: Mapping[str, Any]) -> dict[str, Any]:
    """A bank transfer in the spec's BankTransfer shape [xero-api-notes §13.1]."""
    out = dict(transfer)
    out["FromBankAccount"] = _account_ref(org, str(transfer["_from_account_id"]))
    out["ToBankAccount"] = _account_ref(org, str(transfer["_to_account_id"]))
    out["CreatedDateUTCString"] = transfer["CreatedDateUTC"].strftime("%Y-%m-%dT%H:%M:%S")
    return present_document(out)
