"""The Xero Accounting API client: reads, batched writes with per-element results, one send path.

Everything goes through ``shopxero.http.sender.Sender`` (pacing by ``XeroThrottle``, error
mapping, call records, retries of transient errors only, one token refresh after a 401
TokenExpired). Rules from xero-api-notes: ``Accept: application/json`` (§5.1, §12 #1);
``xero-tenant-id`` on every call except Custom Connections (§1.5, §1.7); writes carry at most 50
elements, ALWAYS ``summarizeErrors=false`` (§4, §12 #5) and the caller's ``Idempotency-Key``
(<= 128 chars, §3); PUT creates and POST updates (§4); invoices and credit notes use ``unitdp=4``
(§6.6). Bodies are encoded by ``xero.batching.encode_json`` so Decimals are exact JSON numbers.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from shopxero.errors import (
    ApiError,
    NotFoundError,
    PermanentApiError,
)
from shopxero.http.calllog import CallSink
from shopxero.http.clock import Clock, SystemClock
from shopxero.http.retry import RetryPolicy
from shopxero.http.sender import Sender
from shopxero.http.xero_throttle import XeroThrottle
from shopxero.xero.batching import (
    MAX_BATCH_BYTES,
    MAX_BATCH_ELEMENTS,
    encode_json,
    max_elements_for,
)
from shopxero.xero.bearer import BearerAuth, XeroTokenProvider, json_or_none, refine_xero_error
from shopxero.xero.elements import (
    ElementResult,
    XeroValidationError,
    element_results,
    where_equals,
    where_guid,
    where_writable,
)
from shopxero.xero.records import BankSummaryLine, bank_summary_lines

__all__ = ["ElementResult", "XeroClient", "XeroTokenProvider", "XeroValidationError"]

MAX_IDEMPOTENCY_KEY = 128  # xero-api-notes §3: "128 character max."
# Equalities ORed in one Contacts ``where``: short enough for the URL and for Xero, which warns
# that long or complex clauses can time out (xero-api-notes §5.1).
WHERE_OR_CHUNK = 15
LOOKUP_CHUNK = 40  # xero-api-notes §5.1: URL length bounds list params; Xero suggests batches of 40
MAX_PAGE_SIZE = 1000  # xero-api-notes §5.1
HISTORY_ENDPOINTS = frozenset(
    {
        "Invoices",
        "Contacts",
        "Items",
        "Payments",
        "CreditNotes",
        "BankTransactions",
        "BankTransfers",
    }
)


def _iso_seconds(value: datetime) -> str:
    # xero-api-notes §5.1: If-Modified-Since is a UTC timestamp accurate to the second.
    if value.tzinfo is None:
        raise ValueError("modified_since must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


_T = TypeVar("_T")


def _chunks(values: Sequence[_T], size: int) -> list[list[_T]]:
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


class XeroClient:
    """Async Xero Accounting client returning plain JSON dicts; never raises httpx errors."""

    def __init__(
        self,
        *,
        api_base_url: str,
        tokens: XeroTokenProvider,
        tenant_id: str | None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        call_sink: CallSink | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        throttle: XeroThrottle | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.throttle = throttle or XeroThrottle(clock=self.clock)
        self._auth = BearerAuth(tokens, tenant_id)
        self._http = httpx.AsyncClient(
            base_url=api_base_url.rstrip("/") + "/",
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json"},
        )
        self._sender = Sender(
            service="xero",
            client=self._http,
            clock=self.clock,
            pacer=self.throttle,
            policy=retry or RetryPolicy(),
            call_sink=call_sink,
            auth=self._auth,
            secrets=self._auth.secrets,
            refine_error=self._refine_error,
        )

    async def __aenter__(self) -> XeroClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- the send path -------------------------------------------------------------------------

    def _refine_error(self, error: ApiError, response: httpx.Response) -> ApiError:
        return refine_xero_error(error, response, auth=self._auth, throttle=self.throttle)

    async def _get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        modified_since: datetime | None = None,
        not_found_ok: bool = False,
    ) -> dict[str, Any]:
        headers = {"If-Modified-Since": _iso_seconds(modified_since)} if modified_since else None
        response = await self._sender.send(
            "GET", path, params=params, headers=headers, not_found_ok=not_found_ok
        )
        if response.status_code == 304:  # nothing changed since If-Modified-Since
            return {}
        return _json_object(response, "GET", path)

    async def _get_or_none(self, path: str, params: Mapping[str, str]) -> dict[str, Any] | None:
        try:
            return await self._get(path, params, not_found_ok=True)
        except NotFoundError:
            return None

    async def _iter_pages(
        self,
        path: str,
        key: str,
        params: Mapping[str, str],
        *,
        page_size: int,
        modified_since: datetime | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
        page = 1
        while True:
            query = {**params, "page": str(page), "pageSize": str(page_size)}
            body = await self._get(path, query, modified_since=modified_since)
            items = [i for i in body.get(key) or [] if isinstance(i, dict)]
            for item in items:
                yield item
            pagination = body.get("pagination")
            page_count = pagination.get("pageCount") if isinstance(pagination, dict) else None
            if len(items) < page_size or (isinstance(page_count, int) and page >= page_count):
                return
            page += 1

    async def _write(
        self,
        method: str,
        path: str,
        key: str,
        payloads: Sequence[Mapping[str, Any]],
        *,
        idempotency_key: str,
        unitdp: bool = False,
        summarize_errors_param: bool = True,
    ) -> list[ElementResult]:
        """One batch; ``summarize_errors_param=False`` for an endpoint the spec gives no
        ``summarizeErrors`` (PUT BankTransfers, xero-api-notes §13.1), whose refusals come back as
        a 400 listing the elements."""
        if not payloads:
            return []
        if len(payloads) > max_elements_for(key):
            raise ValueError(
                f"{len(payloads)} {key} in one request; Xero takes at most "
                f"{max_elements_for(key)} (split them with xero.batching.split_batches)"
            )
        _check_idempotency_key(idempotency_key)
        body = encode_json({key: list(payloads)})
        if len(body) > MAX_BATCH_BYTES:
            raise ValueError(f"{key} batch is {len(body)} bytes; Xero takes at most 3.5 MB")
        params = {"summarizeErrors": "false"} if summarize_errors_param else {}
        if unitdp:
            params["unitdp"] = "4"
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/json"}
        try:
            response = await self._sender.send(
                method, path, params=params, headers=headers, content=body
            )
        except XeroValidationError as exc:
            if len(exc.elements) != len(payloads):
                raise
            return element_results(exc.elements, len(payloads), method=method, path=path)
        answer = _json_object(response, method, path)
        return element_results(answer.get(key) or [], len(payloads), method=method, path=path)

    # --- reads ---------------------------------------------------------------------------------

    async def get_organisation(self) -> dict[str, Any]:
        orgs = (await self._get("Organisation")).get("Organisations") or []
        if not orgs or not isinstance(orgs[0], dict):
            raise PermanentApiError(
                "Xero returned no organisation", service="xero", method="GET", path="Organisation"
            )
        return dict(orgs[0])

    async def list_accounts(self) -> list[dict[str, Any]]:
        return list((await self._get("Accounts")).get("Accounts") or [])

    async def list_tax_rates(self) -> list[dict[str, Any]]:
        return list((await self._get("TaxRates")).get("TaxRates") or [])

    async def list_currencies(self) -> list[dict[str, Any]]:
        """GET /Currencies: the currencies the organisation can invoice in (xero-api-notes §6.3)."""
        return list((await self._get("Currencies")).get("Currencies") or [])

    def iter_contacts(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        modified_since: datetime | None = None,
        include_archived: bool = True,
    ) -> AsyncIterator[dict[str, Any]]:
        params = {"includeArchived": "true"} if include_archived else {}
        return self._iter_pages(
            "Contacts", "Contacts", params, page_size=page_size, modified_since=modified_since
        )

    async def get_contact_by_number(self, number: str) -> dict[str, Any] | None:
        """``GET /Contacts/{ContactNumber}`` (xero-api-notes §5.2); None when there is no such
        contact."""
        if not number:
            raise ValueError("contact number must not be empty")
        body = await self._get_or_none(f"Contacts/{quote(number, safe='')}", {})
        contacts = (body or {}).get("Contacts") or []
        return dict(contacts[0]) if contacts else None

    async def find_contacts(
        self,
        *,
        email: str | None = None,
        name: str | None = None,
        include_archived: bool = True,
    ) -> list[dict[str, Any]]:
        """Contacts whose EmailAddress and/or Name equal the values (optimised fields, §5.2)."""
        clauses = []
        if email is not None:
            clauses.append(where_equals("EmailAddress", email))
        if name is not None:
            clauses.append(where_equals("Name", name))
        if not clauses:
            raise ValueError("find_contacts needs an email or a name")
        params = {"where": " AND ".join(clauses)}
        if include_archived:
            params["includeArchived"] = "true"
        return [c async for c in self._iter_pages("Contacts", "Contacts", params, page_size=100)]

    async def find_contacts_any(
        self, keys: Sequence[tuple[str, str]], *, include_archived: bool = True
    ) -> list[dict[str, Any]]:
        """Contacts matching any of ``keys`` ((field, value) pairs: ``ContactNumber``,
        ``EmailAddress``, ``Name``), in one ``where`` of ``OR``ed equalities per 15 keys, so a
        few new customers cost one call rather than three each (xero-api-notes §5.2)."""
        found: list[dict[str, Any]] = []
        for chunk in _chunks(list(keys), WHERE_OR_CHUNK):
            params = {"where": " OR ".join(where_equals(f, v) for f, v in chunk)}
            if include_archived:
                params["includeArchived"] = "true"
            found.extend(
                [c async for c in self._iter_pages("Contacts", "Contacts", params, page_size=100)]
            )
        return found

    async def list_items(
        self, *, code: str | None = None, modified_since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """GET Items (unpaged, xero-api-notes §5.3), optionally one ``Code`` only."""
        params = {"unitdp": "4"}
        if code is not None:
            params["where"] = where_equals("Code", code)
        body = await self._get("Items", params, modified_since=modified_since)
        return list(body.get("Items") or [])

    async def get_invoices_by_number(self, numbers: Sequence[str]) -> list[dict[str, Any]]:
        """Invoices by ``InvoiceNumbers=`` in chunks of 40 (xero-api-notes §5.1, §5.4)."""
        found: list[dict[str, Any]] = []
        for chunk in _chunks(_list_values(numbers, "invoice number"), LOOKUP_CHUNK):
            params = {"InvoiceNumbers": ",".join(chunk), "unitdp": "4"}
            found.extend(
                [i async for i in self._iter_pages("Invoices", "Invoices", params, page_size=100)]
            )
        return found

    def iter_invoices(
        self,
        *,
        modified_since: datetime | None = None,
        page_size: int = MAX_PAGE_SIZE,
        statuses: Sequence[str] | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        params = {"unitdp": "4"}
        if statuses:
            params["Statuses"] = ",".join(statuses)
        return self._iter_pages(
            "Invoices", "Invoices", params, page_size=page_size, modified_since=modified_since
        )

    async def get_invoice(self, invoice_id_or_number: str) -> dict[str, Any] | None:
        """One invoice by InvoiceID, or by InvoiceNumber; None when there is none.

        Xero's docs allow ``/Invoices/{InvoiceNumber}`` (xero-api-notes §5.4) but the spec types
        that path parameter as a uuid, so numbers go through the ``InvoiceNumbers=`` list parameter.
        """
        if not invoice_id_or_number:
            raise ValueError("invoice id or number must not be empty")
        if not _is_uuid(invoice_id_or_number):
            found = await self.get_invoices_by_number([invoice_id_or_number])
            return found[0] if found else None
        body = await self._get_or_none(f"Invoices/{invoice_id_or_number}", {"unitdp": "4"})
        invoices = (body or {}).get("Invoices") or []
        return dict(invoices[0]) if invoices else None

    def iter_credit_notes(self, *, page_size: int = MAX_PAGE_SIZE) -> AsyncIterator[dict[str, Any]]:
        """Every credit note, a page at a time (xero-api-notes §5.1)."""
        return self._iter_pages("CreditNotes", "CreditNotes", {"unitdp": "4"}, page_size=page_size)

    async def get_credit_notes_by_number(self, numbers: Sequence[str]) -> list[dict[str, Any]]:
        """Credit notes by number; GET CreditNotes has no list parameter, so ``where`` ORs."""
        found: list[dict[str, Any]] = []
        for chunk in _chunks(_list_values(numbers, "credit note number"), LOOKUP_CHUNK):
            where = " OR ".join(where_equals("CreditNoteNumber", n) for n in chunk)
            params = {"where": where, "unitdp": "4"}
            found.extend(
                [
                    c
                    async for c in self._iter_pages(
                        "CreditNotes", "CreditNotes", params, page_size=100
                    )
                ]
            )
        return found

    def iter_bank_transactions(
        self,
        *,
        where: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        modified_since: datetime | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Spend/receive money and transfer sides, paged (xero-api-notes §13.2), lines at 4 dp.

        ``where`` is a Xero filter, e.g. built with ``where_equals`` / ``where_guid``."""
        params = {"unitdp": "4"}
        if where:
            params["where"] = where
        return self._iter_pages(
            "BankTransactions",
            "BankTransactions",
            params,
            page_size=page_size,
            modified_since=modified_since,
        )

    async def find_bank_transactions_by_reference(
        self, references: Sequence[str], *, bank_account_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Bank transactions whose Reference is one of ``references`` (optionally on one bank
        account), 40 references to a request ORed in ``where`` (xero-api-notes §5.1, §13.2)."""
        found: list[dict[str, Any]] = []
        account = where_guid("BankAccount.AccountID", bank_account_id) if bank_account_id else None
        for chunk in _chunks(_where_values(references, "reference"), LOOKUP_CHUNK):
            where = " OR ".join(where_equals("Reference", r) for r in chunk)
            if account:
                where = f"{account} AND ({where})"
            found.extend([t async for t in self.iter_bank_transactions(where=where, page_size=100)])
        return found

    async def get_bank_transaction(self, bank_transaction_id: str) -> dict[str, Any] | None:
        """One bank transaction by its BankTransactionID; None when there is none."""
        if not _is_uuid(bank_transaction_id):
            raise ValueError(f"not a BankTransactionID: {bank_transaction_id!r}")
        body = await self._get_or_none(f"BankTransactions/{bank_transaction_id}", {"unitdp": "4"})
        found = (body or {}).get("BankTransactions") or []
        return dict(found[0]) if found else None

    async def list_bank_transfers(
        self,
        *,
        where: str | None = None,
        include_deleted: bool = False,
        modified_since: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """GET BankTransfers: one unpaged list (xero-api-notes §13.1); deleted ones only when
        asked."""
        params: dict[str, str] = {}
        if where:
            params["where"] = where
        if include_deleted:
            params["includeDeleted"] = "true"
        body = await self._get("BankTransfers", params, modified_since=modified_since)
        return [dict(t) for t in body.get("BankTransfers") or [] if isinstance(t, dict)]

    async def get_bank_transfer(self, bank_transfer_id: str) -> dict[str, Any] | None:
        if not _is_uuid(bank_transfer_id):
            raise ValueError(f"not a BankTransferID: {bank_transfer_id!r}")
        body = await self._get_or_none(f"BankTransfers/{bank_transfer_id}", {})
        found = (body or {}).get("BankTransfers") or []
        return dict(found[0]) if found else None

    async def get_bank_summary(
        self, *, from_date: date | None = None, to_date: date | None = None
    ) -> list[BankSummaryLine]:
        """GET Reports/BankSummary: each bank account's opening balance, cash received and spent
        and closing balance over the period (xero-api-notes §13.4)."""
        params: dict[str, str] = {}
        if from_date is not None:
            params["fromDate"] = from_date.isoformat()
        if to_date is not None:
            params["toDate"] = to_date.isoformat()
        reports = (await self._get("Reports/BankSummary", params)).get("Reports") or []
        if not reports or not isinstance(reports[0], dict):
            raise PermanentApiError(
                "Xero returned no Bank Summary report",
                service="xero",
                method="GET",
                path="Reports/BankSummary",
            )
        try:
            return bank_summary_lines(reports[0])
        except ValueError as exc:
            raise PermanentApiError(
                f"Xero's Bank Summary report could not be read: {exc}",
                service="xero",
                method="GET",
                path="Reports/BankSummary",
            ) from exc

    async def bank_balances(self, on: date) -> dict[str, Decimal]:
        """Every bank account's balance at the end of day ``on``, by AccountID (lower case): the
        report's closing balance for ``fromDate = toDate = on`` (xero-api-notes §13.4)."""
        lines = await self.get_bank_summary(from_date=on, to_date=on)
        return {line.account_id.lower(): line.closing for line in lines}

    # --- writes --------------------------------------------------------------------------------

    async def create_contacts(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "PUT", "Contacts", "Contacts", payloads, idempotency_key=idempotency_key
        )

    async def update_contacts(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "POST", "Contacts", "Contacts", payloads, idempotency_key=idempotency_key
        )

    async def create_items(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "PUT", "Items", "Items", payloads, idempotency_key=idempotency_key, unitdp=True
        )

    async def update_items(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "POST", "Items", "Items", payloads, idempotency_key=idempotency_key, unitdp=True
        )

    async def create_invoices(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "PUT", "Invoices", "Invoices", payloads, idempotency_key=idempotency_key, unitdp=True
        )

    async def update_invoices(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "POST", "Invoices", "Invoices", payloads, idempotency_key=idempotency_key, unitdp=True
        )

    async def create_credit_notes(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "PUT",
            "CreditNotes",
            "CreditNotes",
            payloads,
            idempotency_key=idempotency_key,
            unitdp=True,
        )

    async def update_credit_notes(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "POST",
            "CreditNotes",
            "CreditNotes",
            payloads,
            idempotency_key=idempotency_key,
            unitdp=True,
        )

    async def create_payments(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return await self._write(
            "PUT", "Payments", "Payments", payloads, idempotency_key=idempotency_key
        )

    async def create_bank_transactions(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        """PUT spend/receive money, up to 50 (``XeroBankTransaction.to_payload()``)."""
        return await self._write(
            "PUT",
            "BankTransactions",
            "BankTransactions",
            payloads,
            idempotency_key=idempotency_key,
            unitdp=True,
        )

    async def update_bank_transactions(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        """POST whole bank transactions carrying their BankTransactionID: an update, or with
        ``Status: DELETED`` a delete (``XeroBankTransaction`` with ``bank_transaction_id``)."""
        return await self._write(
            "POST",
            "BankTransactions",
            "BankTransactions",
            payloads,
            idempotency_key=idempotency_key,
            unitdp=True,
        )

    async def create_bank_transfers(
        self, payloads: Sequence[Mapping[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        """Create bank transfers (``XeroBankTransfer.to_payload()``), one per request.

        PUT BankTransfers has no ``summarizeErrors`` (xero-api-notes §13.1): in one request, one
        refused transfer would make the answer a 400 that hides the others' IDs. So each transfer
        goes alone, with its own key: ``idempotency_key`` for one transfer, ``{key}:{n}`` (n from
        1) for several, so a retry of the whole call replays the ones already made. An error
        that is not a refusal (e.g. the connection lost on the third) propagates; retry the call.
        """
        if len(payloads) > MAX_BATCH_ELEMENTS:
            raise ValueError(
                f"{len(payloads)} BankTransfers in one call; at most {MAX_BATCH_ELEMENTS}"
            )
        keys = (
            [idempotency_key]
            if len(payloads) == 1
            else [f"{idempotency_key}:{n}" for n in range(1, len(payloads) + 1)]
        )
        for key in keys:  # all of them before the first is sent
            _check_idempotency_key(key)
        results: list[ElementResult] = []
        for payload, key in zip(payloads, keys, strict=True):
            results.extend(
                await self._write(
                    "PUT",
                    "BankTransfers",
                    "BankTransfers",
                    [payload],
                    idempotency_key=key,
                    summarize_errors_param=False,
                )
            )
        return results

    async def delete_bank_transfers(
        self, bank_transfer_ids: Sequence[str], *, idempotency_key: str
    ) -> list[ElementResult]:
        """Soft-delete transfers: POST BankTransfers ``{"BankTransferID", "Status": "DELETED"}``
        (xero-api-notes §13.1)."""
        for transfer_id in bank_transfer_ids:
            if not _is_uuid(transfer_id):
                raise ValueError(f"not a BankTransferID: {transfer_id!r}")
        payloads = [{"BankTransferID": t, "Status": "DELETED"} for t in bank_transfer_ids]
        return await self._write(
            "POST", "BankTransfers", "BankTransfers", payloads, idempotency_key=idempotency_key
        )

    async def allocate_credit_note(
        self,
        credit_note_id: str,
        *,
        invoice_id: str,
        amount: Decimal,
        idempotency_key: str,
        on: date | None = None,
    ) -> ElementResult:
        """Allocate an AUTHORISED credit note to an invoice (xero-api-notes §6.5; a separate call).

        The spec requires ``Date`` though Xero's docs call it read-only (the later of the two
        documents' dates); ``on`` defaults to today on the client's clock.
        """
        if not isinstance(amount, Decimal):
            raise ValueError("allocation amount must be a Decimal")
        when = on or datetime.fromtimestamp(self.clock.time(), UTC).date()
        payload = {"Amount": amount, "Invoice": {"InvoiceID": invoice_id}, "Date": when.isoformat()}
        path = f"CreditNotes/{quote(credit_note_id, safe='')}/Allocations"
        results = await self._write(
            "PUT", path, "Allocations", [payload], idempotency_key=idempotency_key
        )
        return results[0]

    async def add_history_note(
        self, endpoint: str, record_id: str, details: str, *, idempotency_key: str
    ) -> None:
        """Add a note to a record's history (xero-api-notes §6.8), e.g. "Synced from Shopify order
        #1001"."""
        if endpoint not in HISTORY_ENDPOINTS:
            raise ValueError(
                f"no history notes on {endpoint!r}; one of {sorted(HISTORY_ENDPOINTS)}"
            )
        if not details:
            raise ValueError("a history note needs details")
        _check_idempotency_key(idempotency_key)
        path = f"{endpoint}/{quote(record_id, safe='')}/History"
        body = encode_json({"HistoryRecords": [{"Details": details}]})
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/json"}
        await self._sender.send("PUT", path, headers=headers, content=body)


def _check_idempotency_key(key: str) -> None:
    if not key or not key.strip():
        raise ValueError("every Xero write needs an Idempotency-Key")
    if not key.isascii() or not key.isprintable():
        # It travels as an HTTP header: printable ASCII only.
        raise ValueError("Idempotency-Key must be printable ASCII")
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise ValueError(
            f"Idempotency-Key is {len(key)} characters; Xero takes at most {MAX_IDEMPOTENCY_KEY}"
        )


def _list_values(values: Sequence[str], what: str) -> list[str]:
    if isinstance(values, str):
        raise ValueError(f"pass a list of {what}s, not one string")
    out: list[str] = []
    for value in values:
        if not value or "," in value:
            raise ValueError(f"{what} {value!r} cannot be looked up (empty or contains a comma)")
        if value not in out:
            out.append(value)
    return out


def _where_values(values: Sequence[str], what: str) -> list[str]:
    """Distinct, non-empty values that can be written into a ``where`` string literal."""
    if isinstance(values, str):
        raise ValueError(f"pass a list of {what}s, not one string")
    out: list[str] = []
    for value in values:
        if not value or not where_writable(value):
            raise ValueError(f"{what} {value!r} cannot be looked up (empty, or a line break)")
        if value not in out:
            out.append(value)
    return out


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _json_object(response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    body = json_or_none(response)
    if not isinstance(body, dict):
        raise PermanentApiError(
            "Xero's answer is not a JSON object (was Accept: application/json ignored?)",
            service="xero",
            method=method,
            path=path,
            status=response.status_code,
        )
    return body
