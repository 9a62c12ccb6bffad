"""CurrencyRate through both simulators over real HTTP (docs/fidelity.md "Currency rate
direction"): demo order 1039 was paid EUR 47.00 = GBP 40.46 in a GBP shop. Invoiced in the
customer's currency (SHOPXERO_INVOICE_CURRENCY=presentment), it carries Shopify's rate only when
the Xero organisation's base currency is the shop's (GBP); under another base currency the rate
Shopify used means nothing to Xero, so the invoice goes without one (Xero applies its day rate,
xero-api-facts §6.3 CurrencyRate line) and the run report says so once.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.sync.test_lifecycle_sandbox import World, _seed, _serve

from shopxero.sandbox.xero.accounting.serialize import dumps, present_document

pytestmark = pytest.mark.anyio

ORDER = 1039  # EUR 47.00 = GBP 40.46, paid
DAY_RATE_NOTE = "carry no CurrencyRate"


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    base, *added = request.param
    seed = _seed({ORDER}, currencies=tuple(added))
    seed["xero"]["organisation"]["BaseCurrency"] = base
    yield from _serve(seed, tmp_path)


def _invoice_bodies(world: World) -> list[dict[str, Any]]:
    """The invoices the sync sent (request log), as the JSON elements Xero received."""
    sent: list[dict[str, Any]] = []
    for entry in world.requests():
        if entry["method"] in ("PUT", "POST") and entry["path"].endswith("/Invoices"):
            body = entry["body"]
            assert isinstance(body, dict), body
            sent.extend(body["Invoices"])
    return sent


@pytest.mark.parametrize("world", [("USD", "GBP", "EUR")], indirect=True)
async def test_shop_currency_not_the_base_sends_no_rate_and_notes_it_once(world: World) -> None:
    report, queued = await world.sync(invoice_currency="presentment")
    assert queued == [], [q.message for q in queued]
    [sent] = [i for i in _invoice_bodies(world) if i.get("InvoiceNumber") == f"SHOP-{ORDER}"]
    assert sent["CurrencyCode"] == "EUR"
    assert "CurrencyRate" not in sent  # 47.00/40.46 is EUR per GBP; Xero wants EUR per USD
    invoice = world.invoice(ORDER)
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
    report, queued = await world.sync(invoice_currency="presentment")
    assert queued == [] and len(world.requests()) == before
    assert len([n for n in report.notes if DAY_RATE_NOTE in n]) <= 1


@pytest.mark.parametrize("world", [("GBP", "EUR")], indirect=True)
async def test_shop_currency_is_the_base_sends_shopifys_rate_eur_per_gbp(world: World) -> None:
    report, queued = await world.sync(invoice_currency="presentment")
    assert queued == [], [q.message for q in queued]
    [sent] = [i for i in _invoice_bodies(world) if i.get("InvoiceNumber") == f"SHOP-{ORDER}"]
    # 47.00 EUR / 40.46 GBP = 1.1616411... EUR per 1 GBP (the base), to 6 decimals
    assert Decimal(str(sent["CurrencyRate"])) == Decimal("1.161641")
    assert Decimal(str(world.invoice(ORDER)["CurrencyRate"])) == Decimal("1.161641")
    assert [n for n in report.notes if DAY_RATE_NOTE in n] == []


@pytest.mark.parametrize("world", [("EUR", "GBP")], indirect=True)
async def test_invoice_in_the_base_currency_needs_no_rate_and_no_note(world: World) -> None:
    # GBP shop, EUR organisation, EUR customer: the invoice is in the base currency.
    report, queued = await world.sync(invoice_currency="presentment")
    assert queued == [], [q.message for q in queued]
    [sent] = [i for i in _invoice_bodies(world) if i.get("InvoiceNumber") == f"SHOP-{ORDER}"]
    assert sent["CurrencyCode"] == "EUR" and "CurrencyRate" not in sent
    assert [n for n in report.notes if DAY_RATE_NOTE in n] == []


def test_the_simulator_answers_currency_rate_with_six_decimals() -> None:
    # Xero's CurrencyRate is max [18].[6] and its spec's answers carry 6 dp (0.937053,
    # 1.547150, 1.000000) [xero-api-facts §6.3, R1]; ordinary money stays at 2 dp.
    shown = present_document(
        {"CurrencyRate": Decimal("1.1616411"), "Total": Decimal("47"), "Rate": Decimal("0.5")}
    )
    assert dumps(shown) == '{"CurrencyRate":1.161641,"Total":47.00,"Rate":0.5000}'
