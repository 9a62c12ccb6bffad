"""CurrencyRate through both simulators over real HTTP (docs/fidelity.md "Currency rate
direction"): demo order 1039 was paid EUR 47.00 = GBP 40.46 in a GBP shop. Invoiced in the
customer's currency (SHOPXERO_INVOICE_CURRENCY=presentment), it carries Shopify's rate only when
the Xero organisation's base currency is the shop's (GBP); under another base currency the rate
Shopify used means nothing to Xero, so the invoice goes without one (Xero applies its day rate,
xero-api-notes §6.3 CurrencyRate line) and the run report says so once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.sync.helpers import sandbox_requests, sandbox_settings, sandbox_state, serve_seed

from shopxero.clients import build_clients, store_call_sink
from shopxero.engine.run_report import RunReport
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.xero.accounting.serialize import dumps, present_document
from shopxero.store import StateStore

pytestmark = pytest.mark.anyio

ORDER = 1039  # EUR 47.00 = GBP 40.46, paid
DAY_RATE_NOTE = "carry no CurrencyRate"


def _seed(base: str, added: tuple[str, ...]) -> dict[str, Any]:
    """The demo seed cut down to order 1039 (its customer and products), the Xero organisation
    in ``base`` with the currencies ``added``."""
    seed = load_seed("demo")
    shop = seed["shopify"]
    shop["orders"] = [o for o in shop["orders"] if o["order_number"] == ORDER]
    # Its payouts pay out the whole demo's orders: a cut-down shop has none (docs/payouts.md).
    shop["payouts"], shop["balance_transactions"] = [], []
    [order] = shop["orders"]
    variants = {li["variant_id"] for li in order["line_items"]}
    shop["customers"] = [c for c in shop["customers"] if c["id"] == order["customer"]["id"]]
    shop["products"] = [
        p for p in shop["products"] if any(v["id"] in variants for v in p["variants"])
    ]
    seed["xero"]["organisation"]["BaseCurrency"] = base
    seed["xero"]["currencies"] = [{"Code": code, "Description": code} for code in added]
    return seed


@dataclass
class World:
    shop_url: str
    xero_url: str
    data_dir: Path

    async def sync(self) -> RunReport:
        """One run invoicing in the customer's currency; no record may be queued."""
        settings = sandbox_settings(self.shop_url, self.xero_url, self.data_dir).model_copy(
            update={"invoice_currency": "presentment"}
        )
        with StateStore.open(settings.state_db_path) as store:
            async with build_clients(settings, call_sink=store_call_sink(store)) as clients:
                engine = SyncEngine(
                    store=store, shopify=clients.shopify, xero=clients.xero, settings=settings
                )
                report = await engine.run()
                queued = store.errors.list_open()
        assert queued == [], [q.message for q in queued]
        return report

    def requests(self) -> list[dict[str, Any]]:
        return sandbox_requests(self.xero_url)

    def invoice(self) -> dict[str, Any]:
        invoices = sandbox_state(self.xero_url)["invoices"]
        return next(i for i in invoices if i["InvoiceNumber"] == f"SHOP-{ORDER}")

    def sent_invoice(self) -> dict[str, Any]:
        """The invoice element the sync sent (request log), as Xero received it."""
        sent: list[dict[str, Any]] = []
        for entry in self.requests():
            if entry["method"] in ("PUT", "POST") and entry["path"].endswith("/Invoices"):
                body = entry["body"]
                assert isinstance(body, dict), body
                sent.extend(
                    i for i in body["Invoices"] if i.get("InvoiceNumber") == f"SHOP-{ORDER}"
                )
        [element] = sent
        return element


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    base, *added = request.param
    with serve_seed(_seed(base, tuple(added))) as (shop_url, xero_url):
        yield World(shop_url, xero_url, tmp_path)


@pytest.mark.parametrize("world", [("USD", "GBP", "EUR")], indirect=True)
async def test_shop_currency_not_the_base_sends_no_rate_and_notes_it_once(world: World) -> None:
    report = await world.sync()
    sent = world.sent_invoice()
    assert sent["CurrencyCode"] == "EUR"
    assert "CurrencyRate" not in sent  # 47.00/40.46 is EUR per GBP; Xero wants EUR per USD
    invoice = world.invoice()
    assert (invoice["CurrencyCode"], Decimal(str(invoice["Total"]))) == ("EUR", Decimal("47.00"))
    assert invoice["Status"] == "PAID"
    notes = [n for n in report.notes if DAY_RATE_NOTE in n]
    assert notes == [
        "1 invoice(s) in the customer's currency carry no CurrencyRate (#1039): Xero's rate "
        "converts to the organisation's base currency (USD) but the rate Shopify used converts "
        "to the shop's currency (GBP), so Xero applies its own day rate for the invoice date"
    ]

    # Nothing changed: the next run sends nothing (the re-read order is noted at most once).
    before = len(world.requests())
    report = await world.sync()
    assert len(world.requests()) == before
    assert len([n for n in report.notes if DAY_RATE_NOTE in n]) <= 1


@pytest.mark.parametrize("world", [("GBP", "EUR")], indirect=True)
async def test_shop_currency_is_the_base_sends_shopifys_rate_eur_per_gbp(world: World) -> None:
    report = await world.sync()
    sent = world.sent_invoice()
    # 47.00 EUR / 40.46 GBP = 1.1616411... EUR per 1 GBP (the base), to 6 decimals
    assert Decimal(str(sent["CurrencyRate"])) == Decimal("1.161641")
    assert Decimal(str(world.invoice()["CurrencyRate"])) == Decimal("1.161641")
    assert [n for n in report.notes if DAY_RATE_NOTE in n] == []


@pytest.mark.parametrize("world", [("EUR", "GBP")], indirect=True)
async def test_invoice_in_the_base_currency_needs_no_rate_and_no_note(world: World) -> None:
    # GBP shop, EUR organisation, EUR customer: the invoice is in the base currency.
    report = await world.sync()
    sent = world.sent_invoice()
    assert sent["CurrencyCode"] == "EUR" and "CurrencyRate" not in sent
    assert [n for n in report.notes if DAY_RATE_NOTE in n] == []


def test_the_simulator_answers_currency_rate_with_six_decimals() -> None:
    # Xero's CurrencyRate is max [18].[6] and its spec's answers carry 6 dp (0.937053,
    # 1.547150, 1.000000) [xero-api-notes §6.3, R1]; ordinary money stays at 2 dp.
    shown = present_document(
        {"CurrencyRate": Decimal("1.1616411"), "Total": Decimal("47"), "Rate": Decimal("0.5")}
    )
    assert dumps(shown) == '{"CurrencyRate":1.161641,"Total":47.00,"Rate":0.5000}'
