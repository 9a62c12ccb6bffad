"""The one registry of the Xero record kinds the sync writes: what the engine needs to know of each.

Every fact about a kind lives in its ``EntitySpec``: the mapping kind (``contact``), the Shopify
resource its errors and counts are filed under (``customers``), the Xero id field, the batch write
methods, and how Xero says "that natural key exists". The writer, settling, linking, rebuild and
the reports look them up here instead of each keeping a table (or choosing methods by name).
Adding a kind of record means adding one spec here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shopxero.engine.ports import XeroWriter
from shopxero.xero.batching import MAX_BATCH_ELEMENTS, MAX_ITEMS_BATCH
from shopxero.xero.elements import ElementResult

__all__ = ["SPECS", "BatchWrite", "EntitySpec", "spec"]


class BatchWrite(Protocol):
    """A Xero client's batch write (``create_contacts``, ``update_invoices``, ...)."""

    def __call__(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> Awaitable[list[ElementResult]]: ...


def _never(_text: str) -> bool:
    return False


@dataclass(frozen=True)
class EntitySpec:
    """One kind of Xero record. ``create``/``update`` pick the batch write from a Xero client
    (None where the sync never writes that kind in batches); ``duplicate_key`` and ``name_clash``
    read Xero's messages (lower-cased and joined) on a refused create."""

    name: str
    resource: str
    id_field: str
    create: Callable[[XeroWriter], BatchWrite] | None = None
    update: Callable[[XeroWriter], BatchWrite] | None = None
    duplicate_key: Callable[[str], bool] = _never
    name_clash: Callable[[str], bool] = _never
    max_batch: int = MAX_BATCH_ELEMENTS  # elements per write request (xero-api-notes §4)

    def is_duplicate_key_error(self, messages: Sequence[str]) -> bool:
        """Xero refused a create because the natural key exists (so the record exists)."""
        return self.duplicate_key(" ".join(messages).lower())

    def is_name_clash(self, messages: Sequence[str]) -> bool:
        """A create refused because an unrelated active record has the name."""
        return self.name_clash(" ".join(messages).lower())

    def writer(self, xero: XeroWriter, operation: str) -> BatchWrite:
        """The client's batch write for ``operation`` (``create`` or ``update``)."""
        pick = self.create if operation == "create" else self.update
        if pick is None:
            raise ValueError(f"{self.name} records are not written with a batch {operation}")
        return pick(xero)


# Xero's wording of a refused duplicate: "The contact number … is already assigned to another
# contact", "Item with code … already exists", "Invoice # must be unique" (and the same for
# credit note numbers); xero-api-notes §6.1-§6.3 and §6.5.
SPECS: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            name="contact",
            resource="customers",
            id_field="ContactID",
            create=lambda xero: xero.create_contacts,
            update=lambda xero: xero.update_contacts,
            duplicate_key=lambda text: "contact number" in text and "already" in text,
            name_clash=lambda text: "contact name" in text and "already assigned" in text,
        ),
        EntitySpec(
            name="item",
            resource="products",
            id_field="ItemID",
            create=lambda xero: xero.create_items,
            update=lambda xero: xero.update_items,
            duplicate_key=lambda text: "with code" in text and "already exists" in text,
            max_batch=MAX_ITEMS_BATCH,
        ),
        EntitySpec(
            name="invoice",
            resource="orders",
            id_field="InvoiceID",
            create=lambda xero: xero.create_invoices,
            update=lambda xero: xero.update_invoices,
            duplicate_key=lambda text: "must be unique" in text,
        ),
        EntitySpec(
            name="credit_note",
            resource="orders",
            id_field="CreditNoteID",
            create=lambda xero: xero.create_credit_notes,
            update=lambda xero: xero.update_credit_notes,
            duplicate_key=lambda text: "must be unique" in text,
        ),
        EntitySpec(
            name="payment",
            resource="orders",
            id_field="PaymentID",
            create=lambda xero: xero.create_payments,
        ),
        # A Shopify Payments payout (entities.payouts): no natural key Xero enforces; the step
        # looks the Reference ("Shopify payout <id>") up before every create.
        EntitySpec(
            name="payout_transfer",
            resource="payouts",
            id_field="BankTransferID",
            create=lambda xero: xero.create_bank_transfers,
        ),
        EntitySpec(
            name="payout_spend",
            resource="payouts",
            id_field="BankTransactionID",
            create=lambda xero: xero.create_bank_transactions,
        ),
        EntitySpec(
            name="payout_receive",
            resource="payouts",
            id_field="BankTransactionID",
            create=lambda xero: xero.create_bank_transactions,
        ),
    )
}


def spec(entity: str) -> EntitySpec:
    """The spec of ``entity`` (a mapping kind such as ``contact``)."""
    return SPECS[entity]
