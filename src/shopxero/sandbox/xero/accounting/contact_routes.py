"""/Contacts and /Contacts/{ContactID or ContactNumber}.

List: ``where``, ``order``, ``IDs``, ``searchTerm`` (case-insensitive over Name, FirstName,
LastName, ContactNumber, CompanyNumber, EmailAddress), ``includeArchived`` (ARCHIVED hidden by
default), ``summaryOnly``, ``page``/``pageSize`` [xero-api-notes §5.1, §5.2].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.xero.accounting.batch import read_elements, write_batch
from shopxero.sandbox.xero.accounting.contacts import find_contact, save_contact
from shopxero.sandbox.xero.accounting.fields import CONTACT_FIELDS
from shopxero.sandbox.xero.accounting.listing import flag, guid_list, param
from shopxero.sandbox.xero.accounting.plumbing import (
    OrgGetter,
    as_guid,
    endpoint,
    list_response,
    require,
)
from shopxero.sandbox.xero.accounting.present import Form, party_flags, present_contact
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["contact_routes"]

_SEARCHED = ("Name", "FirstName", "LastName", "ContactNumber", "CompanyNumber", "EmailAddress")


async def list_contacts(request: Request, org: XeroOrg) -> Response:
    query = request.query_params
    with org.lock:
        records: list[Mapping[str, Any]] = list(org.contacts.values())
        ids = guid_list(query, "IDs")
        if ids is not None:
            records = [r for r in records if r["ContactID"] in ids]
        if not flag(query, "includeArchived"):
            records = [r for r in records if r["ContactStatus"] != "ARCHIVED"]
        term = (param(query, "searchTerm") or "").strip().casefold()
        if term:
            records = [
                r for r in records if any(term in str(r.get(k) or "").casefold() for k in _SEARCHED)
            ]
        flags = party_flags(org)
        form: Form = "summary" if flag(query, "summaryOnly") else "full"
        return list_response(
            request,
            org,
            key="Contacts",
            records=records,
            present=lambda r, _paged: present_contact(org, r, form, flags=flags),
            fields=CONTACT_FIELDS,
            id_field="ContactID",
            type_name="Contact",
            pageable=True,
            force_paging=form == "summary",
        )


def _lookup(org: XeroOrg, ref: str) -> dict[str, Any]:
    guid = as_guid(ref)
    found = org.contacts.get(guid) if guid else find_contact(org, number=ref)
    result: dict[str, Any] = require(found)
    return result


async def get_contact(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        contact = _lookup(org, request.path_params["ref"])
        return JsonResponse(envelope(org.now(), "Contacts", [present_contact(org, contact)]))


async def write_contacts(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "Contacts")
    create_only = request.method == "PUT"
    with org.lock:
        flags = party_flags(org)
        return write_batch(
            request,
            now=org.now(),
            key="Contacts",
            elements=elements,
            save=lambda e: save_contact(org, e, create_only=create_only),
            present=lambda r: present_contact(org, r, flags=flags),
            error_flag="HasValidationErrors",
        )


async def update_contact(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "Contacts")
    with org.lock:
        contact = _lookup(org, request.path_params["ref"])
        return write_batch(
            request,
            now=org.now(),
            key="Contacts",
            elements=[{**elements[0], "ContactID": contact["ContactID"]}],
            save=lambda e: save_contact(org, e, create_only=False, path_id=contact["ContactID"]),
            present=lambda r: present_contact(org, r),
            error_flag="HasValidationErrors",
        )


def contact_routes(get_org: OrgGetter) -> list[Route]:
    return [
        Route("/Contacts", endpoint(get_org, list_contacts), methods=["GET"]),
        Route("/Contacts", endpoint(get_org, write_contacts), methods=["PUT", "POST"]),
        Route("/Contacts/{ref}", endpoint(get_org, get_contact), methods=["GET"]),
        Route("/Contacts/{ref}", endpoint(get_org, update_contact), methods=["POST"]),
    ]
