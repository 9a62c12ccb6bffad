"""The simulated shop's records, held in memory in Shopify's REST shapes.

The seed is ``{"shop": {...}, "customers": [...], "products": [...], "orders": [...]}``; an
order carries its ``refunds`` and ``transactions`` inside it (REST serves transactions from their
own endpoint; ``views.py`` strips them from the order JSON). Shopify Payments ``payouts`` and
``balance_transactions`` (``seeds/payouts.py`` generates them from the orders) are optional lists
in the same REST shapes. Records are replaced, never mutated
in place, so a reader holding a snapshot list is never surprised by a concurrent upsert.
"""

from __future__ import annotations

import copy
import json
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.shopify.money_sets import align_money_sets

__all__ = ["GRAPHQL_TYPES", "KINDS", "PAYMENT_RESOURCES", "RESOURCES", "ShopStore"]

Record = dict[str, Any]

RESOURCES: tuple[str, ...] = ("customers", "products", "orders")
# Read-only Shopify Payments records: no created_at/updated_at of their own (shopify-api-notes §9).
PAYMENT_RESOURCES: tuple[str, ...] = ("payouts", "balance_transactions")
KINDS: tuple[str, ...] = RESOURCES + PAYMENT_RESOURCES
GRAPHQL_TYPES = {"customers": "Customer", "products": "Product", "orders": "Order"}


def _index(kind: str, records: Any) -> dict[int, Record]:
    """Records by id; ``records`` is a private copy already (decoded from the seed's JSON)."""
    if records is None:
        return {}
    if not isinstance(records, list):
        raise ValueError(f"{kind}: expected a list of records, got {type(records).__name__}")
    return {_record_id(kind, i, record): record for i, record in enumerate(records)}


def _record_id(kind: str, position: int, record: Any) -> int:
    if not isinstance(record, dict):
        raise ValueError(f"{kind}[{position}]: expected an object, got {type(record).__name__}")
    record_id = record.get("id")
    if isinstance(record_id, bool) or not isinstance(record_id, int) or record_id <= 0:
        raise ValueError(f"{kind}[{position}].id: expected a positive integer, got {record_id!r}")
    return record_id


class ShopStore:
    """Customers, products, orders, payouts and balance transactions by id, plus the shop;
    ``reset`` returns to the seed."""

    def __init__(self, seed: dict[str, Any], clock: SandboxClock) -> None:
        if not isinstance(seed, dict):
            raise ValueError("the Shopify seed must be an object")
        # The seed is kept as JSON text: decoding it is a fast private copy for every reset (a
        # bench seed's deepcopy takes seconds), and it proves the seed is plain REST JSON.
        orders = seed.get("orders")
        if isinstance(orders, list):  # a hand-written seed's plain amounts get their MoneyBags
            aligned = [align_money_sets(o) if isinstance(o, dict) else o for o in orders]
            seed = {**seed, "orders": aligned}
        try:
            self._seed_json = json.dumps(seed)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the Shopify seed must be plain JSON (REST shapes): {exc}") from None
        self.clock = clock
        self._lock = threading.Lock()
        self.shop: Record = {}
        self._records: dict[str, dict[int, Record]] = {}
        self.reset()

    def reset(self) -> None:
        seed = json.loads(self._seed_json)
        records = {kind: _index(kind, seed.get(kind)) for kind in KINDS}
        with self._lock:
            self.shop = seed.get("shop") or {}
            self._records = records

    # -- reading -----------------------------------------------------------------------------

    def all(self, kind: str) -> list[Record]:
        """A snapshot of one resource's records, by id ascending."""
        with self._lock:
            table = self._records[kind]
            return [table[k] for k in sorted(table)]

    def get(self, kind: str, record_id: int) -> Record | None:
        with self._lock:
            return self._records[kind].get(record_id)

    def state(self) -> dict[str, Any]:
        with self._lock:
            snapshot = {
                "shop": self.shop,
                **{kind: [t[k] for k in sorted(t)] for kind, t in self._records.items()},
            }
            text = json.dumps(snapshot)
        state: dict[str, Any] = json.loads(text)  # a copy the caller may change freely
        return state

    # -- time in the shop's own offset --------------------------------------------------------

    def shop_zone(self) -> ZoneInfo:
        name = self.shop.get("iana_timezone")
        if isinstance(name, str) and name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return ZoneInfo("UTC")

    def now_text(self) -> str:
        """Now on the sandbox clock, as Shopify writes it: ``2026-11-26T10:40:00-05:00``."""
        now = self.clock.now().astimezone(self.shop_zone()).replace(microsecond=0)
        return now.isoformat()

    def local_time(self, moment: datetime) -> str:
        return moment.astimezone(self.shop_zone()).replace(microsecond=0).isoformat()

    # -- writing (the /_sandbox/records control endpoint) --------------------------------------

    def upsert_records(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Merge records onto existing ones by id (new ids are created) and delete on request.

        ``"shop": {...}`` merges onto the shop (e.g. to switch ``taxes_included``).
        Every touched customer, product or order gets ``updated_at`` = now, so incremental syncs
        see it; payouts and balance transactions have no such field and are merged as given
        (e.g. a payout turning ``paid``; its transactions' ``payout_status`` follows). The merge
        is shallow: a key given replaces that key's whole value (e.g. all ``line_items``); an
        order's ``*_set`` MoneyBags are then rebuilt where they disagree with the plain amounts.
        Validation happens before any change, so a bad payload changes nothing.
        """
        if not isinstance(payload, dict):
            raise ValueError("records payload must be an object")
        unknown = set(payload) - {*KINDS, "delete", "shop"}
        if unknown:
            raise ValueError(f"unknown record kinds {sorted(unknown)}; use {list(KINDS)}")
        upserts: dict[str, list[tuple[int, Record]]] = {}
        # The result counts customers, products and orders always, payment records when sent.
        for kind in (*RESOURCES, *(k for k in PAYMENT_RESOURCES if k in payload)):
            records = payload.get(kind) or []
            if not isinstance(records, list):
                raise ValueError(f"{kind}: expected a list of records")
            upserts[kind] = [
                (_record_id(kind, i, r), copy.deepcopy(r)) for i, r in enumerate(records)
            ]
        deletes = _parse_deletes(payload.get("delete"))
        shop = payload.get("shop")
        if shop is not None and not isinstance(shop, dict):
            raise ValueError("shop: expected an object of shop.json fields")
        now = self.now_text()
        result: dict[str, Any] = {"created": {}, "updated": {}, "deleted": {}}
        with self._lock:
            if shop:
                self.shop = {**self.shop, **copy.deepcopy(shop), "updated_at": now}
                result["updated"]["shop"] = 1
            for kind, items in upserts.items():
                created = updated = 0
                table = self._records[kind]
                for record_id, incoming in items:
                    existing = table.get(record_id)
                    merged = {**existing, **incoming} if existing else incoming
                    if kind == "orders":  # plain amounts changed: their MoneyBags follow
                        merged = align_money_sets(merged)
                    stamped = kind in RESOURCES
                    if existing is None:
                        created += 1
                        if stamped:
                            merged.setdefault("created_at", now)
                            merged.setdefault(
                                "admin_graphql_api_id",
                                f"gid://shopify/{GRAPHQL_TYPES[kind]}/{record_id}",
                            )
                    else:
                        updated += 1
                    if stamped:
                        merged["updated_at"] = now
                    table[record_id] = merged
                result["created"][kind] = created
                result["updated"][kind] = updated
            for kind, ids in deletes.items():
                table = self._records[kind]
                gone = [i for i in ids if table.pop(i, None) is not None]
                result["deleted"][kind] = len(gone)
                if kind == "products" and gone:
                    self._orphan_line_items(set(gone))
        return result

    def _orphan_line_items(self, product_ids: set[int]) -> None:
        """Orders keep lines of deleted products, without the links
        (shopify-api-notes §8 pitfall 4)."""
        orders = self._records["orders"]
        for order_id, order in list(orders.items()):
            lines = order.get("line_items") or []
            if not any(
                isinstance(li, dict) and li.get("product_id") in product_ids for li in lines
            ):
                continue
            new_lines = []
            for line in lines:
                if isinstance(line, dict) and line.get("product_id") in product_ids:
                    line = {**line, "product_id": None, "variant_id": None, "product_exists": False}
                new_lines.append(line)
            orders[order_id] = {**order, "line_items": new_lines}


def _parse_deletes(spec: Any) -> dict[str, list[int]]:
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise ValueError('delete: expected {"products": [ids], ...}')
    out: dict[str, list[int]] = {}
    for kind, ids in spec.items():
        if kind not in KINDS:
            raise ValueError(f"delete: unknown record kind {kind!r}; use {list(KINDS)}")
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise ValueError(f"delete.{kind}: expected a list of integer ids")
        out[kind] = list(ids)
    return out
