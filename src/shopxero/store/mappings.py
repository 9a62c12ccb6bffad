"""Mappings: which Xero record each Shopify record became, and what we last sent it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shopxero.store.values import dt_from_text, dt_to_text, utcnow

__all__ = ["MappingRecord", "MappingRepo"]


@dataclass(frozen=True)
class MappingRecord:
    """One Shopify record's Xero counterpart.

    ``entity`` is the Xero kind ("contact", "item", "invoice"); ``shopify_id`` the customer,
    variant or order id as text; ``natural_key`` the ContactNumber / Item Code / InvoiceNumber.
    ``chosen_name`` is the contact name we picked (stable disambiguation across runs) for the
    Shopify base name ``base_name``.
    """

    entity: str
    shopify_id: str
    xero_id: str
    natural_key: str
    checksum: str | None = None
    payload: dict[str, Any] | None = None
    xero_updated_utc: datetime | None = None
    base_name: str | None = None
    chosen_name: str | None = None
    last_synced: datetime | None = None


_IDS_PER_STATEMENT = 500
_COLUMNS = (
    "entity, shopify_id, xero_id, natural_key, checksum, payload_json, xero_updated_utc, "
    "base_name, chosen_name, last_synced"
)


def _row(row: tuple[Any, ...]) -> MappingRecord:
    return MappingRecord(
        entity=row[0],
        shopify_id=row[1],
        xero_id=row[2],
        natural_key=row[3],
        checksum=row[4],
        payload=json.loads(row[5]) if row[5] else None,
        xero_updated_utc=dt_from_text(row[6]),
        base_name=row[7],
        chosen_name=row[8],
        last_synced=dt_from_text(row[9]),
    )


class MappingRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, entity: str, shopify_id: str) -> MappingRecord | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM mappings WHERE entity = ? AND shopify_id = ?",
            (entity, shopify_id),
        ).fetchone()
        return _row(row) if row else None

    def by_natural_key(self, entity: str, natural_key: str) -> MappingRecord | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM mappings WHERE entity = ? AND natural_key = ?",
            (entity, natural_key),
        ).fetchone()
        return _row(row) if row else None

    def by_xero_id(self, entity: str, xero_id: str) -> MappingRecord | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM mappings WHERE entity = ? AND xero_id = ?",
            (entity, xero_id),
        ).fetchone()
        return _row(row) if row else None

    def all(self, entity: str) -> list[MappingRecord]:
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM mappings WHERE entity = ? ORDER BY shopify_id", (entity,)
        ).fetchall()
        return [_row(r) for r in rows]

    def many(self, entity: str, shopify_ids: Iterable[str]) -> dict[str, MappingRecord]:
        """The mappings of these records, by shopify_id: read by id (500 a statement, under
        SQLite's bound on parameters), so a chunk of orders never loads every mapping."""
        wanted = sorted(set(shopify_ids))
        found: dict[str, MappingRecord] = {}
        for start in range(0, len(wanted), _IDS_PER_STATEMENT):
            part = wanted[start : start + _IDS_PER_STATEMENT]
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM mappings WHERE entity = ? AND shopify_id IN "
                f"({', '.join('?' * len(part))})",
                (entity, *part),
            ).fetchall()
            found.update((m.shopify_id, m) for m in map(_row, rows))
        return found

    def count(self, entity: str | None = None) -> int:
        if entity is None:
            return int(self._conn.execute("SELECT count(*) FROM mappings").fetchone()[0])
        return int(
            self._conn.execute(
                "SELECT count(*) FROM mappings WHERE entity = ?", (entity,)
            ).fetchone()[0]
        )

    def any_without_payload(self, entity: str) -> bool:
        """Whether some ``entity`` mapping holds no payload (e.g. a payment recorded before
        payments kept the account they went to)."""
        row = self._conn.execute(
            "SELECT 1 FROM mappings WHERE entity = ? AND payload_json IS NULL LIMIT 1", (entity,)
        ).fetchone()
        return row is not None

    def names_in_use(self) -> dict[str, str]:
        """Lower-cased chosen contact name -> the Shopify id holding it."""
        rows = self._conn.execute(
            "SELECT chosen_name, shopify_id FROM mappings "
            "WHERE entity = 'contact' AND chosen_name IS NOT NULL"
        ).fetchall()
        return {str(name).casefold(): str(sid) for name, sid in rows}

    def upsert(self, record: MappingRecord) -> None:
        """Insert or replace the mapping of (entity, shopify_id)."""
        last = record.last_synced or utcnow()
        self._conn.execute(
            f"INSERT INTO mappings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (entity, shopify_id) DO UPDATE SET xero_id = excluded.xero_id, "
            "natural_key = excluded.natural_key, checksum = excluded.checksum, "
            "payload_json = excluded.payload_json, xero_updated_utc = excluded.xero_updated_utc, "
            "base_name = excluded.base_name, chosen_name = excluded.chosen_name, "
            "last_synced = excluded.last_synced",
            (
                record.entity,
                record.shopify_id,
                record.xero_id,
                record.natural_key,
                record.checksum,
                json.dumps(record.payload, sort_keys=True, default=str)
                if record.payload is not None
                else None,
                dt_to_text(record.xero_updated_utc) if record.xero_updated_utc else None,
                record.base_name,
                record.chosen_name,
                dt_to_text(last),
            ),
        )

    def delete(self, entity: str, shopify_id: str) -> None:
        self._conn.execute(
            "DELETE FROM mappings WHERE entity = ? AND shopify_id = ?", (entity, shopify_id)
        )
