"""The two kinds of document (invoice, credit note) and their balances.

``refresh_balance`` is the one place that turns payments and allocations into AmountPaid,
AmountCredited and AmountDue (RemainingCredit on credit notes), and moves a document to PAID
when nothing is outstanding, or back to AUTHORISED when a payment is deleted [xero-api-notes
§6.3, §6.5].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopxero.sandbox.xero.accounting.serialize import money
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["CREDIT_NOTE", "INVOICE", "DocumentKind", "has_money_applied", "refresh_balance"]

ZERO = Decimal(0)


@dataclass(frozen=True)
class DocumentKind:
    label: str  # "Invoice" / "Credit Note", for messages
    collection: str  # JSON key: "Invoices" / "CreditNotes"
    id_field: str
    number_field: str
    types: tuple[str, ...]
    unique_type: str  # the type whose number Xero keeps unique
    prefix: str
    duplicate_message: str

    def table(self, org: XeroOrg) -> dict[str, dict[str, Any]]:
        return org.invoices if self.collection == "Invoices" else org.credit_notes


INVOICE = DocumentKind(
    "Invoice",
    "Invoices",
    "InvoiceID",
    "InvoiceNumber",
    ("ACCREC", "ACCPAY"),
    "ACCREC",
    "INV-",
    "Invoice # must be unique.",
)
CREDIT_NOTE = DocumentKind(
    "Credit Note",
    "CreditNotes",
    "CreditNoteID",
    "CreditNoteNumber",
    ("ACCRECCREDIT", "ACCPAYCREDIT"),
    "ACCRECCREDIT",
    "CN-",
    "Credit Note # must be unique.",
)


def has_money_applied(doc: Mapping[str, Any]) -> bool:
    return bool(doc.get("_payment_ids")) or bool(doc.get("_allocation_ids"))


def refresh_balance(org: XeroOrg, kind: DocumentKind, doc: dict[str, Any]) -> None:
    """Recompute AmountPaid/AmountCredited/AmountDue (or RemainingCredit) and PAID status."""
    paid = sum(
        (
            org.payments[p]["Amount"]
            for p in doc.get("_payment_ids", [])
            if org.payments[p]["Status"] == "AUTHORISED"
        ),
        ZERO,
    )
    credited = sum((org.allocations[a]["Amount"] for a in doc.get("_allocation_ids", [])), ZERO)
    total = doc["Total"]
    if kind is INVOICE:
        doc["AmountPaid"] = money(paid)
        doc["AmountCredited"] = money(credited)
        outstanding = money(total - paid - credited)
        doc["AmountDue"] = (
            outstanding if doc["Status"] not in ("VOIDED", "DELETED") else money(ZERO)
        )
    else:
        outstanding = money(total - paid - credited)
        doc["RemainingCredit"] = (
            outstanding if doc["Status"] not in ("VOIDED", "DELETED") else (money(ZERO))
        )
    if doc["Status"] == "AUTHORISED" and outstanding == ZERO:
        doc["Status"] = "PAID"
        doc["FullyPaidOnDate"] = org.today()
    elif doc["Status"] == "PAID" and outstanding != ZERO:
        doc["Status"] = "AUTHORISED"
        doc.pop("FullyPaidOnDate", None)
