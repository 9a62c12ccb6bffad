"""/Payments: list (paged, ``where``, If-Modified-Since), get, create (PUT, or POST of one), and
``POST /Payments/{id}`` with ``{"Status": "DELETED"}`` [xero-api-notes §6.4]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.xero.accounting.batch import read_elements, write_batch
from shopxero.sandbox.xero.accounting.fields import PAYMENT_FIELDS
from shopxero.sandbox.xero.accounting.payments import create_payment, delete_payment
from shopxero.sandbox.xero.accounting.plumbing import (
    OrgGetter,
    as_guid,
    endpoint,
    list_response,
    require,
)
from shopxero.sandbox.xero.accounting.present import present_payment
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["payment_routes"]


async def list_payments(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        records: list[Mapping[str, Any]] = list(org.payments.values())
        return list_response(
            request,
            org,
            key="Payments",
            records=records,
            present=lambda r, _paged: present_payment(org, r),
            fields=PAYMENT_FIELDS,
            id_field="PaymentID",
            type_name="Payment",
            pageable=True,
        )


def _lookup(org: XeroOrg, ref: str) -> dict[str, Any]:
    guid = as_guid(ref)
    result: dict[str, Any] = require(org.payments.get(guid) if guid else None)
    return result


async def get_payment(request: Request, org: XeroOrg) -> Response:
    with org.lock:
        payment = _lookup(org, request.path_params["ref"])
        return JsonResponse(envelope(org.now(), "Payments", [present_payment(org, payment)]))


async def write_payments(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "Payments")
    with org.lock:
        return write_batch(
            request,
            now=org.now(),
            key="Payments",
            elements=elements,
            save=lambda e: create_payment(org, e),
            present=lambda p: present_payment(org, p),
            error_flag="HasValidationErrors",
        )


async def post_payment(request: Request, org: XeroOrg) -> Response:
    elements = await read_elements(request, "Payments")
    with org.lock:
        payment = _lookup(org, request.path_params["ref"])

        def save(element: dict[str, Any]) -> dict[str, Any]:
            delete_payment(org, payment, element)
            return payment

        return write_batch(
            request,
            now=org.now(),
            key="Payments",
            elements=[{**elements[0], "PaymentID": payment["PaymentID"]}],
            save=save,
            present=lambda p: present_payment(org, p),
            error_flag="HasValidationErrors",
        )


def payment_routes(get_org: OrgGetter) -> list[Route]:
    return [
        Route("/Payments", endpoint(get_org, list_payments), methods=["GET"]),
        Route("/Payments", endpoint(get_org, write_payments), methods=["PUT", "POST"]),
        Route("/Payments/{ref}", endpoint(get_org, get_payment), methods=["GET"]),
        Route("/Payments/{ref}", endpoint(get_org, post_payment), methods=["POST"]),
    ]
