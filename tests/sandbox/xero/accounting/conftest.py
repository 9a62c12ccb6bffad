"""Fixtures for the Accounting API simulator: a UK organisation and an in-process client."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds.xero_defaults import (
    default_accounts,
    default_organisation,
    default_tax_rates,
)
from shopxero.sandbox.xero.accounting import XeroOrg, accounting_router

BASE = "http://xero.test/api.xro/2.0"


def _load_spec_module() -> ModuleType:
    # Tests run with --import-mode=importlib, so the shared helper is loaded by path.
    path = Path(__file__).resolve().parents[1] / "spec.py"
    spec = importlib.util.spec_from_file_location("xero_accounting_spec", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SPEC = _load_spec_module()


def uk_seed(**extra: Any) -> dict[str, Any]:
    return {
        "organisation": default_organisation("UK"),
        "accounts": default_accounts("UK"),
        "tax_rates": default_tax_rates("UK"),
        **extra,
    }


# Bank accounts for the payouts tests, besides the UK chart's 090 Business Bank Account.
CLEARING_ID = "5b3c6f0e-2a41-4a5e-9d55-0c1f3b9a7e01"
EURO_ID = "5b3c6f0e-2a41-4a5e-9d55-0c1f3b9a7e02"
CLOSED_ID = "5b3c6f0e-2a41-4a5e-9d55-0c1f3b9a7e03"


def _bank(account_id: str, code: str, name: str, currency: str, **extra: Any) -> dict[str, Any]:
    return {
        "AccountID": account_id,
        "Code": code,
        "Name": name,
        "Type": "BANK",
        "TaxType": "NONE",
        "Class": "ASSET",
        "BankAccountType": "BANK",
        "CurrencyCode": currency,
        "Status": "ACTIVE",
        **extra,
    }


def bank_seed() -> dict[str, Any]:
    """The UK organisation plus a GBP clearing account (095), a EUR account (096, with EUR
    enabled) and an archived bank account (097)."""
    seed = uk_seed(currencies=[{"Code": "EUR", "Description": "Euro"}])
    seed["accounts"] = [
        *seed["accounts"],
        _bank(CLEARING_ID, "095", "Shopify Payments clearing", "GBP"),
        _bank(EURO_ID, "096", "Euro Account", "EUR"),
        _bank(CLOSED_ID, "097", "Old Bank Account", "GBP", Status="ARCHIVED"),
    ]
    return seed


@pytest.fixture
def spec() -> ModuleType:
    """The conformance helper (``tests/sandbox/xero/spec.py``)."""
    return SPEC


@pytest.fixture
def spec_hooks() -> dict[str, Any]:
    """``event_hooks`` for an httpx client whose answers must match the spec."""
    return {"response": [SPEC.check_response]}


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(start=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))


@pytest.fixture
def org(clock: SandboxClock) -> XeroOrg:
    return XeroOrg(uk_seed(), clock=clock)


@pytest.fixture
async def client(org: XeroOrg) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=[Mount("/api.xro/2.0", app=accounting_router(lambda _r: org))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE, event_hooks={"response": [SPEC.check_response]}
    ) as http:
        yield http


class Api:
    """Small helpers over the client for building documents in tests."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def contact(self, name: str = "Ada Lovelace", **fields: Any) -> str:
        response = await self.client.put("/Contacts", json={"Contacts": [{"Name": name, **fields}]})
        assert response.status_code == 200, response.text
        return str(response.json()["Contacts"][0]["ContactID"])

    async def put(
        self, path: str, key: str, *elements: dict[str, Any], **params: str
    ) -> httpx.Response:
        return await self.client.put(path, json={key: list(elements)}, params=params)

    async def post(
        self, path: str, key: str, *elements: dict[str, Any], **params: str
    ) -> httpx.Response:
        return await self.client.post(path, json={key: list(elements)}, params=params)

    async def invoice(
        self, contact_id: str, lines: list[dict[str, Any]], **fields: Any
    ) -> dict[str, Any]:
        element = {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact_id},
            "LineItems": lines,
            **fields,
        }
        response = await self.put("/Invoices", "Invoices", element)
        assert response.status_code == 200, response.text
        invoice: dict[str, Any] = response.json()["Invoices"][0]
        return invoice

    async def pay(self, invoice_id: str, amount: str, account: str = "090") -> httpx.Response:
        return await self.put(
            "/Payments",
            "Payments",
            {
                "Invoice": {"InvoiceID": invoice_id},
                "Account": {"Code": account},
                "Amount": amount,
                "Date": "2026-11-26",
            },
        )

    async def spend(
        self, *lines: dict[str, Any], bank: str = "095", kind: str = "SPEND", **fields: Any
    ) -> httpx.Response:
        """PUT one spend (or receive) money transaction with ``summarizeErrors=false``."""
        element = {
            "Type": kind,
            "Contact": {"Name": "Shopify"},
            "BankAccount": {"Code": bank},
            "LineItems": list(lines),
            **fields,
        }
        return await self.put(
            "/BankTransactions", "BankTransactions", element, summarizeErrors="false"
        )

    async def transfer(
        self, amount: str, source: str = "095", target: str = "090", **fields: Any
    ) -> httpx.Response:
        element = {
            "FromBankAccount": {"Code": source},
            "ToBankAccount": {"Code": target},
            "Amount": amount,
            **fields,
        }
        return await self.put("/BankTransfers", "BankTransfers", element)

    @staticmethod
    def element_errors(response: httpx.Response, key: str) -> list[str]:
        """The messages of the one element of a ``summarizeErrors=false`` answer."""
        assert response.status_code == 200, response.text
        (element,) = response.json()[key]
        assert element["StatusAttributeString"] == "ERROR", element
        return [e["Message"] for e in element["ValidationErrors"]]

    @staticmethod
    def errors(response: httpx.Response) -> list[str]:
        """Every validation message of a 400 ValidationException."""
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["Type"] == "ValidationException", body
        return [e["Message"] for element in body["Elements"] for e in element["ValidationErrors"]]

    async def get_invoice(self, invoice_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/Invoices/{invoice_id}")
        assert response.status_code == 200, response.text
        invoice: dict[str, Any] = response.json()["Invoices"][0]
        return invoice


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)
