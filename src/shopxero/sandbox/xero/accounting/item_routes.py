"""/Items and /Items/{ItemID or Code}: an unpaged list (``where``, ``order``, ``unitdp``,
If-Modified-Since only [xero-api-notes §5.3]), create/update, and delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.xero.accounting.batch import read_elements, unitdp, write_batch
from shopxero.sandbox.xero.accounting.fields import ITEM_FIELDS
from shopxero.sandbox.xero.accounting.items import save_item
from shopxero.sandbox.xero.accounting.plumbing import (
    OrgGetter,
    as_guid,
    endpoint,
    list_response,
    require,
)
from shopxero.sandbox.xero.accounting.present import present_item
from shopxero.sandbox.xero.accounting.problems import BadRequest
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["item_routes"]


# xero-api-notes §4: up to 500 items may be created or updated in one request.
MAX_ITEMS_PER_REQUEST = 500


async def list_items(request: Request, org: XeroOrg) -> Response:
    dp = unitdp(request)
    with org.lock:
        records: list[Mapping[str, Any]] = list(org.items.values())
        return list_response(
            request,
            org,
            key="Items",
            records=records,
            present=lambda r, _paged: present_item(r, unitdp=dp),
            fields=ITEM_FIELDS,
            id_field="ItemID",
            type_name="Item",
            pageable=False,
        )


def _lookup(org: XeroOrg, ref: str) -> dict[str, Any]:
    guid = as_guid(ref)
    found = org.items.get(guid) if guid else org.item_by_code(ref)
    result: dict[str, Any] = require(found)
    return result


async def get_item(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        item = _lookup(org, request.path_params["ref"])
        shown = present_item(item, unitdp=unitdp(request))
        return JsonResponse(envelope(org.now(), "Items", [shown]))


async def write_items(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "Items")
    if len(elements) > MAX_ITEMS_PER_REQUEST:
        raise BadRequest.too_many("Items", MAX_ITEMS_PER_REQUEST)
    create_only = request.method == "PUT"
    dp = unitdp(request)
    with org.lock:
        return write_batch(
            request,
            now=org.now(),
            key="Items",
            elements=elements,
            save=lambda e: save_item(org, e, create_only=create_only, unitdp=dp),
            present=lambda r: present_item(r, unitdp=dp),
            error_flag=None,
        )


async def update_item(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "Items")
    dp = unitdp(request)
    with org.lock:
        item = _lookup(org, request.path_params["ref"])
        return write_batch(
            request,
            now=org.now(),
            key="Items",
            elements=[{**elements[0], "ItemID": item["ItemID"]}],
            save=lambda e: save_item(org, e, create_only=False, unitdp=dp, path_id=item["ItemID"]),
            present=lambda r: present_item(r, unitdp=dp),
            error_flag=None,
        )


async def delete_item(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        item = _lookup(org, request.path_params["ref"])
        del org.items[item["ItemID"]]
        return Response(status_code=204)


def item_routes(get_org: OrgGetter) -> list[Route]:
    return [
        Route("/Items", endpoint(get_org, list_items), methods=["GET"]),
        Route("/Items", endpoint(get_org, write_items), methods=["PUT", "POST"]),
        Route("/Items/{ref}", endpoint(get_org, get_item), methods=["GET"]),
        Route("/Items/{ref}", endpoint(get_org, update_item), methods=["POST"]),
        Route("/Items/{ref}", endpoint(get_org, delete_item), methods=["DELETE"]),
    ]
