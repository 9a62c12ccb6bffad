"""/BankTransactions and /BankTransfers [xero-api-notes §13.1, §13.2].

- ``GET /BankTransactions``: ``where``, ``order``, ``page``/``pageSize``, ``unitdp``,
  If-Modified-Since; lines on every element, paged or not. ``GET /BankTransactions/{id}``.
  ``PUT`` creates (batched, ``summarizeErrors``), ``POST`` updates or creates,
  ``POST /BankTransactions/{id}`` updates one (Status DELETED deletes it).
- ``GET /BankTransfers``: ``where``, ``order``, ``includeDeleted``, If-Modified-Since (on when it
  was created or deleted); not paged. ``GET /BankTransfers/{id}``. ``PUT`` creates: the spec
  declares no ``summarizeErrors`` there, so errors are always summarised (a 400 listing the
  failed elements; the others are saved). ``POST /BankTransfers`` (bulk) and
  ``POST /BankTransfers/{id}`` soft-delete with ``{"Status": "DELETED"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.xero.accounting.banking import (
    create_bank_transfer,
    delete_bank_transfer,
    save_bank_transaction,
)
from shopxero.sandbox.xero.accounting.batch import read_elements, unitdp, write_batch
from shopxero.sandbox.xero.accounting.fields import BANK_TRANSACTION_FIELDS, BANK_TRANSFER_FIELDS
from shopxero.sandbox.xero.accounting.listing import (
    filter_where,
    flag,
    modified_since,
    order_records,
)
from shopxero.sandbox.xero.accounting.plumbing import (
    OrgGetter,
    as_guid,
    endpoint,
    list_response,
    require,
)
from shopxero.sandbox.xero.accounting.present import (
    present_bank_transaction,
    present_bank_transfer,
)
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["bank_routes"]


def _transaction(org: XeroOrg, ref: str) -> dict[str, Any]:
    guid = as_guid(ref)
    found: dict[str, Any] = require(org.bank_transactions.get(guid) if guid else None)
    return found


def _transfer(org: XeroOrg, ref: str) -> dict[str, Any]:
    guid = as_guid(ref)
    found: dict[str, Any] = require(org.bank_transfers.get(guid) if guid else None)
    return found


# -- bank transactions -------------------------------------------------------------------------


async def list_bank_transactions(request: Request, org: XeroOrg) -> Response:
    dp = unitdp(request)
    with org.lock:
        records: list[Mapping[str, Any]] = list(org.bank_transactions.values())

        def present(record: Mapping[str, Any], _paged: bool) -> dict[str, Any]:
            return present_bank_transaction(org, record, unitdp=dp)

        return list_response(
            request,
            org,
            key="BankTransactions",
            records=records,
            present=present,
            fields=BANK_TRANSACTION_FIELDS,
            id_field="BankTransactionID",
            type_name="BankTransaction",
            pageable=True,
        )


async def get_bank_transaction(request: Request, org: XeroOrg) -> Response:
    dp = unitdp(request)
    with org.lock:
        record = _transaction(org, request.path_params["ref"])
        shown = present_bank_transaction(org, record, unitdp=dp)
        return JsonResponse(envelope(org.now(), "BankTransactions", [shown]))


def _write_transactions(*, single: bool) -> Any:
    async def handler(request: Request, org: XeroOrg) -> Response:
        elements = await read_elements(request, "BankTransactions")
        dp = unitdp(request)
        with org.lock:
            path_id = None
            if single:
                path_id = _transaction(org, request.path_params["ref"])["BankTransactionID"]
                elements = [{**elements[0], "BankTransactionID": path_id}]
            return write_batch(
                request,
                now=org.now(),
                key="BankTransactions",
                elements=elements,
                save=lambda e: save_bank_transaction(
                    org, e, create_only=request.method == "PUT", unitdp=dp, path_id=path_id
                ),
                present=lambda r: present_bank_transaction(org, r, unitdp=dp),
                error_flag=None,
            )

    return handler


# -- bank transfers ----------------------------------------------------------------------------


async def list_bank_transfers(request: Request, org: XeroOrg) -> Response:
    query = request.query_params
    with org.lock:
        records = list(org.bank_transfers.values())
        if not flag(query, "includeDeleted"):
            records = [r for r in records if r["Status"] != "DELETED"]
        since = modified_since(request.headers)
        if since is not None:
            records = [r for r in records if r["_updated"] > since]
        shown = [present_bank_transfer(org, r) for r in records]
        shown = filter_where(shown, query, BANK_TRANSFER_FIELDS, "BankTransfer")
        shown = order_records(
            shown,
            query,
            BANK_TRANSFER_FIELDS,
            "BankTransferID",
            "BankTransfer",
            time_field="CreatedDateUTC",
        )
        return JsonResponse(envelope(org.now(), "BankTransfers", shown))


async def get_bank_transfer(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        record = _transfer(org, request.path_params["ref"])
        return JsonResponse(
            envelope(org.now(), "BankTransfers", [present_bank_transfer(org, record)])
        )


async def create_bank_transfers(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "BankTransfers")
    with org.lock:
        return write_batch(
            request,
            now=org.now(),
            key="BankTransfers",
            elements=elements,
            save=lambda e: create_bank_transfer(org, e),
            present=lambda t: present_bank_transfer(org, t),
            error_flag=None,
            summarize=True,  # no summarizeErrors on PUT /BankTransfers [xero-api-notes §13.1]
        )


async def delete_bank_transfers(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "BankTransfers")
    with org.lock:
        return write_batch(
            request,
            now=org.now(),
            key="BankTransfers",
            elements=elements,
            save=lambda e: delete_bank_transfer(org, None, e),
            present=lambda t: present_bank_transfer(org, t),
            error_flag=None,
        )


async def delete_one_bank_transfer(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "BankTransfers")
    with org.lock:
        transfer = _transfer(org, request.path_params["ref"])
        return write_batch(
            request,
            now=org.now(),
            key="BankTransfers",
            elements=[{**elements[0], "BankTransferID": transfer["BankTransferID"]}],
            save=lambda e: delete_bank_transfer(org, transfer, e),
            present=lambda t: present_bank_transfer(org, t),
            error_flag=None,
        )


def bank_routes(get_org: OrgGetter) -> list[Route]:
    return [
        Route("/BankTransactions", endpoint(get_org, list_bank_transactions), methods=["GET"]),
        Route(
            "/BankTransactions",
            endpoint(get_org, _write_transactions(single=False)),
            methods=["PUT", "POST"],
        ),
        Route("/BankTransactions/{ref}", endpoint(get_org, get_bank_transaction), methods=["GET"]),
        Route(
            "/BankTransactions/{ref}",
            endpoint(get_org, _write_transactions(single=True)),
            methods=["POST"],
        ),
        Route("/BankTransfers", endpoint(get_org, list_bank_transfers), methods=["GET"]),
        Route("/BankTransfers", endpoint(get_org, create_bank_transfers), methods=["PUT"]),
        Route("/BankTransfers", endpoint(get_org, delete_bank_transfers), methods=["POST"]),
        Route("/BankTransfers/{ref}", endpoint(get_org, get_bank_transfer), methods=["GET"]),
        Route(
            "/BankTransfers/{ref}", endpoint(get_org, delete_one_bank_transfer), methods=["POST"]
        ),
    ]
