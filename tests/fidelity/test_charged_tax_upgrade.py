"""Invoices an earlier shopxero sent with Xero's own line taxes and a rounding line are left as
they are until their order really changes (issue 16 §7, xero-api-notes §6.6a).

The first run stands for the earlier version: the mapping is asked for no TaxAmount
(``charged_tax=False``), which is what shopxero sent before. The second run, of the current
code, sees the same order again (Shopify bumped its ``updated_at``): the invoice in Xero is what
that order gave, so nothing is rewritten and nothing is queued for review. When the order does
change, its invoice is rewritten with Shopify's tax.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import pytest
from tests.fidelity.cases_us import CASES
from tests.fidelity.runner import country_seed, country_settings

from shopxero.clients import build_clients
from shopxero.entities.orders import invoices as invoices_step
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds.credentials import shopify_credentials, xero_credentials
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.sandbox.xero.app import XeroSandbox, create_xero_app
from shopxero.store import StateStore
from shopxero.translate import invoice_from_order

NEW_YORK = next(c for c in CASES if c.name == "us-ny-state-and-county-rounded-apart")


async def _sync(shopify: ShopifySandbox, xero: XeroSandbox, data_dir: Path) -> list[str]:
    """One run; the open error queue's messages."""
    settings = country_settings("US", data_dir)
    with StateStore.open(settings.state_db_path) as store:
        async with build_clients(
            settings,
            shopify_transport=SandboxASGITransport(app=shopify),
            xero_transport=SandboxASGITransport(app=xero),
        ) as clients:
            engine = SyncEngine(
                store=store, shopify=clients.shopify, xero=clients.xero, settings=settings
            )
            await engine.run()
        return [q.message for q in store.errors.list_open()]


def _invoice(xero: XeroSandbox) -> dict[str, Any]:
    (invoice,) = xero.state()["invoices"]
    return dict(invoice)


def _invoice_writes(xero: XeroSandbox) -> int:
    return sum(
        1
        for e in xero.log.entries()
        if e["method"] in ("PUT", "POST") and e["path"].endswith("/Invoices")
    )


def test_an_invoice_sent_before_is_not_rewritten_until_its_order_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = country_seed("US", [NEW_YORK])
    clock = SandboxClock()
    shopify = create_shopify_app(seed["shopify"], clock=clock, credentials=shopify_credentials())
    xero = create_xero_app(seed["xero"], clock=clock, credentials=xero_credentials())

    def as_before(*args: Any, **kwargs: Any) -> Any:
        return invoice_from_order(*args, **{**kwargs, "charged_tax": False})

    with monkeypatch.context() as earlier_version:
        earlier_version.setattr(invoices_step, "invoice_from_order", as_before)
        assert anyio.run(_sync, shopify, xero, tmp_path) == []
    before = _invoice(xero)
    # What the earlier version made: Xero's 10.06 on the machine, 10.50 in all, and -0.01 on
    # a rounding line to keep the Total at Shopify's 128.79.
    assert Decimal(str(before["TotalTax"])) == Decimal("10.50")
    assert Decimal(str(before["Total"])) == Decimal("128.79")
    writes = _invoice_writes(xero)

    (order,) = seed["shopify"]["orders"]
    shopify.upsert_records({"orders": [{"id": order["id"]}]})  # updated_at moves, nothing else
    assert anyio.run(_sync, shopify, xero, tmp_path) == []
    assert _invoice_writes(xero) == writes  # not rewritten
    assert _invoice(xero)["TotalTax"] == before["TotalTax"]

    lines = [{**li, "name": f"{li['name']} (boxed)"} for li in order["line_items"]]
    shopify.upsert_records({"orders": [{"id": order["id"], "line_items": lines}]})
    assert anyio.run(_sync, shopify, xero, tmp_path) == []
    after = _invoice(xero)
    assert _invoice_writes(xero) == writes + 1
    assert Decimal(str(after["TotalTax"])) == Decimal("10.49")  # what Shopify charged
    assert Decimal(str(after["Total"])) == Decimal("128.79")
    assert [Decimal(str(li["TaxAmount"])) for li in after["LineItems"]] == [
        Decimal("10.05"),
        Decimal("0.44"),
    ]
