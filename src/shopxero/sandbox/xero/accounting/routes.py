"""The Accounting API router that ``ApiGateway`` (sandbox/xero/gateway.py) mounts at
``/api.xro/2.0``.

Owns the reference-data endpoints (Organisation, Accounts, TaxRates) and the History endpoints,
and assembles the resource routers. Bearer token, tenant header, rate limits, idempotency and
XML are the gateway's middleware, which runs before any of this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from shopxero.sandbox.xero.accounting.bank_routes import bank_routes
from shopxero.sandbox.xero.accounting.batch import read_elements, write_batch
from shopxero.sandbox.xero.accounting.contact_routes import contact_routes
from shopxero.sandbox.xero.accounting.document_routes import document_routes
from shopxero.sandbox.xero.accounting.fields import ACCOUNT_FIELDS, TAX_RATE_FIELDS
from shopxero.sandbox.xero.accounting.item_routes import item_routes
from shopxero.sandbox.xero.accounting.listing import filter_where, order_records
from shopxero.sandbox.xero.accounting.payment_routes import payment_routes
from shopxero.sandbox.xero.accounting.plumbing import (
    OrgGetter,
    as_guid,
    endpoint,
    require,
)
from shopxero.sandbox.xero.accounting.present import present_history
from shopxero.sandbox.xero.accounting.problems import ElementInvalid, not_found_response
from shopxero.sandbox.xero.accounting.report_routes import report_routes
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope, present_document
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.validation import check_length, optional_text

__all__ = ["accounting_router"]

# Endpoints whose records keep a history, and the table each one's id lives in.
_HISTORY_TABLES = (
    "Contacts",
    "Items",
    "Invoices",
    "CreditNotes",
    "Payments",
    "BankTransactions",
    "BankTransfers",
)


async def get_organisation(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        shown = present_document(org.organisation)
        return JsonResponse(envelope(org.now(), "Organisations", [shown]))


async def list_accounts(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        records: list[Mapping[str, Any]] = list(org.accounts)
        # Xero lists accounts in chart order (by code), not by UpdatedDateUTC.
        shown = filter_where(
            [present_document(a) for a in records], request.query_params, ACCOUNT_FIELDS, "Account"
        )
        if request.query_params.get("order"):
            shown = order_records(
                shown, request.query_params, ACCOUNT_FIELDS, "AccountID", "Account"
            )
        return JsonResponse(envelope(org.now(), "Accounts", shown))


async def get_account(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        account = require(org.account_by_id(request.path_params["ref"]))
        return JsonResponse(envelope(org.now(), "Accounts", [present_document(account)]))


async def list_currencies(request: Request, org: XeroOrg) -> Response:
    """GET /Currencies: the base currency and those the organisation added (spec Currency:
    ``Code``, ``Description``)."""
    with org.lock:
        extra = {str(c.get("Code")): str(c.get("Description") or "") for c in org.seed_currencies()}
        codes = sorted(org.currencies, key=lambda code: (code != org.base_currency, code))
        shown = [{"Code": code, "Description": extra.get(code, "")} for code in codes]
        return JsonResponse(envelope(org.now(), "Currencies", shown))


async def list_tax_rates(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        shown = filter_where(
            [present_document(r) for r in org.tax_rates],
            request.query_params,
            TAX_RATE_FIELDS,
            "TaxRate",
        )
        return JsonResponse(envelope(org.now(), "TaxRates", shown))


async def get_tax_rate(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        rate = require(org.tax_rate(request.path_params["ref"]))
        return JsonResponse(envelope(org.now(), "TaxRates", [present_document(rate)]))


def _history_owner(org: XeroOrg, collection: str, ref: str) -> str:
    """The record's id, or 404: history is addressed by the record's GUID only
    [xero-api-notes §6.8]."""
    tables: dict[str, Mapping[str, Any]] = {
        "Contacts": org.contacts,
        "Items": org.items,
        "Invoices": org.invoices,
        "CreditNotes": org.credit_notes,
        "Payments": org.payments,
        "BankTransactions": org.bank_transactions,
        "BankTransfers": org.bank_transfers,
    }
    guid = as_guid(ref)
    if guid is None or guid not in tables[collection]:
        require(None)
    assert guid is not None
    return guid


def _history(collection: str) -> tuple[Any, Any]:
    async def read(request: Request, org: XeroOrg) -> Response:
        with org.lock:
            record_id = _history_owner(org, collection, request.path_params["ref"])
            entries = [present_history(h) for h in org.history.get(record_id, [])]
            # Xero lists history newest first (spec HistoryRetrieved example).
            return JsonResponse(envelope(org.now(), "HistoryRecords", entries[::-1]))

    async def write(request: Request, org: XeroOrg) -> Response:
        elements = await read_elements(request, "HistoryRecords")
        with org.lock:
            record_id = _history_owner(org, collection, request.path_params["ref"])

            def save(element: dict[str, Any]) -> dict[str, Any]:
                errors: list[str] = []
                details = optional_text(element, "Details", errors)
                if not details:
                    errors.append("The Details field is required.")
                check_length(details, "Details", 2500, errors)
                if errors:
                    raise ElementInvalid(*errors)
                assert details is not None
                org.record_history(record_id, "Note", details)
                return org.history[record_id][-1]

            return write_batch(
                request,
                now=org.now(),
                key="HistoryRecords",
                elements=elements,
                save=save,
                present=lambda h: {**present_history(h), "ValidationErrors": []},
                error_flag=None,
            )

    return read, write


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    await not_found_response()(scope, receive, send)


def accounting_router(get_org: OrgGetter) -> Router:
    """All Accounting API routes; ``get_org`` picks the organisation of a request (the tenant the
    gateway checked)."""
    routes: list[Route] = [
        Route("/Organisation", endpoint(get_org, get_organisation), methods=["GET"]),
        Route("/Accounts", endpoint(get_org, list_accounts), methods=["GET"]),
        Route("/Accounts/{ref}", endpoint(get_org, get_account), methods=["GET"]),
        Route("/TaxRates", endpoint(get_org, list_tax_rates), methods=["GET"]),
        Route("/Currencies", endpoint(get_org, list_currencies), methods=["GET"]),
        Route("/TaxRates/{ref}", endpoint(get_org, get_tax_rate), methods=["GET"]),
    ]
    for collection in _HISTORY_TABLES:
        read, write = _history(collection)
        path = f"/{collection}/{{ref}}/History"
        routes.append(Route(path, endpoint(get_org, read), methods=["GET"]))
        routes.append(Route(path, endpoint(get_org, write), methods=["PUT"]))
    routes += contact_routes(get_org)
    routes += item_routes(get_org)
    routes += document_routes(get_org)
    routes += payment_routes(get_org)
    routes += bank_routes(get_org)
    routes += report_routes(get_org)
    # Unknown paths get Xero's 404 page too, not Starlette's "Not Found".
    return Router(routes=routes, default=_not_found)
