"""Shopify Payments in the simulator (shopify-api-notes §9): payouts, balance transactions and the
balance, served from the demo seed: order, filters, cursor pages, 404/400/403, the arithmetic as a
client sees it over HTTP, and a payout changed through ``/_sandbox/records``."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tests.sandbox.shopify.helpers import NOW, api, auth_headers, build_sandbox, client_for

from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.shopify.app import ShopifyCredentials, ShopifySandbox
from shopxero.shopify.pagination import next_link, parse_link_header

pytestmark = pytest.mark.anyio

PAYOUTS = "shopify_payments/payouts.json"
TRANSACTIONS = "shopify_payments/balance/transactions.json"
BALANCE = "shopify_payments/balance.json"


@cache
def _demo_json() -> str:
    return json.dumps(load_seed("demo", now=NOW)["shopify"])


def demo() -> dict[str, Any]:
    """The demo seed's Shopify side at the tests' fixed now (a fresh copy)."""
    seed: dict[str, Any] = json.loads(_demo_json())
    return seed


def sandbox(**options: Any) -> ShopifySandbox:
    return build_sandbox(demo(), **options)


async def _get(c: httpx.AsyncClient, path: str, **params: Any) -> httpx.Response:
    return await c.get(api(path), params=params, headers=auth_headers())


async def _all_pages(c: httpx.AsyncClient, path: str, key: str, **params: Any) -> list[Any]:
    r = await _get(c, path, **params)
    assert r.status_code == 200, r.text
    records = list(r.json()[key])
    while (link := next_link(r.headers.get("link"))) is not None:
        assert set(parse_qs(urlsplit(link).query)) <= {"limit", "fields", "page_info"}
        r = await c.get(link, headers=auth_headers())
        assert r.status_code == 200, r.text
        records += r.json()[key]
    return records


def D(value: Any) -> Decimal:
    return Decimal(str(value))


# -- payouts -------------------------------------------------------------------------------------


async def test_payouts_newest_first_in_pages_with_links() -> None:
    seed = demo()
    async with client_for(sandbox()) as c:
        got = await _all_pages(c, PAYOUTS, "payouts", limit=7)
        first = await _get(c, PAYOUTS, limit=7)
        second = await c.get(next_link(first.headers["link"]) or "", headers=auth_headers())
        back = parse_link_header(second.headers["link"])["previous"]
        again = await c.get(back, headers=auth_headers())
    assert sorted(p["id"] for p in got) == sorted(p["id"] for p in seed["payouts"])
    assert len({p["id"] for p in got}) == len(got)
    keys = [(p["date"], p["id"]) for p in got]
    assert keys == sorted(keys, reverse=True)
    assert got[0]["status"] == "in_transit"
    assert again.json() == first.json()


async def test_one_payout_by_id_and_an_unknown_one() -> None:
    payout = demo()["payouts"][3]
    async with client_for(sandbox()) as c:
        r = await _get(c, f"shopify_payments/payouts/{payout['id']}.json")
        missing = await _get(c, "shopify_payments/payouts/1.json")
    assert r.json() == {"payout": payout}
    assert r.headers["x-shopify-api-version"] == "2026-07"
    assert (missing.status_code, missing.json()) == (404, {"errors": "Not Found"})


async def test_payout_filters() -> None:
    payouts = sorted(demo()["payouts"], key=lambda p: p["id"])
    middle = payouts[len(payouts) // 2]
    async with client_for(sandbox()) as c:

        async def ids(**params: Any) -> set[int]:
            return {p["id"] for p in await _all_pages(c, PAYOUTS, "payouts", **params)}

        assert await ids(status="in_transit") == {
            p["id"] for p in payouts if p["status"] == "in_transit"
        }
        assert await ids(status="failed") == set()
        assert await ids(date=middle["date"]) == {
            p["id"] for p in payouts if p["date"] == middle["date"]
        }
        assert await ids(date_min=middle["date"]) == {
            p["id"] for p in payouts if p["date"] >= middle["date"]
        }
        assert await ids(date_max=middle["date"]) == {
            p["id"] for p in payouts if p["date"] <= middle["date"]
        }
        assert await ids(since_id=middle["id"]) == {
            p["id"] for p in payouts if p["id"] > middle["id"]
        }
        assert await ids(last_id=middle["id"]) == {
            p["id"] for p in payouts if p["id"] < middle["id"]
        }
        # The cursor keeps the first request's filters (shopify-api-notes §4).
        assert await ids(date_max=middle["date"], limit=2) == {
            p["id"] for p in payouts if p["date"] <= middle["date"]
        }


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        (PAYOUTS, {"status": "sent"}, "status"),
        (PAYOUTS, {"date_min": "last week"}, "date_min"),
        (PAYOUTS, {"since_id": "abc"}, "since_id"),
        (PAYOUTS, {"limit": "251"}, "limit"),
        (TRANSACTIONS, {"payout_status": "done"}, "payout_status"),
        (TRANSACTIONS, {"payout_id": "x"}, "payout_id"),
        (TRANSACTIONS, {"test": "maybe"}, "test"),
        (TRANSACTIONS, {"page_info": "nonsense"}, "page_info"),
    ],
)
async def test_bad_filters_are_400_naming_the_parameter(
    path: str, params: dict[str, str], param: str
) -> None:
    async with client_for(sandbox()) as c:
        r = await _get(c, path, **params)
    assert r.status_code == 400
    assert list(r.json()["errors"]) == [param]


async def test_a_filter_beside_page_info_is_refused() -> None:
    async with client_for(sandbox()) as c:
        first = await _get(c, PAYOUTS, limit=3)
        link = next_link(first.headers["link"]) or ""
        r = await c.get(link + "&status=paid", headers=auth_headers())
    assert r.status_code == 400
    assert r.json() == {
        "errors": {"page_info": ["status cannot be passed when page_info is present"]}
    }


# -- balance transactions ------------------------------------------------------------------------


async def test_each_payouts_transactions_add_up_to_it_over_http() -> None:
    """amount == sum(net) of ``transactions.json?payout_id=``, for every payout."""
    async with client_for(sandbox(bucket_size=400)) as c:  # one call per payout
        payouts = await _all_pages(c, PAYOUTS, "payouts")
        for payout in payouts:
            rows = await _all_pages(c, TRANSACTIONS, "transactions", payout_id=payout["id"])
            assert rows and {bt["payout_id"] for bt in rows} == {payout["id"]}
            assert {bt["payout_status"] for bt in rows} == {payout["status"]}
            assert sum((D(bt["net"]) for bt in rows), Decimal(0)) == D(payout["amount"])


async def test_transactions_newest_first_and_filtered() -> None:
    ledger = demo()["balance_transactions"]
    async with client_for(sandbox()) as c:
        got = await _all_pages(c, TRANSACTIONS, "transactions", limit=10)
        pending = await _all_pages(c, TRANSACTIONS, "transactions", payout_status="pending")
        live = await _all_pages(c, TRANSACTIONS, "transactions", test="false")
        test_only = await _all_pages(c, TRANSACTIONS, "transactions", test="true")
        after = await _all_pages(c, TRANSACTIONS, "transactions", since_id=ledger[9]["id"])
        fields = await _get(c, TRANSACTIONS, fields="id,net", limit=2)
    assert sorted(bt["id"] for bt in got) == [bt["id"] for bt in ledger]
    keys = [(datetime.fromisoformat(bt["processed_at"]), bt["id"]) for bt in got]
    assert keys == sorted(keys, reverse=True)
    assert pending and {bt["payout_id"] for bt in pending} == {None}
    assert {bt["id"] for bt in pending} == {
        bt["id"] for bt in ledger if bt["payout_status"] == "pending"
    }
    assert len(live) == len(ledger) and test_only == []
    assert {bt["id"] for bt in after} == {bt["id"] for bt in ledger[10:]}
    assert [set(bt) for bt in fields.json()["transactions"]] == [{"id", "net"}] * 2


async def test_balance_is_the_sum_of_what_is_not_paid_out() -> None:
    ledger = demo()["balance_transactions"]
    pending = sum((D(bt["net"]) for bt in ledger if bt["payout_id"] is None), Decimal(0))
    async with client_for(sandbox()) as c:
        r = await _get(c, BALANCE)
    assert r.json() == {
        "balance": [
            {"amount": str(pending), "currency": "GBP"},
            {"amount": "0.00", "currency": "EUR"},
        ]
    }


async def test_a_payout_changed_through_the_control_endpoint_moves_its_transactions() -> None:
    """Payment records are upserted as given (no updated_at of their own); a transaction's
    ``payout_status`` is its payout's current status."""
    app = sandbox()
    moving = next(p for p in demo()["payouts"] if p["status"] == "in_transit")
    async with client_for(app) as c:
        r = await c.post(
            "/_sandbox/records", json={"payouts": [{"id": moving["id"], "status": "paid"}]}
        )
        assert r.status_code == 200, r.text
        assert r.json()["updated"]["payouts"] == 1
        rows = await _all_pages(c, TRANSACTIONS, "transactions", payout_id=moving["id"])
        payout = (await _get(c, f"shopify_payments/payouts/{moving['id']}.json")).json()
    assert {bt["payout_status"] for bt in rows} == {"paid"}
    assert payout["payout"] == {**moving, "status": "paid"}
    assert set(app.state()) >= {"payouts", "balance_transactions"}


# -- access --------------------------------------------------------------------------------------

NO_PAYOUTS = ShopifyCredentials(
    access_token="shpat_nopayouts" + "2" * 23,
    client_id="cid",
    client_secret="csecret",
    scopes=("read_customers", "read_products", "read_orders", "read_all_orders"),
)
OLD_NAME = ShopifyCredentials(
    access_token="shpat_paymentsok" + "3" * 22,
    client_id="cid",
    client_secret="csecret",
    scopes=("read_orders", "read_shopify_payments"),
)


@pytest.mark.parametrize(
    "path", [PAYOUTS, "shopify_payments/payouts/7700000001.json", TRANSACTIONS, BALANCE]
)
async def test_without_the_payouts_scope_it_is_403_with_shopifys_text(path: str) -> None:
    async with client_for(sandbox(credentials=NO_PAYOUTS)) as c:
        r = await c.get(api(path), headers=auth_headers(NO_PAYOUTS.access_token))
        orders = await c.get(api("orders.json"), headers=auth_headers(NO_PAYOUTS.access_token))
    assert r.status_code == 403
    assert r.json() == {
        "errors": "[API] This action requires merchant approval for "
        "read_shopify_payments_payouts scope."
    }
    assert orders.status_code == 200


async def test_read_shopify_payments_is_accepted_too() -> None:
    """Either scope will do (shopify-api-notes §9: "Requires ANY of ...")."""
    async with client_for(sandbox(credentials=OLD_NAME)) as c:
        r = await c.get(api(BALANCE), headers=auth_headers(OLD_NAME.access_token))
    assert r.status_code == 200
