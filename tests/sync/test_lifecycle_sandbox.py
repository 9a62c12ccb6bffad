"""The life of an order against both simulators over real HTTP: payments, refunds,
cancellations, edits and gift cards (issue 5 "Life of an order").

Each test serves a few of the demo seed's orders (so a sync takes a second), changes them in the
Shopify simulator through ``/_sandbox/records`` as Shopify would, syncs again, and reads the
outcome from the Xero simulator's ``/_sandbox/state``.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sync.helpers import sandbox_settings as _settings

from shopxero.clients import build_clients, store_call_sink
from shopxero.engine.run_report import RunReport
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials, xero_credentials
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.sandbox.xero.accounting.doc_kinds import INVOICE
from shopxero.sandbox.xero.accounting.documents import save_document
from shopxero.sandbox.xero.app import create_xero_app
from shopxero.store import StateStore
from shopxero.store.errors_queue import QueuedError

pytestmark = pytest.mark.anyio

GIFT_CARD_CODE = "815"


def _seed(
    numbers: set[int], *, gift_card_account: bool = False, currencies: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The demo seed cut down to the orders ``numbers`` with their customers and products."""
    seed = load_seed("demo")
    shop = seed["shopify"]
    orders = [o for o in shop["orders"] if o["order_number"] in numbers]
    customers = {o["customer"]["id"] for o in orders if o.get("customer")}
    variants = {li["variant_id"] for o in orders for li in o["line_items"]}
    shop["orders"] = orders
    # Its payouts pay out the whole demo's orders: a cut-down shop has none (docs/payouts.md).
    shop["payouts"], shop["balance_transactions"] = [], []
    shop["customers"] = [c for c in shop["customers"] if c["id"] in customers]
    shop["products"] = [
        p for p in shop["products"] if any(v["id"] in variants for v in p["variants"])
    ]
    seed["xero"]["currencies"] = [{"Code": code, "Description": code} for code in currencies]
    if gift_card_account:
        template = next(a for a in seed["xero"]["accounts"] if a["Code"] == "810")
        seed["xero"]["accounts"].append(
            {
                **template,
                "AccountID": str(uuid.uuid4()),
                "Code": GIFT_CARD_CODE,
                "Name": "Gift Card Liability",
                "EnablePaymentsToAccount": True,
            }
        )
    return seed


@dataclass
class World:
    shop_url: str
    xero_url: str
    seed: dict[str, Any]
    data_dir: Path
    xero_org: Any  # the Xero simulator's organisation (for what only a person can set)

    def order(self, number: int) -> dict[str, Any]:
        return copy.deepcopy(
            next(o for o in self.seed["shopify"]["orders"] if o["order_number"] == number)
        )

    def change(self, order: dict[str, Any]) -> None:
        httpx.post(f"{self.shop_url}/_sandbox/records", json={"orders": [order]}).raise_for_status()

    def fault(self, fault: dict[str, Any]) -> None:
        httpx.post(f"{self.xero_url}/_sandbox/faults", json=fault).raise_for_status()

    def xero(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.xero_url}/_sandbox/state").json())

    def requests(self) -> list[dict[str, Any]]:
        return list(httpx.get(f"{self.xero_url}/_sandbox/requests").json()["requests"])

    def payment_requests(self, since: int = 0) -> list[list[dict[str, Any]]]:
        """The elements of each ``PUT Payments`` Xero received after request ``since``."""
        return [
            list(r["body"]["Payments"])
            for r in self.requests()[since:]
            if r["method"] == "PUT" and r["path"].endswith("/Payments")
        ]

    def lock_period(self, until: str) -> None:
        """A person sets the organisation's period lock date (Settings > Advanced)."""
        stamp = datetime.fromisoformat(f"{until}T00:00:00+00:00").timestamp()
        self.xero_org.organisation["PeriodLockDate"] = f"/Date({int(stamp * 1000)}+0000)/"

    def invoice(self, number: int) -> dict[str, Any]:
        return next(i for i in self.xero()["invoices"] if i["InvoiceNumber"] == f"SHOP-{number}")

    def payments_of(self, number: int) -> list[dict[str, Any]]:
        invoice_id = self.invoice(number)["InvoiceID"]
        return [
            p
            for p in self.xero()["payments"]
            if (p.get("Invoice") or {}).get("InvoiceID") == invoice_id and p["Status"] != "DELETED"
        ]

    def notes_of(self, number: int) -> list[dict[str, Any]]:
        prefix = f"SHOP-{number}-R"
        return [n for n in self.xero()["credit_notes"] if n["CreditNoteNumber"].startswith(prefix)]

    async def sync(
        self, *, retry: bool = False, **overrides: Any
    ) -> tuple[RunReport, list[QueuedError]]:
        settings = _settings(self.shop_url, self.xero_url, self.data_dir).model_copy(
            update=overrides
        )
        with StateStore.open(settings.state_db_path) as store:
            async with build_clients(settings, call_sink=store_call_sink(store)) as clients:
                engine = SyncEngine(
                    store=store, shopify=clients.shopify, xero=clients.xero, settings=settings
                )
                queued = store.errors.list_open() if retry else None
                report = await engine.run(retry=queued)
                return report, store.errors.list_open()


def _serve(seed: dict[str, Any], tmp_path: Path) -> Iterator[World]:
    shopify_app = create_shopify_app(seed["shopify"], credentials=shopify_credentials())
    xero_app = create_xero_app(seed["xero"], credentials=xero_credentials())
    with serve_in_thread(shopify_app) as s, serve_in_thread(xero_app) as x:
        yield World(s.url, x.url, seed, tmp_path, xero_app.org)


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    numbers, gift, *currencies = request.param
    yield from _serve(
        _seed(numbers, gift_card_account=gift, currencies=tuple(currencies)), tmp_path
    )


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def _pay_rest(order: dict[str, Any], amount: str, transaction_id: int) -> dict[str, Any]:
    """Shopify after the customer paid ``amount`` more (now fully paid)."""
    sale = {
        **order["transactions"][0],
        "id": transaction_id,
        "amount": amount,
        "processed_at": "2026-11-02T10:00:00+00:00",
        "created_at": "2026-11-02T10:00:00+00:00",
        "payment_id": f"c{transaction_id}",
    }
    return {
        "id": order["id"],
        "transactions": [*order["transactions"], sale],
        "financial_status": "paid",
        "total_outstanding": "0.00",
    }


PARTLY_PAID = ({1048}, False)  # 55.00, 20.00 paid by "manual", 35.00 outstanding


@pytest.mark.parametrize("world", [PARTLY_PAID], indirect=True)
async def test_partial_then_full_payment_pays_the_invoice_once(world: World) -> None:
    report, queued = await world.sync()
    assert queued == [] and report.counts["payments"]["created"] == 1
    invoice = world.invoice(1048)
    assert (invoice["Status"], _money(invoice["AmountDue"])) == ("AUTHORISED", Decimal("35.00"))
    [payment] = world.payments_of(1048)
    assert _money(payment["Amount"]) == Decimal("20.00")
    assert payment["Account"]["Code"] == "090"  # the bank account resolved from the chart
    assert payment["Reference"] == f"Shopify manual {world.order(1048)['transactions'][0]['id']}"

    world.change(_pay_rest(world.order(1048), "35.00", 6299999999001))
    report, queued = await world.sync()
    assert queued == [] and report.counts["payments"]["created"] == 1
    invoice = world.invoice(1048)
    assert (invoice["Status"], _money(invoice["AmountDue"])) == ("PAID", Decimal("0.00"))
    assert sorted(_money(p["Amount"]) for p in world.payments_of(1048)) == [
        Decimal("20.00"),
        Decimal("35.00"),
    ]
    before = len(world.requests())
    await world.sync()
    assert len(world.requests()) == before, "nothing changed: no Xero call"


@pytest.mark.parametrize("world", [PARTLY_PAID], indirect=True)
async def test_a_payment_whose_answer_was_lost_is_never_paid_twice(world: World) -> None:
    await world.sync()
    world.change(_pay_rest(world.order(1048), "35.00", 6299999999001))
    # Every attempt (the client retries 6 times) writes, then loses the answer.
    world.fault({"method": "PUT", "path": "/Payments$", "kind": "drop_after_commit", "times": 6})
    report, queued = await world.sync()
    assert report.status == "failed_records"
    assert [q.shopify_id for q in queued] == [f"{world.order(1048)['id']}/payment/6299999999001"]
    assert queued[0].retryable
    assert len(world.payments_of(1048)) == 2  # written once (the retries replayed it)

    before = len(world.requests())
    _report, queued = await world.sync(retry=True)
    puts = [r for r in world.requests()[before:] if r["method"] == "PUT"]
    assert puts == [], "the payment found on the invoice is mapped, not sent again"
    assert queued == []
    assert len(world.payments_of(1048)) == 2
    assert world.invoice(1048)["Status"] == "PAID"
    before = len(world.requests())
    await world.sync()
    assert len(world.requests()) == before


@pytest.mark.parametrize("world", [PARTLY_PAID], indirect=True)
async def test_a_refund_before_full_payment_is_allocated_to_the_invoice(world: World) -> None:
    await world.sync()
    order = world.order(1048)
    line = order["line_items"][0]  # 2 x 27.50 incl. VAT
    refund = {
        "id": 9899999999001,
        "order_id": order["id"],
        "created_at": "2026-11-01T09:00:00+00:00",
        "processed_at": "2026-11-01T09:00:00+00:00",
        "note": "one box out of stock",
        "restock": False,
        "refund_line_items": [
            {
                "id": 5999999999001,
                "line_item_id": line["id"],
                "quantity": 1,
                "subtotal": 27.5,
                "total_tax": 4.58,
                "line_item": line,
            }
        ],
        "refund_shipping_lines": [],
        "order_adjustments": [],
        "transactions": [],  # no money went back: the customer owes less
    }
    world.change(
        {
            "id": order["id"],
            "refunds": [refund],
            "current_total_price": "27.50",
            "total_outstanding": "7.50",
        }
    )
    _report, queued = await world.sync()
    assert queued == [], [q.message for q in queued]
    [note] = world.notes_of(1048)
    assert note["CreditNoteNumber"] == "SHOP-1048-R1"
    assert (_money(note["Total"]), _money(note["TotalTax"])) == (Decimal("27.50"), Decimal("4.58"))
    assert note["Status"] == "PAID" and note["Payments"] == []  # allocated, not paid out
    assert [_money(a["Amount"]) for a in note["Allocations"]] == [Decimal("27.50")]
    assert _money(world.invoice(1048)["AmountDue"]) == Decimal("7.50")  # = total_outstanding


REFUNDED = ({1032, 1042}, False)  # 1032: two cash refunds after payment; 1042: cancelled, paid


@pytest.mark.parametrize("world", [REFUNDED], indirect=True)
async def test_refunds_after_payment_and_a_cancelled_paid_order_are_paid_out(
    world: World,
) -> None:
    _report, queued = await world.sync()
    assert queued == []
    notes = world.notes_of(1032)
    assert sorted(n["CreditNoteNumber"] for n in notes) == ["SHOP-1032-R1", "SHOP-1032-R2"]
    for note in notes:
        assert note["Status"] == "PAID" and note["Allocations"] == []
        [refund] = note["Payments"]  # the cash refund, out of the gateway's account
        assert _money(refund["Amount"]) == _money(note["Total"]) == Decimal("8.00")
    assert world.invoice(1032)["Status"] == "PAID"
    # The paid order cancelled in Shopify is credited, not voided.
    assert world.invoice(1042)["Status"] == "PAID"
    [note] = world.notes_of(1042)
    assert _money(note["Total"]) == Decimal("81.50") and note["Status"] == "PAID"


def _targets(elements: list[dict[str, Any]]) -> list[str]:
    """What each payment element pays: ``Invoice`` or ``CreditNote``."""
    return ["Invoice" if "Invoice" in e else "CreditNote" for e in elements]


@pytest.mark.parametrize("world", [REFUNDED], indirect=True)
async def test_invoice_payments_and_cash_refunds_share_one_request(world: World) -> None:
    _report, queued = await world.sync()
    assert queued == []
    log = world.requests()
    writes = [r["path"].rsplit("/", 1)[-1] for r in log if r["method"] in ("PUT", "POST")]
    # The credit notes first (a cash refund names its credit note), then one PUT Payments with
    # both invoices' payments and the three cash refunds (xero-api-notes §6.4).
    assert writes[writes.index("CreditNotes") :] == ["CreditNotes", "Payments"], writes
    [elements] = world.payment_requests()
    assert _targets(elements) == ["Invoice", "Invoice", "CreditNote", "CreditNote", "CreditNote"]


@pytest.mark.parametrize("world", [REFUNDED], indirect=True)
async def test_a_lost_shared_payments_answer_pays_nothing_twice(world: World) -> None:
    # Every attempt (the client retries 6 times) writes, then loses the answer.
    world.fault({"method": "PUT", "path": "/Payments$", "kind": "drop_after_commit", "times": 6})
    report, queued = await world.sync()
    assert report.status == "failed_records"
    assert all(q.retryable for q in queued) and len(queued) == 5, [q.message for q in queued]

    before = len(world.requests())
    _report, queued = await world.sync(retry=True)
    assert world.payment_requests(before) == [], "found on their invoice or credit note"
    assert queued == [], [q.message for q in queued]
    for number in (1032, 1042):
        assert len(world.payments_of(number)) == 1 and world.invoice(number)["Status"] == "PAID"
    notes = [*world.notes_of(1032), *world.notes_of(1042)]
    assert [len(n["Payments"]) for n in notes] == [1, 1, 1]
    assert {n["Status"] for n in notes} == {"PAID"}
    before = len(world.requests())
    await world.sync()
    assert len(world.requests()) == before, "nothing left to do: no Xero call"


LATE = ({1032, 1048}, False)


def _refund_after(order: dict[str, Any], when: str) -> dict[str, Any]:
    """``order`` (1032) with only its second refund, moved to ``when``."""
    sale, _first, second = order["transactions"]
    second = {**second, "processed_at": when, "created_at": when}
    refund = order["refunds"][1]
    refund = {**refund, "processed_at": when, "created_at": when, "transactions": [second]}
    return {"id": order["id"], "transactions": [sale, second], "refunds": [refund]}


@pytest.mark.parametrize("world", [LATE], indirect=True)
async def test_a_refused_payment_in_a_shared_request_is_queued_alone(world: World) -> None:
    paid = world.order(1032)
    world.change(
        {
            "id": paid["id"],
            "transactions": paid["transactions"][:1],
            "refunds": [],
            "financial_status": "paid",
            "current_total_price": paid["total_price"],
        }
    )
    await world.sync()
    world.lock_period("2026-11-05")
    # 1048 is paid the rest on 2 Nov, inside the locked period; 1032 is refunded on 25 Nov.
    world.change(_pay_rest(world.order(1048), "35.00", 6299999999001))
    world.change(_refund_after(world.order(1032), "2026-11-25T10:00:00+00:00"))
    before = len(world.requests())
    report, queued = await world.sync()
    [elements] = world.payment_requests(before)
    assert _targets(elements) == ["Invoice", "CreditNote"]
    [entry] = queued
    assert entry.shopify_id == f"{world.order(1048)['id']}/payment/6299999999001"
    assert "period lock date" in entry.message and not entry.retryable
    assert report.status == "failed_records"
    [note] = world.notes_of(1032)  # the refund in the same request went through
    assert note["Status"] == "PAID" and _money(note["Payments"][0]["Amount"]) == Decimal("8.00")
    assert [_money(p["Amount"]) for p in world.payments_of(1048)] == [Decimal("20.00")]

    before = len(world.requests())
    _report, queued = await world.sync(retry=True)
    [elements] = world.payment_requests(before)
    assert _targets(elements) == ["Invoice"], "only the refused payment is sent again"
    assert [q.shopify_id for q in queued] == [entry.shopify_id]
    assert len(world.notes_of(1032)[0]["Payments"]) == 1


PENDING = ({1059}, False)  # 39.95, unpaid (a pending manual payment)
WITH_PENDING = {"synced_financial_statuses": ("paid", "partially_paid", "pending")}


@pytest.mark.parametrize("world", [PENDING], indirect=True)
async def test_a_cancelled_unpaid_order_voids_its_invoice(world: World) -> None:
    await world.sync(**WITH_PENDING)
    assert world.invoice(1059)["Status"] == "AUTHORISED"
    order = world.order(1059)
    world.change(
        {
            "id": order["id"],
            "cancelled_at": "2026-11-03T10:00:00+00:00",
            "cancel_reason": "customer",
            "financial_status": "voided",
            "current_total_price": "0.00",
            "total_outstanding": "0.00",
        }
    )
    _report, queued = await world.sync(**WITH_PENDING)
    assert queued == []
    assert world.invoice(1059)["Status"] == "VOIDED"
    assert world.notes_of(1059) == []
    before = len(world.requests())
    await world.sync(**WITH_PENDING)
    assert len(world.requests()) == before


def _doubled(order: dict[str, Any]) -> dict[str, Any]:
    """1059 edited: two calendars instead of one (VAT-inclusive prices)."""
    line = {**order["line_items"][0], "quantity": 2, "current_quantity": 2}
    line["tax_lines"] = [{**line["tax_lines"][0], "price": "11.67"}]
    return {
        "id": order["id"],
        "line_items": [line],
        "total_line_items_price": "70.00",
        "subtotal_price": "70.00",
        "total_tax": "12.50",
        "total_price": "74.95",
        "current_total_price": "74.95",
        "current_subtotal_price": "70.00",
        "current_total_tax": "12.50",
        "total_outstanding": "74.95",
    }


@pytest.mark.parametrize("world", [PENDING], indirect=True)
async def test_an_edited_unpaid_order_updates_its_invoice_keeping_line_ids(world: World) -> None:
    await world.sync(**WITH_PENDING)
    before = {li["Description"]: li["LineItemID"] for li in world.invoice(1059)["LineItems"]}
    world.change(_doubled(world.order(1059)))
    report, queued = await world.sync(**WITH_PENDING)
    assert queued == [] and report.counts["orders"]["updated"] == 1
    invoice = world.invoice(1059)
    assert _money(invoice["Total"]) == Decimal("74.95")
    after = {li["Description"]: li["LineItemID"] for li in invoice["LineItems"]}
    assert after == before  # the same lines, edited in place
    assert next(_money(li["Quantity"]) for li in invoice["LineItems"]) == Decimal(2)


PAID = ({1059}, False)


@pytest.mark.parametrize("world", [PAID], indirect=True)
async def test_an_edited_paid_order_is_queued_with_the_figures(world: World) -> None:
    order = world.order(1059)
    pending = order["transactions"][0]  # the manual payment is received
    world.change(
        {
            "id": order["id"],
            "transactions": [{**pending, "status": "success"}],
            "financial_status": "paid",
            "total_outstanding": "0.00",
        }
    )
    await world.sync()
    assert world.invoice(1059)["Status"] == "PAID"
    world.change(_doubled(world.order(1059)) | {"total_outstanding": "35.00"})
    _report, queued = await world.sync()
    [entry] = queued
    assert entry.error_class == "Conflict" and not entry.retryable
    assert "Xero invoice total 39.95" in entry.message
    assert "Shopify order total now 74.95" in entry.message
    assert "raise an invoice for the extra 35.00" in entry.message
    assert _money(world.invoice(1059)["Total"]) == Decimal("39.95")  # not rewritten


LATER_PAID = ({1048, 1059}, False)  # 1059 is pending at first: not invoiced


@pytest.mark.parametrize("world", [LATER_PAID], indirect=True)
async def test_a_new_orders_invoice_made_by_hand_in_xero_is_linked_after_xeros_refusal(
    world: World,
) -> None:
    await world.sync()
    contact = world.xero()["contacts"][0]
    # A person raises SHOP-1059 in Xero by hand before the order is paid in Shopify.
    made = save_document(
        world.xero_org,
        INVOICE,
        {
            "Type": "ACCREC",
            "InvoiceNumber": "SHOP-1059",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-11-20",
            "DueDate": "2026-11-30",
            "Status": "AUTHORISED",
            "LineItems": [
                {
                    "Description": "Calendar",
                    "Quantity": 1,
                    "UnitAmount": 39.95,
                    "AccountCode": "200",
                }
            ],
        },
        create_only=True,
    )
    order = world.order(1059)
    world.change(
        {
            "id": order["id"],
            "transactions": [{**order["transactions"][0], "status": "success"}],
            "financial_status": "paid",
            "total_outstanding": "0.00",
        }
    )
    before = len(world.requests())
    report, queued = await world.sync()
    assert queued == [], [q.message for q in queued]
    calls = [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in world.requests()[before:]]
    # A day's new invoice is sent without looking its number up first: Xero refuses the number
    # it holds (xero-api-notes §6.3), and only then is it read and linked.
    invoices = [c for c in calls if c[1] == "Invoices"]
    assert invoices[:2] == [("PUT", "Invoices"), ("GET", "Invoices")], calls
    assert report.counts["orders"]["linked"] == 1
    [invoice] = [i for i in world.xero()["invoices"] if i["InvoiceNumber"] == "SHOP-1059"]
    assert invoice["InvoiceID"] == made["InvoiceID"]  # linked, not a second SHOP-1059
    assert _money(invoice["Total"]) == Decimal("39.95") and invoice["Status"] == "PAID"
    assert len(world.payments_of(1059)) == 1


GIFT_CARDS = ({1028, 1045}, True)  # 1028 sells a £50 gift card; 1045 is paid £50 with one


@pytest.mark.parametrize("world", [GIFT_CARDS], indirect=True)
async def test_gift_card_sale_and_redemption_use_the_liability_account(world: World) -> None:
    _report, queued = await world.sync(gift_card_account=GIFT_CARD_CODE)
    assert queued == [], [q.message for q in queued]
    [line] = world.invoice(1028)["LineItems"]
    assert line["AccountCode"] == GIFT_CARD_CODE  # a liability, not sales
    by_amount = {_money(p["Amount"]): p["Account"]["Code"] for p in world.payments_of(1045)}
    # the card part is Shopify Payments money: into the clearing account (docs/payouts.md)
    assert by_amount == {Decimal("50.00"): GIFT_CARD_CODE, Decimal("13.00"): "091"}
    assert world.invoice(1045)["Status"] == "PAID"


@pytest.mark.parametrize("world", [GIFT_CARDS], indirect=True)
async def test_a_redemption_into_an_account_without_payments_is_queued_clearly(
    world: World,
) -> None:
    report, queued = await world.sync(gift_card_account="810")  # payments not enabled
    [entry] = queued
    assert entry.shopify_id.endswith("/payment/" + str(world.order(1045)["transactions"][0]["id"]))
    assert "account 810 does not take payments" in entry.message
    assert "Enable payments to this account" in entry.message
    assert report.status == "failed_records"
    # The other payment of the order went through.
    assert [_money(p["Amount"]) for p in world.payments_of(1045)] == [Decimal("13.00")]


IN_EUROS = ({1039}, False, "EUR")  # paid EUR 47.00 = GBP 40.46 in a GBP shop
EUR_NOT_ADDED = ({1039}, False)


@pytest.mark.parametrize("world", [IN_EUROS], indirect=True)
async def test_presentment_currency_invoices_at_shopifys_rate(world: World) -> None:
    _report, queued = await world.sync(invoice_currency="presentment")
    assert queued == [], [q.message for q in queued]
    invoice = world.invoice(1039)
    assert invoice["CurrencyCode"] == "EUR"
    assert _money(invoice["Total"]) == Decimal("47.00")
    # Shopify's rate (47.00 EUR for 40.46 GBP), not Xero's day rate.
    assert _money(invoice["CurrencyRate"]) == (Decimal("47.00") / Decimal("40.46")).quantize(
        Decimal("0.000001")
    )
    [payment] = world.payments_of(1039)
    assert _money(payment["Amount"]) == Decimal("47.00")
    assert invoice["Status"] == "PAID"


@pytest.mark.parametrize("world", [IN_EUROS], indirect=True)
async def test_shop_currency_is_the_default_and_converts_the_payment(world: World) -> None:
    _report, queued = await world.sync()
    assert queued == []
    invoice = world.invoice(1039)
    assert (invoice["CurrencyCode"], _money(invoice["Total"])) == ("GBP", Decimal("40.46"))
    [payment] = world.payments_of(1039)
    assert _money(payment["Amount"]) == Decimal("40.46")  # EUR 47.00 at Shopify's rate
    assert invoice["Status"] == "PAID"


@pytest.mark.parametrize("world", [EUR_NOT_ADDED], indirect=True)
async def test_a_currency_the_organisation_lacks_is_reported_before_sending(
    world: World,
) -> None:
    _report, queued = await world.sync(invoice_currency="presentment")
    [entry] = queued
    assert "is in EUR, which the Xero organisation has not added" in entry.message
    writes = [r for r in world.requests() if r["method"] == "PUT" and "Invoices" in r["path"]]
    assert writes == [], "nothing was sent for it"
    currencies = [r for r in world.requests() if r["path"].endswith("/Currencies")]
    assert len(currencies) == 1
