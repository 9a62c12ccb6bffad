"""What every Accounting endpoint shares: org lookup, error mapping, list answers, path ids."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from shopxero.sandbox.xero.accounting.listing import (
    filter_where,
    modified_since,
    order_records,
    paginate,
    paging,
    updated_after,
)
from shopxero.sandbox.xero.accounting.problems import BadRequest, NotFound, not_found_response
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope
from shopxero.sandbox.xero.accounting.state import XeroOrg
from shopxero.sandbox.xero.accounting.where import Field

__all__ = ["Handler", "OrgGetter", "as_guid", "endpoint", "list_response"]

OrgGetter = Callable[[Request], XeroOrg]
Handler = Callable[[Request, XeroOrg], Awaitable[Response]]


def endpoint(get_org: OrgGetter, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Bind a handler to the request's organisation and turn sandbox exceptions into answers."""

    async def run(request: Request) -> Response:
        org = get_org(request)
        try:
            return await handler(request, org)
        except BadRequest as exc:
            return exc.response()
        except NotFound:
            return not_found_response()

    return run


def as_guid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def list_response(
    request: Request,
    org: XeroOrg,
    *,
    key: str,
    records: list[Mapping[str, Any]],
    present: Callable[[Mapping[str, Any], bool], dict[str, Any]],
    fields: Mapping[str, Field],
    id_field: str,
    type_name: str,
    pageable: bool,
    force_paging: bool = False,
) -> Response:
    """Filter (If-Modified-Since, where), order, page and present a list.

    ``present(record, paged)`` builds the JSON shape; ``paged`` says whether the list is paged
    (Xero gives more detail on paged lists, e.g. invoice LineItems [xero-api-notes §5.1]).
    """
    page = paging(request.query_params, forced=force_paging) if pageable else None
    chosen = updated_after(records, modified_since(request.headers))
    shown: list[Any] = [present(record, page is not None) for record in chosen]
    shown = filter_where(shown, request.query_params, fields, type_name)
    shown = order_records(shown, request.query_params, fields, id_field, type_name)
    if page is None:
        return JsonResponse(envelope(org.now(), key, shown))
    block, pagination = paginate(shown, page)
    return JsonResponse(envelope(org.now(), key, block, pagination=pagination))


def require(found: Any) -> Any:
    if found is None:
        raise NotFound
    return found
