"""The sync engine over the demo seed, against in-memory fakes of both APIs.

The fakes keep Xero's uniqueness rules (ContactNumber, active contact Name, Item Code,
InvoiceNumber: xero-api-notes §6) and per-element results, and count every call, so the
invariants can be checked without the simulators: first import, no-op second run, updates of
exactly the changed records, linking of existing records, a deleted state DB. Sandbox-backed
tests over real HTTP are in test_engine_sandbox.py.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shopxero.config import Settings
from shopxero.run.engine import SyncEngine
from shopxero.sandbox.seeds import load_seed
from shopxero.store import StateStore
from shopxero.xero.dates import format_xero_date, parse_xero_date
from shopxero.xero.elements import ElementResult

# The engine over in-memory fakes of both clients: no Shopify API to choose, runs once.
pytestmark = [pytest.mark.anyio, pytest.mark.not_per_api]

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class FakeShopify:
    def __init__(self, seed: dict[str, Any]) -> None:
        self.data = copy.deepcopy(seed)
        self.calls: Counter[str] = Counter()
        self.prepared: list[dict[str, Any]] = []

    def _iter(self, key: str, updated_at_min: datetime | None) -> AsyncIterator[dict[str, Any]]:
        self.calls[key] += 1
        rows = [
            copy.deepcopy(r)
            for r in self.data[key]
            if updated_at_min is None or datetime.fromisoformat(r["updated_at"]) >= updated_at_min
        ]

        async def gen() -> AsyncIterator[dict[str, Any]]:
            for row in rows:
                yield row

        return gen()

    async def prepare_reads(self, since: Any) -> None:
        self.prepared.append(dict(since))

    def iter_customers(self, *, updated_at_min: datetime | None = None) -> Any:
        return self._iter("customers", updated_at_min)

    def iter_products(self, *, updated_at_min: datetime | None = None) -> Any:
        return self._iter("products", updated_at_min)

    def iter_orders(self, *, updated_at_min: datetime | None = None) -> Any:
        return self._iter("orders", updated_at_min)

    async def _get(self, key: str, rid: int) -> dict[str, Any] | None:
        self.calls[f"get_{key}"] += 1
        return next((copy.deepcopy(r) for r in self.data[key] if r["id"] == rid), None)

    async def get_customer(self, rid: int) -> dict[str, Any] | None:
        return await self._get("customers", rid)

    async def get_product(self, rid: int) -> dict[str, Any] | None:
        return await self._get("products", rid)

    async def get_order(self, rid: int) -> dict[str, Any] | None:
        return await self._get("orders", rid)

    async def get_shop(self) -> dict[str, Any]:
        self.calls["shop"] += 1
        return dict(self.data["shop"])

    def iter_payouts(self, *, date_min: Any = None) -> Any:
        """A shop without Shopify Payments payouts (the payouts step then does nothing)."""
        self.calls["payouts"] += 1
        return _nothing()

    def touch(self, key: str, rid: int, when: datetime, **changes: Any) -> None:
        for record in self.data[key]:
            if record["id"] == rid:
                record.update(changes)
                record["updated_at"] = when.isoformat()


async def _nothing() -> AsyncIterator[dict[str, Any]]:
    return
    yield


class FakeXero:
    """Xero's uniqueness rules and per-element answers, in memory."""

    def __init__(self, seed: dict[str, Any]) -> None:
        self.seed = seed
        self.contacts: dict[str, dict[str, Any]] = {
            c["ContactID"]: dict(c) for c in seed["contacts"]
        }
        self.items: dict[str, dict[str, Any]] = {i["ItemID"]: dict(i) for i in seed["items"]}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self.clock = itertools.count(1)

    def _stamp(self) -> str:
        return format_xero_date(NOW + timedelta(seconds=next(self.clock)))

    # reads
    async def get_organisation(self) -> dict[str, Any]:
        self.calls["GET Organisation"] += 1
        return dict(self.seed["organisation"])

    async def list_accounts(self) -> list[dict[str, Any]]:
        self.calls["GET Accounts"] += 1
        return list(self.seed["accounts"])

    async def list_tax_rates(self) -> list[dict[str, Any]]:
        self.calls["GET TaxRates"] += 1
        return list(self.seed["tax_rates"])

    def iter_contacts(
        self, *, page_size: int = 1000, modified_since: datetime | None = None
    ) -> Any:
        rows = [
            c
            for c in self.contacts.values()
            if modified_since is None or parse_xero_date(c["UpdatedDateUTC"]) >= modified_since
        ]
        pages = max(1, -(-len(rows) // page_size))
        self.calls["GET Contacts"] += pages

        async def gen() -> AsyncIterator[dict[str, Any]]:
            for row in rows:
                yield dict(row)

        return gen()

    async def get_contact_by_number(self, number: str) -> dict[str, Any] | None:
        self.calls["GET Contacts/{number}"] += 1
        return next(
            (dict(c) for c in self.contacts.values() if c.get("ContactNumber") == number), None
        )

    async def find_contacts(
        self, *, email: str | None = None, name: str | None = None
    ) -> list[dict[str, Any]]:
        self.calls["GET Contacts where"] += 1
        return [
            dict(c)
            for c in self.contacts.values()
            if (email is None or (c.get("EmailAddress") or "").lower() == email.lower())
            and (name is None or (c.get("Name") or "").lower() == name.lower())
        ]

    async def find_contacts_any(
        self, keys: Sequence[tuple[str, str]], *, include_archived: bool = True
    ) -> list[dict[str, Any]]:
        self.calls["GET Contacts where"] += max(1, -(-len(keys) // 15))
        wanted = {(field, value.lower()) for field, value in keys}
        return [
            dict(c)
            for c in self.contacts.values()
            if any(
                (f, (c.get(f) or "").lower()) in wanted
                for f in ("ContactNumber", "EmailAddress", "Name")
            )
        ]

    async def list_items(
        self, *, code: str | None = None, modified_since: datetime | None = None
    ) -> list[dict[str, Any]]:
        self.calls["GET Items"] += 1
        return [
            dict(i)
            for i in self.items.values()
            if (code is None or i["Code"].lower() == code.lower())
            and (modified_since is None or parse_xero_date(i["UpdatedDateUTC"]) >= modified_since)
        ]

    async def get_invoices_by_number(self, numbers: Sequence[str]) -> list[dict[str, Any]]:
        self.calls["GET Invoices"] += max(1, -(-len(numbers) // 40))
        wanted = set(numbers)
        return [dict(i) for i in self.invoices.values() if i["InvoiceNumber"] in wanted]

    def iter_invoices(self, *, page_size: int = 1000, **_: Any) -> Any:
        rows = list(self.invoices.values())
        self.calls["GET Invoices"] += 1  # the first page is all the sync reads of it

        async def gen() -> AsyncIterator[dict[str, Any]]:
            for row in rows[:page_size]:
                yield dict(row)

        return gen()

    # writes
    def _write(
        self, kind: str, payloads: Sequence[dict[str, Any]], key: str, create: bool
    ) -> list[ElementResult]:
        assert len(payloads) <= (500 if kind == "Items" else 50), "batches Xero takes"
        assert len(key) <= 128
        self.calls[f"{'PUT' if create else 'POST'} {kind}"] += 1
        table, id_field = {
            "Contacts": (self.contacts, "ContactID"),
            "Items": (self.items, "ItemID"),
            "Invoices": (self.invoices, "InvoiceID"),
        }[kind]
        results = []
        for payload in payloads:
            record = dict(payload)
            errors = self._errors(kind, record, table, id_field, create)
            if errors:
                results.append(ElementResult(ok=False, record=record, errors=errors))
                continue
            rid = record.get(id_field) or str(uuid.uuid4())
            merged = {
                **table.get(rid, {}),
                **record,
                id_field: rid,
                "UpdatedDateUTC": self._stamp(),
            }
            merged.setdefault("Status", "AUTHORISED") if kind == "Invoices" else None
            table[rid] = merged
            results.append(ElementResult(ok=True, record=dict(merged)))
        return results

    def _errors(
        self,
        kind: str,
        record: dict[str, Any],
        table: dict[str, dict[str, Any]],
        id_field: str,
        create: bool,
    ) -> list[str]:
        rid = record.get(id_field)
        others = [r for k, r in table.items() if k != rid]
        if kind == "Contacts":
            number = record.get("ContactNumber")
            if number and any(r.get("ContactNumber") == number for r in others):
                return [
                    f"The contact number {number} is already assigned to another contact. "
                    "The contact number must be unique."
                ]
            name = (record.get("Name") or "").lower()
            if any(
                (r.get("Name") or "").lower() == name
                and r.get("ContactStatus", "ACTIVE") == "ACTIVE"
                for r in others
            ):
                return [
                    f"The contact name {record.get('Name')} is already assigned to another "
                    "contact. The contact name must be unique across all active contacts."
                ]
        if kind == "Items" and any(r["Code"].lower() == record["Code"].lower() for r in others):
            return [f"Price List Item with Code '{record['Code']}' already exists"]
        if kind == "Invoices" and any(
            r["InvoiceNumber"] == record.get("InvoiceNumber") for r in others
        ):
            return ["Invoice # must be unique."]
        return []

    async def create_contacts(
        self, payloads: Sequence[dict[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return self._write("Contacts", payloads, idempotency_key, True)

    async def update_contacts(
        self, payloads: Sequence[dict[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return self._write("Contacts", payloads, idempotency_key, False)

    async def create_items(
        self, payloads: Sequence[dict[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return self._write("Items", payloads, idempotency_key, True)

    async def update_items(
        self, payloads: Sequence[dict[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return self._write("Items", payloads, idempotency_key, False)

    async def create_invoices(
        self, payloads: Sequence[dict[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return self._write("Invoices", payloads, idempotency_key, True)

    async def update_invoices(
        self, payloads: Sequence[dict[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        return self._write("Invoices", payloads, idempotency_key, False)

    def writes(self) -> int:
        return sum(n for k, n in self.calls.items() if k.startswith(("PUT", "POST")))


@pytest.fixture
def seed() -> dict[str, Any]:
    return load_seed("demo", now=NOW)


@pytest.fixture
def world(seed: dict[str, Any], tmp_path: Path) -> Iterator[tuple[FakeShopify, FakeXero, Settings]]:
    # The fakes model contacts, items and invoices; payments and refunds are tested against
    # the simulators (tests/sync/test_lifecycle*.py).
    settings = Settings.model_validate({"data_dir": str(tmp_path), "sync_payments": False})
    yield FakeShopify(seed["shopify"]), FakeXero(seed["xero"]), settings


async def _run(
    shop: FakeShopify, xero: FakeXero, settings: Settings, now: datetime = NOW, **kw: Any
) -> Any:
    with StateStore.open(settings.state_db_path) as store:
        engine = SyncEngine(
            store=store, shopify=shop, xero=xero, settings=settings, now=lambda: now
        )
        report = await engine.run(**kw)
        return report, store.errors.list_open()


async def test_first_import_syncs_every_record_or_queues_it(
    world: Any, seed: dict[str, Any]
) -> None:
    shop, xero, settings = world
    report, queued = await _run(shop, xero, settings)
    assert report.status == "failed_records"
    # Every customer is a contact (or queued); no ContactNumber twice.
    numbers = [c.get("ContactNumber") for c in xero.contacts.values() if c.get("ContactNumber")]
    assert len(numbers) == len(set(numbers))
    queued_customers = {q.shopify_id for q in queued if q.entity == "customers"}
    for customer in seed["shopify"]["customers"]:
        assert str(customer["id"]) in numbers or str(customer["id"]) in queued_customers
    # Names are unique among active contacts (two same-name customers both arrive).
    names = Counter(c["Name"].lower() for c in xero.contacts.values())
    assert max(names.values()) == 1
    # The hand-made contact with Sophie Martin's email was linked, not duplicated.
    sophie = [
        c for c in xero.contacts.values() if c.get("EmailAddress") == "sophie.martin@example.com"
    ]
    assert len(sophie) == 1 and sophie[0]["ContactID"].endswith("7a01")
    # The pre-existing item TEA-EARL-100 is linked, not duplicated.
    assert sum(i["Code"] == "TEA-EARL-100" for i in xero.items.values()) == 1
    # Every queued record names the record; the broken tax-rate order is among them.
    for entry in queued:
        assert entry.shopify_id in entry.message or entry.label, entry
    broken = [
        o for o in seed["shopify"]["orders"] if "broken:unknown-tax-rate" in (o.get("tags") or "")
    ]
    assert broken and str(broken[0]["id"]) in {q.shopify_id for q in queued if q.entity == "orders"}


async def test_second_run_without_changes_makes_no_xero_call(world: Any) -> None:
    shop, xero, settings = world
    await _run(shop, xero, settings)
    xero.calls.clear()
    shop.calls.clear()
    report, _ = await _run(shop, xero, settings, now=NOW + timedelta(minutes=1))
    assert sum(xero.calls.values()) == 0, xero.calls
    assert all(n <= 1 for n in shop.calls.values()), shop.calls
    assert report.total("created") == report.total("updated") == 0


async def test_changed_records_and_only_those_are_updated(world: Any, seed: dict[str, Any]) -> None:
    shop, xero, settings = world
    await _run(shop, xero, settings)
    customer = seed["shopify"]["customers"][3]
    later = NOW + timedelta(hours=1)
    shop.touch("customers", customer["id"], later, phone="+442070000999", first_name="Renamed")
    xero.calls.clear()
    report, _ = await _run(shop, xero, settings, now=later + timedelta(minutes=1))
    assert report.counts["customers"]["updated"] == 1
    assert xero.calls["POST Contacts"] == 1 and xero.writes() == 1, xero.calls
    contact = next(
        c for c in xero.contacts.values() if c.get("ContactNumber") == str(customer["id"])
    )
    assert contact["FirstName"] == "Renamed"


async def test_dry_run_writes_nothing(world: Any) -> None:
    shop, xero, settings = world
    report, _ = await _run(shop, xero, settings, dry_run=True)
    assert xero.writes() == 0
    assert report.plan["customers"] and report.counts["customers"]["created"] > 0
    # Orders are planned against the contacts and items this run would create.
    assert report.counts["orders"]["created"] == 56
    assert report.counts["orders"]["failed"] == 1  # the broken tax-rate order only
    with StateStore.open(settings.state_db_path) as store:
        assert store.mappings.count() == 0 and store.cursors.all() == {}


async def test_deleting_the_state_db_creates_no_duplicate(world: Any) -> None:
    shop, xero, settings = world
    await _run(shop, xero, settings)
    before = (len(xero.contacts), len(xero.items), len(xero.invoices))
    settings.state_db_path.unlink()
    for extra in ("-wal", "-shm"):
        Path(str(settings.state_db_path) + extra).unlink(missing_ok=True)
    xero.calls.clear()
    report, _ = await _run(shop, xero, settings, now=NOW + timedelta(minutes=5))
    assert (len(xero.contacts), len(xero.items), len(xero.invoices)) == before
    assert report.total("created") == 0
    assert xero.calls["PUT Contacts"] == xero.calls["PUT Items"] == xero.calls["PUT Invoices"] == 0


async def test_xero_calls_grow_with_batches_not_records(
    seed: dict[str, Any], tmp_path: Path
) -> None:
    base = seed["shopify"]["customers"][0]
    customers = [
        {
            **copy.deepcopy(base),
            "id": 9_000_000 + n,
            "first_name": f"Bulk{n}",
            "last_name": "Buyer",
            "email": f"bulk{n}@example.com",
        }
        for n in range(300)
    ]
    shop = FakeShopify({**seed["shopify"], "customers": customers, "products": [], "orders": []})
    xero = FakeXero(seed["xero"])
    settings = Settings.model_validate({"data_dir": str(tmp_path)})
    report, _ = await _run(shop, xero, settings)
    assert report.counts["customers"]["created"] == 300
    assert xero.calls["PUT Contacts"] == 6  # 300 / 50
    # + one paged read of all contacts + the preflight's Organisation/Accounts/TaxRates reads
    # (once per state DB, before the first write; sync.preflight)
    assert sum(xero.calls.values()) <= 11, xero.calls


async def test_interrupted_create_is_settled_not_repeated(world: Any) -> None:
    shop, xero, settings = world
    original = xero.create_contacts
    state = {"n": 0}

    async def lose_answer(
        payloads: Sequence[dict[str, Any]], *, idempotency_key: str
    ) -> list[ElementResult]:
        await original(payloads, idempotency_key=idempotency_key)  # written in Xero...
        state["n"] += 1
        from shopxero.errors import UnavailableError

        raise UnavailableError("connection dropped", service="xero", method="PUT", path="Contacts")

    xero.create_contacts = lose_answer  # type: ignore[method-assign]
    await _run(shop, xero, settings, only=["customers"])
    with StateStore.open(settings.state_db_path) as store:
        assert store.intents.open(), "create intents stay open after a lost answer"
    xero.create_contacts = original  # type: ignore[method-assign]
    count = len(xero.contacts)
    _report, _ = await _run(
        shop, xero, settings, now=NOW + timedelta(minutes=10), only=["customers"]
    )
    assert len(xero.contacts) == count  # nothing created twice
    with StateStore.open(settings.state_db_path) as store:
        assert store.intents.open() == []
        assert store.errors.list_open("customers") == []


async def test_paid_invoice_is_not_rewritten_but_queued_for_review(
    world: Any, seed: dict[str, Any]
) -> None:
    shop, xero, settings = world
    await _run(shop, xero, settings)
    invoice = next(iter(xero.invoices.values()))
    invoice["Status"] = "PAID"
    invoice["AmountPaid"] = 10
    order_id = next(
        o["id"]
        for o in seed["shopify"]["orders"]
        if f"SHOP-{o['order_number']}" == invoice["InvoiceNumber"]
    )
    later = NOW + timedelta(hours=2)
    shop.touch("orders", order_id, later, order_number=99999)
    xero.calls.clear()
    report, queued = await _run(shop, xero, settings, now=later + timedelta(minutes=1))
    assert xero.calls["POST Invoices"] == 0
    entry = next(q for q in queued if q.shopify_id == str(order_id))
    assert entry.error_class == "Conflict" and "PAID" in entry.message
    assert "review" in entry.message and not entry.retryable
    assert report.counts["orders"]["failed"] == 1


async def test_contact_edited_in_xero_is_overwritten_with_a_note(
    world: Any, seed: dict[str, Any]
) -> None:
    shop, xero, settings = world
    await _run(shop, xero, settings)
    customer = next(c for c in seed["shopify"]["customers"] if c.get("first_name"))
    contact = next(
        c for c in xero.contacts.values() if c.get("ContactNumber") == str(customer["id"])
    )
    contact["FirstName"] = "EditedInXero"
    contact["UpdatedDateUTC"] = format_xero_date(NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    shop.touch("customers", customer["id"], later, last_name="NewSurname")
    report, _ = await _run(shop, xero, settings, now=later + timedelta(minutes=1))
    stored = next(
        c for c in xero.contacts.values() if c.get("ContactNumber") == str(customer["id"])
    )
    assert stored["LastName"] == "NewSurname"
    assert stored["FirstName"] == customer["first_name"]  # Shopify wins over the Xero edit
    assert any("edited in Xero" in n and "Shopify wins" in n for n in report.notes)


async def test_transient_failure_is_queued_then_retried_by_a_later_run(world: Any) -> None:
    from shopxero.errors import UnavailableError

    shop, xero, settings = world
    original = xero.create_items

    calls = {"n": 0}

    async def down(payloads: Sequence[dict[str, Any]], *, idempotency_key: str) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:  # the first batch fails after the client's retries
            raise UnavailableError("503 offline", service="xero", method="PUT", path="Items")
        return await original(payloads, idempotency_key=idempotency_key)

    xero.create_items = down  # type: ignore[method-assign]
    report, queued = await _run(shop, xero, settings, only=["customers", "products"])
    assert report.counts["products"]["failed"] > 0
    assert queued and all(q.retryable and q.entity == "products" for q in queued)
    xero.create_items = original  # type: ignore[method-assign]
    report, queued = await _run(
        shop, xero, settings, now=NOW + timedelta(hours=1), only=["products"]
    )
    assert queued == []
    codes = [i["Code"].lower() for i in xero.items.values()]
    assert len(codes) == len(set(codes))
    assert report.counts["products"]["created"] > 0


async def test_day_budget_stops_the_run_cleanly(world: Any) -> None:
    from shopxero.errors import QuotaExhaustedError

    shop, xero, settings = world
    resume = NOW + timedelta(hours=9)

    async def spent(payloads: Sequence[dict[str, Any]], *, idempotency_key: str) -> Any:
        raise QuotaExhaustedError(
            "day budget", resume_at=resume, service="xero", method="PUT", path="Items"
        )

    xero.create_items = spent  # type: ignore[method-assign]
    report, _ = await _run(shop, xero, settings)
    assert report.status == "stopped"
    assert resume.isoformat() in (report.message or "")
    with StateStore.open(settings.state_db_path) as store:
        cursors = store.cursors.all()
        assert "customers" in cursors  # committed work is checkpointed
        assert "products" not in cursors and "orders" not in cursors
        assert store.intents.open() == []  # nothing was sent


async def test_name_taken_by_an_unrelated_xero_contact_is_disambiguated(
    world: Any, seed: dict[str, Any]
) -> None:
    shop, xero, settings = world
    customer = seed["shopify"]["customers"][7]
    name = f"{customer['first_name']} {customer['last_name']}".strip()
    xero.contacts["unrelated"] = {
        "ContactID": "unrelated",
        "Name": name,
        "EmailAddress": "someone.else@example.org",
        "ContactStatus": "ACTIVE",
        "UpdatedDateUTC": format_xero_date(NOW),
    }
    await _run(shop, xero, settings, only=["customers"])
    ours = next(c for c in xero.contacts.values() if c.get("ContactNumber") == str(customer["id"]))
    assert ours["Name"] == f"{name} ({customer['id']})"
    assert xero.contacts["unrelated"]["EmailAddress"] == "someone.else@example.org"


async def test_dry_run_shows_the_diff_of_an_update(world: Any, seed: dict[str, Any]) -> None:
    shop, xero, settings = world
    await _run(shop, xero, settings)
    customer = seed["shopify"]["customers"][4]
    later = NOW + timedelta(hours=1)
    shop.touch("customers", customer["id"], later, last_name="Diffed")
    xero.calls.clear()
    report, _ = await _run(shop, xero, settings, now=later, dry_run=True)
    assert xero.writes() == 0
    (change,) = report.plan["customers"]
    assert change.action == "update"
    assert any("Diffed" in str(new) for _old, new in change.diff.values())


async def test_cursor_is_capped_at_the_run_start_and_lookback_refetches(
    world: Any, seed: dict[str, Any]
) -> None:
    shop, xero, settings = world
    future = NOW + timedelta(days=1)
    shop.touch("customers", seed["shopify"]["customers"][0]["id"], future)
    await _run(shop, xero, settings, only=["customers"])
    with StateStore.open(settings.state_db_path) as store:
        assert store.cursors.get("customers") == NOW  # not the record's future updated_at
    # The next run asks Shopify for records since cursor - lookback (10 minutes by default).
    seen: list[datetime | None] = []
    original = shop.iter_customers

    def spy(*, updated_at_min: datetime | None = None) -> Any:
        seen.append(updated_at_min)
        return original(updated_at_min=updated_at_min)

    shop.iter_customers = spy  # type: ignore[method-assign]
    await _run(shop, xero, settings, now=NOW + timedelta(hours=1), only=["customers"])
    assert seen == [NOW - timedelta(minutes=10)]
    # Before any read, the client was told every read of the run at once, with the same
    # starting points (a GraphQL client asks for them in one query): none for the first run.
    assert shop.prepared == [
        {"customers": None},
        {"customers": NOW - timedelta(minutes=10)},
    ]


async def test_due_retryable_errors_are_fetched_again_by_id(
    seed: dict[str, Any], tmp_path: Path
) -> None:
    """Outside the lookback window a queued record is re-read by id once its backoff passed."""
    from shopxero.errors import UnavailableError

    shop, xero = FakeShopify(seed["shopify"]), FakeXero(seed["xero"])
    settings = Settings.model_validate({"data_dir": str(tmp_path), "lookback_minutes": 0})
    original = xero.create_contacts
    failing = {"on": True}

    async def flaky(payloads: Sequence[dict[str, Any]], *, idempotency_key: str) -> Any:
        if failing["on"] and any(p.get("ContactNumber") == str(victim) for p in payloads):
            raise UnavailableError("503", service="xero", method="PUT", path="Contacts")
        return await original(payloads, idempotency_key=idempotency_key)

    customers = sorted(seed["shopify"]["customers"], key=lambda c: c["updated_at"])
    victim = customers[0]["id"]  # the oldest: outside "cursor - 0 minutes" from now on
    xero.create_contacts = flaky  # type: ignore[method-assign]
    _, queued = await _run(shop, xero, settings, only=["customers"])
    queued_ids = {q.shopify_id for q in queued}
    assert str(victim) in queued_ids  # its whole batch was queued
    newest = max(datetime.fromisoformat(c["updated_at"]) for c in customers)
    relisted = {
        str(c["id"]) for c in customers if datetime.fromisoformat(c["updated_at"]) >= newest
    }
    failing["on"] = False
    shop.calls.clear()
    _, queued = await _run(shop, xero, settings, now=NOW + timedelta(hours=1), only=["customers"])
    assert queued == []
    # Every queued customer not in the new listing was read again by id, once.
    assert shop.calls["get_customers"] == len(queued_ids - relisted) > 0
    assert any(c.get("ContactNumber") == str(victim) for c in xero.contacts.values())


async def test_xero_down_stops_the_run_after_two_failed_batches(
    seed: dict[str, Any], tmp_path: Path
) -> None:
    from shopxero.errors import UnavailableError

    base = seed["shopify"]["customers"][0]
    customers = [
        {**copy.deepcopy(base), "id": 8_000_000 + n, "first_name": f"Down{n}", "email": None}
        for n in range(200)
    ]
    shop = FakeShopify({**seed["shopify"], "customers": customers, "products": [], "orders": []})
    xero = FakeXero(seed["xero"])
    sent: list[int] = []

    async def down(payloads: Sequence[dict[str, Any]], *, idempotency_key: str) -> Any:
        sent.append(len(payloads))
        raise UnavailableError("503 offline", service="xero", method="PUT", path="Contacts")

    xero.create_contacts = down  # type: ignore[method-assign]
    settings = Settings.model_validate({"data_dir": str(tmp_path)})
    with pytest.raises(UnavailableError):
        await _run(shop, xero, settings)
    assert sent == [50, 50]  # not all four batches
    with StateStore.open(settings.state_db_path) as store:
        assert len(store.errors.list_open("customers")) == 100
        assert store.cursors.get("customers") is None
        (run,) = store.runs.recent(1)
        assert run.status == "error"


async def test_duplicate_key_refusal_links_the_existing_record(world: Any) -> None:
    """Xero refuses a create because the Code exists (our read missed it): link, don't fail."""
    shop, xero, settings = world
    await _run(shop, xero, settings, only=["products"])
    items_before = dict(xero.items)
    settings.state_db_path.unlink()
    for extra in ("-wal", "-shm"):
        Path(str(settings.state_db_path) + extra).unlink(missing_ok=True)
    original = xero.list_items

    async def stale_list(*, code: str | None = None, modified_since: Any = None) -> Any:
        if code is None:
            return []  # the whole-list read misses everything
        return await original(code=code, modified_since=modified_since)

    xero.list_items = stale_list  # type: ignore[method-assign]
    report, queued = await _run(
        shop, xero, settings, now=NOW + timedelta(minutes=5), only=["products"]
    )
    assert set(xero.items) == set(items_before)  # no item created twice
    assert report.counts["products"]["created"] == 0
    assert report.counts["products"]["linked"] == len(items_before)
    assert queued == []
    with StateStore.open(settings.state_db_path) as store:
        assert store.mappings.count("item") == report.counts["products"]["linked"]


async def test_create_refused_for_a_taken_name_retries_under_a_stable_new_name(
    world: Any, seed: dict[str, Any]
) -> None:
    shop, xero, settings = world
    await _run(shop, xero, settings, only=["customers"])
    newcomer = {
        **copy.deepcopy(seed["shopify"]["customers"][1]),
        "id": 7_999_000_001,
        "first_name": "Taken",
        "last_name": "Name",
        "email": "newcomer@example.com",
        "updated_at": (NOW + timedelta(hours=1)).isoformat(),
    }
    shop.data["customers"].append(newcomer)
    xero.contacts["hand-made"] = {
        "ContactID": "hand-made",
        "Name": "Taken Name",
        "EmailAddress": "someone@else.example",
        "ContactStatus": "ACTIVE",
        "UpdatedDateUTC": format_xero_date(NOW),
    }

    async def stale_find(**_: Any) -> list[dict[str, Any]]:
        return []  # the lookups miss the hand-made contact: only the PUT reveals the clash

    xero.find_contacts = stale_find  # type: ignore[method-assign]
    report, queued = await _run(shop, xero, settings, now=NOW + timedelta(hours=2))
    ours = next(c for c in xero.contacts.values() if c.get("ContactNumber") == "7999000001")
    assert ours["Name"] == "Taken Name (7999000001)"
    assert report.counts["customers"]["created"] == 1
    assert not any(q.entity == "customers" for q in queued)
    with StateStore.open(settings.state_db_path) as store:
        mapping = store.mappings.get("contact", "7999000001")
        assert mapping is not None and mapping.chosen_name == "Taken Name (7999000001)"


async def test_orders_wait_for_their_contact_and_items(world: Any) -> None:
    shop, xero, settings = world
    report, queued = await _run(shop, xero, settings, only=["orders"])
    assert xero.calls["PUT Invoices"] == 0  # never sent without contact and items
    waiting = [q for q in queued if q.error_class == "DependencyError"]
    assert waiting and all(q.retryable for q in waiting)
    assert any("sync customers first" in q.message for q in waiting)
    await _run(shop, xero, settings, now=NOW + timedelta(minutes=1), only=["customers", "products"])
    with StateStore.open(settings.state_db_path) as store:
        retry = store.errors.list_open("orders")
        engine = SyncEngine(
            store=store, shopify=shop, xero=xero, settings=settings, now=lambda: NOW
        )
        report = await engine.run(retry=retry)
        left = store.errors.list_open("orders")
    assert report.counts["orders"]["created"] > 0
    assert [q.error_class for q in left] == ["MappingError"]  # only the broken tax-rate order


async def test_writer_splits_by_size_and_queues_an_element_too_big_for_any_request(
    seed: dict[str, Any],
) -> None:
    from shopxero.engine.context import RunContext
    from shopxero.engine.plan import Action, Desired, PlannedChange
    from shopxero.engine.run_report import RunReport
    from shopxero.engine.writer import send_changes

    xero = FakeXero(seed["xero"])
    store = StateStore.open(":memory:")
    ctx = RunContext(
        store=store,
        shopify=None,
        xero=xero,
        settings=Settings.model_validate({}),
        org=None,  # type: ignore[arg-type]
        report=RunReport(started_at=NOW),
        started_at=NOW,
        now=lambda: NOW,
    )

    def change(n: int, size: int) -> PlannedChange:
        payload = {"Code": f"C{n}", "Name": f"Item {n}", "Description": "x" * size}
        desired = Desired("item", str(n), f"C{n}", payload, f"sum{n}", f"variant {n}")
        return PlannedChange(Action.CREATE, desired)

    changes = [change(n, 900_000) for n in range(5)] + [change(99, 3_600_000)]
    result = await send_changes(ctx, changes)
    assert len(result.ok) == 5
    assert xero.calls["PUT Items"] == 2  # 3 x 0.9 MB fit under 3.5 MB, then 2 more
    (entry,) = store.errors.list_open()
    assert entry.shopify_id == "99" and "bytes" in entry.message
    store.close()


async def test_a_permanently_refused_record_is_not_resent_until_it_changes_or_is_retried(
    world: Any, seed: dict[str, Any]
) -> None:
    shop, xero, settings = world
    customer = seed["shopify"]["customers"][6]
    original = xero._errors

    def refuse_one(kind: str, record: dict[str, Any], *args: Any) -> list[str]:
        if kind == "Contacts" and record.get("ContactNumber") == str(customer["id"]):
            return ["Email address must be valid."]
        return original(kind, record, *args)

    xero._errors = refuse_one  # type: ignore[method-assign]
    _, queued = await _run(shop, xero, settings, only=["customers"])
    (entry,) = [q for q in queued if q.entity == "customers"]
    assert entry.validation_messages == ["Email address must be valid."]
    # The record is re-read (lookback) but, unchanged, it is not sent again.
    shop.touch("customers", customer["id"], NOW)  # inside the lookback window
    xero.calls.clear()
    _, queued = await _run(shop, xero, settings, now=NOW + timedelta(minutes=1), only=["customers"])
    assert xero.writes() == 0 and len(queued) == 1
    # `errors retry --id` sends it again (here Xero has been fixed meanwhile).
    xero._errors = original  # type: ignore[method-assign]
    with StateStore.open(settings.state_db_path) as store:
        engine = SyncEngine(
            store=store, shopify=shop, xero=xero, settings=settings, now=lambda: NOW
        )
        report = await engine.run(retry=store.errors.list_open())
        assert store.errors.list_open() == []
    assert report.counts["customers"]["created"] == 1


async def test_unusable_mapping_settings_stop_the_run_as_a_config_error(
    seed: dict[str, Any], tmp_path: Path
) -> None:
    from shopxero.errors import ConfigError

    shopify = {**seed["shopify"], "shop": {**seed["shopify"]["shop"], "iana_timezone": "Mars/Base"}}
    shop, xero = FakeShopify(shopify), FakeXero(seed["xero"])
    settings = Settings.model_validate({"data_dir": str(tmp_path)})
    with pytest.raises(ConfigError, match="Mars/Base"):
        await _run(shop, xero, settings, only=["products"])
