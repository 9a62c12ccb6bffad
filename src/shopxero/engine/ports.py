"""What a sync run needs from its two clients: the seams between the engine and the API packages.

``RunContext`` and ``SyncEngine`` hold a ``XeroApi`` and a ``ShopifyApi``, not the concrete
clients, so the steps are typed against exactly the calls they make and tests can hand in fakes.
Each method is listed with the signature of ``xero.client.XeroClient`` / ``shopify.client.
ShopifyClient`` (which satisfy these protocols: mypy checks it where a run is built), and only the
methods that the engine, the entities, the run and the rebuild call; anything else of a client
(auth, ``aclose``, doctor's reads) stays with whoever built it.

Xero's side is split in two: ``XeroReader`` (lookups; linking takes only these) and
``XeroWriter`` (every write). A rebuild's ``rebuild.views.ReadOnlyXero`` passes as a ``XeroApi``
through its ``__getattr__``: it forwards each read to a real client and refuses each write, which
mypy cannot see through ``__getattr__`` (it accepts any attribute there), so
``tests/sync/test_ports.py`` checks it for every member of these protocols; the same test checks
that ``RecordingShopify`` forwards every ``ShopifyApi`` call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from shopxero.xero.elements import ElementResult

__all__ = ["ShopifyApi", "XeroApi", "XeroReader", "XeroWriter"]


class XeroReader(Protocol):
    """The reads of the Xero Accounting API a run makes (records are Xero's JSON dicts)."""

    async def get_organisation(self) -> dict[str, Any]: ...

    async def list_accounts(self) -> list[dict[str, Any]]: ...

    async def list_tax_rates(self) -> list[dict[str, Any]]: ...

    async def list_currencies(self) -> list[dict[str, Any]]: ...

    def iter_contacts(
        self,
        *,
        page_size: int = 1000,
        modified_since: datetime | None = None,
        include_archived: bool = True,
    ) -> AsyncIterator[dict[str, Any]]: ...

    async def get_contact_by_number(self, number: str) -> dict[str, Any] | None: ...

    async def find_contacts(
        self,
        *,
        email: str | None = None,
        name: str | None = None,
        include_archived: bool = True,
    ) -> list[dict[str, Any]]: ...

    async def find_contacts_any(
        self, keys: Sequence[tuple[str, str]], *, include_archived: bool = True
    ) -> list[dict[str, Any]]: ...

    async def list_items(
        self, *, code: str | None = None, modified_since: datetime | None = None
    ) -> list[dict[str, Any]]: ...

    async def get_invoices_by_number(self, numbers: Sequence[str]) -> list[dict[str, Any]]: ...

    def iter_invoices(
        self,
        *,
        modified_since: datetime | None = None,
        page_size: int = 1000,
        statuses: Sequence[str] | None = None,
    ) -> AsyncIterator[dict[str, Any]]: ...

    async def get_credit_notes_by_number(self, numbers: Sequence[str]) -> list[dict[str, Any]]: ...

    def iter_credit_notes(self, *, page_size: int = 1000) -> AsyncIterator[dict[str, Any]]: ...

    # Payouts (entities.payouts): spend/receive money and transfers found by Reference.
    async def find_bank_transactions_by_reference(
        self, references: Sequence[str], *, bank_account_id: str | None = None
    ) -> list[dict[str, Any]]: ...

    async def list_bank_transfers(
        self,
        *,
        where: str | None = None,
        include_deleted: bool = False,
        modified_since: datetime | None = None,
    ) -> list[dict[str, Any]]: ...


class XeroWriter(Protocol):
    """The writes a run makes: batches of at most 50 with one Idempotency-Key, answered with one
    ``ElementResult`` per element, and a credit note's allocation."""

    async def create_contacts(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def update_contacts(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def create_items(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def update_items(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def create_invoices(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def update_invoices(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def create_credit_notes(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    # Named by engine.entity_specs (the credit note's batch update).
    async def update_credit_notes(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def create_payments(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def create_bank_transactions(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def create_bank_transfers(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]: ...

    async def allocate_credit_note(
        self,
        credit_note_id: str,
        *,
        invoice_id: str,
        amount: Decimal,
        idempotency_key: str,
        on: date | None = None,
    ) -> ElementResult: ...


class XeroApi(XeroReader, XeroWriter, Protocol):
    """Everything a run asks of Xero (``xero.client.XeroClient`` in production)."""


class ShopifyApi(Protocol):
    """Everything a run asks of Shopify (``shopify.client.ShopifyClient`` in production); records
    are Shopify's REST JSON dicts."""

    async def get_shop(self) -> dict[str, Any]: ...

    async def prepare_reads(self, since: Mapping[str, datetime | None]) -> None:
        """Called once at the start of a run with each resource's ``updated_at_min`` (None: a
        full read), before any ``iter_*``: a client may ask for all of it at once."""
        ...

    def iter_customers(
        self, *, updated_at_min: datetime | None = None
    ) -> AsyncIterator[dict[str, Any]]: ...

    def iter_products(
        self, *, updated_at_min: datetime | None = None
    ) -> AsyncIterator[dict[str, Any]]: ...

    def iter_orders(
        self,
        *,
        updated_at_min: datetime | None = None,
        status: str = "any",
        created_at_min: datetime | None = None,
    ) -> AsyncIterator[dict[str, Any]]: ...

    async def get_customer(self, id: int) -> dict[str, Any] | None: ...

    async def get_product(self, id: int) -> dict[str, Any] | None: ...

    async def get_order(self, id: int) -> dict[str, Any] | None: ...

    async def get_orders(self, ids: Sequence[int]) -> dict[int, dict[str, Any] | None]:
        """Orders by id, read in as few calls as the API allows: id -> the order as
        ``get_order`` returns it, or None when Shopify has no such order."""
        ...

    async def list_transactions(self, order_id: int) -> list[dict[str, Any]]: ...

    def iter_payouts(
        self,
        *,
        status: str | None = None,
        date_min: date | None = None,
        date_max: date | None = None,
        on_date: date | None = None,
        since_id: int | None = None,
        last_id: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]: ...

    def iter_balance_transactions(
        self,
        *,
        payout_id: int | None = None,
        payout_status: str | None = None,
        test: bool | None = None,
        since_id: int | None = None,
        last_id: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]: ...
