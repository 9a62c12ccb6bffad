"""/Invoices and /CreditNotes (and a credit note's /Allocations).

Lists: ``IDs``, ``InvoiceNumbers``/``CreditNoteNumbers``, ``ContactIDs``, ``Statuses``,
``searchTerm`` (number and Reference), ``where``, ``order``, ``page``/``pageSize``,
``summaryOnly``, ``unitdp``, If-Modified-Since. An unpaged list has no LineItems; filtering by
``Statuses`` or asking ``summaryOnly`` pages anyway [xero-api-notes §5.1, §5.4].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.xero.accounting.batch import read_elements, unitdp, write_batch
from shopxero.sandbox.xero.accounting.documents import (
    CREDIT_NOTE,
    INVOICE,
    DocumentKind,
    refresh_balance,
    save_document,
)
from shopxero.sandbox.xero.accounting.fields import CREDIT_NOTE_FIELDS, INVOICE_FIELDS
from shopxero.sandbox.xero.accounting.listing import flag, guid_list, param, text_list
from shopxero.sandbox.xero.accounting.payments import create_allocation
from shopxero.sandbox.xero.accounting.plumbing import (
    OrgGetter,
    as_guid,
    endpoint,
    list_response,
    require,
)
from shopxero.sandbox.xero.accounting.present import (
    Form,
    present_allocation,
    present_credit_note,
    present_invoice,
)
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["document_routes"]


def _present(
    org: XeroOrg, kind: DocumentKind, record: Mapping[str, Any], form: Form, dp: int
) -> dict[str, Any]:
    if kind is INVOICE:
        return present_invoice(org, record, form, unitdp=dp)
    return present_credit_note(org, record, form, unitdp=dp)


def _lookup(org: XeroOrg, kind: DocumentKind, ref: str) -> dict[str, Any]:
    table = kind.table(org)
    guid = as_guid(ref)
    if guid:
        found = table.get(guid)
    else:
        folded = ref.casefold()
        found = next(
            (d for d in table.values() if str(d.get(kind.number_field, "")).casefold() == folded),
            None,
        )
    result: dict[str, Any] = require(found)
    return result


def _list(kind: DocumentKind) -> Any:
    number_list = f"{kind.number_field}s"
    fields = INVOICE_FIELDS if kind is INVOICE else CREDIT_NOTE_FIELDS

    async def handler(request: Request, org: XeroOrg) -> Response:
        query = request.query_params
        dp = unitdp(request)
        with org.lock:
            records: list[Mapping[str, Any]] = list(kind.table(org).values())
            ids = guid_list(query, "IDs")
            if ids is not None:
                records = [r for r in records if r[kind.id_field] in ids]
            numbers = text_list(query, number_list)
            if numbers is not None:
                wanted = {n.casefold() for n in numbers}
                records = [
                    r for r in records if str(r.get(kind.number_field, "")).casefold() in wanted
                ]
            contact_ids = guid_list(query, "ContactIDs")
            if contact_ids is not None:
                records = [r for r in records if r["_contact_id"] in contact_ids]
            statuses = text_list(query, "Statuses")
            if statuses is not None:
                records = [r for r in records if r["Status"] in statuses]
            term = (param(query, "searchTerm") or "").strip().casefold()
            if term:
                records = [
                    r
                    for r in records
                    if any(
                        term in str(r.get(k) or "").casefold()
                        for k in (kind.number_field, "Reference")
                    )
                ]
            summary = flag(query, "summaryOnly")

            def present(record: Mapping[str, Any], paged: bool) -> dict[str, Any]:
                form: Form = "summary" if summary else ("full" if paged else "list")
                return _present(org, kind, record, form, dp)

            return list_response(
                request,
                org,
                key=kind.collection,
                records=records,
                present=present,
                fields=fields,
                id_field=kind.id_field,
                type_name=kind.label.replace(" ", ""),
                pageable=True,
                force_paging=summary or statuses is not None,
            )

    return handler


def _get(kind: DocumentKind) -> Any:
    async def handler(request: Request, org: XeroOrg) -> Response:
        with org.lock:
            doc = _lookup(org, kind, request.path_params["ref"])
            shown = _present(org, kind, doc, "full", unitdp(request))
            return JsonResponse(envelope(org.now(), kind.collection, [shown]))

    return handler


def _write(kind: DocumentKind, *, single: bool) -> Any:
    async def handler(request: Request, org: XeroOrg) -> Response:
        elements = await read_elements(request, kind.collection)
        dp = unitdp(request)
        with org.lock:
            path_id = None
            if single:
                path_id = _lookup(org, kind, request.path_params["ref"])[kind.id_field]
                # The path names the record; echoes of a refused update carry its ID.
                elements = [{**elements[0], kind.id_field: path_id}]
            return write_batch(
                request,
                now=org.now(),
                key=kind.collection,
                elements=elements,
                save=lambda e: save_document(
                    org, kind, e, create_only=request.method == "PUT", unitdp=dp, path_id=path_id
                ),
                present=lambda r: _present(org, kind, r, "full", dp),
                error_flag="HasErrors",
            )

    return handler


async def create_allocations(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "Allocations")
    with org.lock:
        note = _lookup(org, CREDIT_NOTE, request.path_params["ref"])
        return write_batch(
            request,
            now=org.now(),
            key="Allocations",
            elements=elements,
            save=lambda e: create_allocation(org, note, e),
            present=lambda a: present_allocation(org, a),
            error_flag=None,
        )


async def delete_allocation(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        note = _lookup(org, CREDIT_NOTE, request.path_params["ref"])
        allocation_id = as_guid(request.path_params["allocation"]) or ""
        if allocation_id not in note.get("_allocation_ids", []):
            require(None)
        allocation = org.allocations.pop(allocation_id)
        invoice = org.invoices[allocation["_invoice_id"]]
        for doc in (invoice, note):
            doc["_allocation_ids"] = [a for a in doc["_allocation_ids"] if a != allocation_id]
            doc["UpdatedDateUTC"] = org.now()
        refresh_balance(org, INVOICE, invoice)
        refresh_balance(org, CREDIT_NOTE, note)
        # The spec answers with the bare Allocation (IsDeleted true), not an envelope.
        return JsonResponse(present_allocation_deleted(allocation, invoice))


def present_allocation_deleted(
    allocation: Mapping[str, Any], invoice: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "AllocationID": allocation["AllocationID"],
        "Amount": allocation["Amount"],
        "Date": allocation["Date"],
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "IsDeleted": True,
    }


def document_routes(get_org: OrgGetter) -> list[Route]:
    routes: list[Route] = []
    for kind in (INVOICE, CREDIT_NOTE):
        base = f"/{kind.collection}"
        routes += [
            Route(base, endpoint(get_org, _list(kind)), methods=["GET"]),
            Route(base, endpoint(get_org, _write(kind, single=False)), methods=["PUT", "POST"]),
            Route(base + "/{ref}", endpoint(get_org, _get(kind)), methods=["GET"]),
            Route(base + "/{ref}", endpoint(get_org, _write(kind, single=True)), methods=["POST"]),
        ]
    routes += [
        Route(
            "/CreditNotes/{ref}/Allocations", endpoint(get_org, create_allocations), methods=["PUT"]
        ),
        Route(
            "/CreditNotes/{ref}/Allocations/{allocation}",
            endpoint(get_org, delete_allocation),
            methods=["DELETE"],
        ),
    ]
    return routes
