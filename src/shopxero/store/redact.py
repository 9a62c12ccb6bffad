"""Erase one Shopify customer's personal data from the state DB (``shopxero redact``).

Shopify's ``customers/redact`` asks an app to delete what it stores about a customer. In the
state DB that is:

- the customer's own rows: its contact mapping's payload and names (the mapping itself stays, so
  the sync still knows which Xero contact is its and sends nothing), its error-queue entries'
  label, message and Xero messages, and every run note that names the customer;
- its records inside the bodies kept of failed calls (one batch carries many customers): each
  JSON object that is this customer (ContactNumber / id) is cut out, even from a truncated body;
- copies elsewhere: the API-call log (paths, queries, errors, bodies), error-queue entries that
  are not another customer's (the customer's orders), run messages, any newer table. There each
  of the customer's values (email, phones, names, address lines, postcode) is replaced wherever
  it occurs, as stored: plain, JSON-escaped or URL-encoded. Other records' mappings are left
  alone: a name two customers share stays with the other one.

Afterwards ``VACUUM`` and a WAL checkpoint, so the old bytes are in no free page and no WAL frame.
Redacting again finds nothing more (idempotent).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "RedactionRepo", "RedactionResult", "contact_values", "cut_records"]

REDACTED = "[redacted]"
# Columns that hold keys, states and times, never personal data (and must keep their values).
_KEY_COLUMNS = frozenset(
    {
        "entity",
        "shopify_id",
        "xero_id",
        "natural_key",
        "checksum",
        "idempotency_key",
        "operation",
        "state",
        "status",
        "service",
        "method",
        "error_class",
        "request_id",
    }
)
# Not scrubbed by value: schema bookkeeping, the organisation's own settings, and the mappings
# (other records' payloads and names; a name two customers share stays with the other one).
_SKIP_TABLES = frozenset({"_migrations", "xero_cache", "cursors", "mappings"})
# Rows that belong to other customers keep their text (same reason).
_OTHER_ROWS = {"error_queue": "NOT (entity = 'customers' AND shopify_id != ?)"}
# Values shorter than this are only removed from the customer's own rows (a two-letter name
# would otherwise hit unrelated text).
MIN_VALUE_LENGTH = 4
_CONTACT_TEXT_FIELDS = ("Name", "FirstName", "LastName", "EmailAddress", "CompanyNumber")
_ADDRESS_FIELDS = (
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "AddressLine4",
    "PostalCode",
    "AttentionTo",
)


@dataclass
class RedactionResult:
    """What one redaction changed: rows per "table.column", and the kinds of values found."""

    customer_id: str
    changed: dict[str, int] = field(default_factory=dict)
    value_kinds: list[str] = field(default_factory=list)
    mapping_found: bool = False

    @property
    def total(self) -> int:
        return sum(self.changed.values())

    def bump(self, table: str, column: str, n: int = 1) -> None:
        if n:
            key = f"{table}.{column}"
            self.changed[key] = self.changed.get(key, 0) + n


def contact_values(payload: dict[str, Any]) -> dict[str, str]:
    """The personal values of a Xero contact payload, by kind (email, phone, name, address)."""
    values: dict[str, str] = {}
    for key in _CONTACT_TEXT_FIELDS:
        if isinstance(payload.get(key), str):
            kind = "email" if key == "EmailAddress" else "name"
            values[str(payload[key])] = kind
    first, last = payload.get("FirstName"), payload.get("LastName")
    if isinstance(first, str) and isinstance(last, str):
        values[f"{first} {last}"] = "name"
    for phone in payload.get("Phones") or []:
        if isinstance(phone, dict) and isinstance(phone.get("PhoneNumber"), str):
            values[phone["PhoneNumber"]] = "phone"
    for address in payload.get("Addresses") or []:
        if not isinstance(address, dict):
            continue
        for key in _ADDRESS_FIELDS:
            if isinstance(address.get(key), str):
                values[address[key]] = "address"
    return values


def _record_keys(customer_id: str) -> re.Pattern[str]:
    """Where a JSON record says it is this customer: Xero's ContactNumber, Shopify's id."""
    cid = re.escape(customer_id)
    return re.compile(rf'"(?:ContactNumber|id)"\s*:\s*"?{cid}(?!\d)')


def _enclosing_objects(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """(start, end) of the innermost JSON object around each position (end of text when the
    body was truncated before it closed). A small scanner that knows strings and escapes."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    pending = sorted(positions)
    opened: dict[int, int] = {}  # object start -> position it was found for
    in_string = escaped = False
    for i, char in enumerate(text):
        while pending and pending[0] == i:
            if stack:
                opened.setdefault(stack[-1], i)
            pending.pop(0)
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "{":
            stack.append(i)
        elif char == "}" and stack:
            start = stack.pop()
            if start in opened:
                spans.append((start, i + 1))
                del opened[start]
    spans.extend((start, len(text)) for start in opened)
    return spans


def cut_records(body: str, customer_id: str) -> tuple[str, dict[str, str]]:
    """``body`` (JSON, maybe truncated) with each record of the customer replaced by a marker,
    and the personal values those records held (when a record is complete JSON)."""
    positions = [m.start() for m in _record_keys(customer_id).finditer(body)]
    if not positions:
        return body, {}
    values: dict[str, str] = {}
    spans = _enclosing_objects(body, positions)
    marker = json.dumps({"redacted": REDACTED})
    # Outermost spans only, cut from the end so earlier offsets stay valid.
    outer = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    for start, end in sorted(outer, reverse=True):
        try:
            record = json.loads(body[start:end])
        except ValueError:
            record = None
        if isinstance(record, dict):
            values.update(contact_values(record))
            for key in ("email", "phone", "first_name", "last_name"):
                if isinstance(record.get(key), str):
                    values[record[key]] = "email" if key == "email" else "name"
        body = body[:start] + marker + body[end:]
    return body, values


def _forms(value: str) -> set[str]:
    """How ``value`` may be stored: as is, JSON-escaped (ASCII or not), URL-encoded."""
    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value, safe=""),
        quote_plus(value, safe=""),
    }


def _pattern(values: Iterable[str]) -> re.Pattern[str] | None:
    forms = sorted(
        {f for v in values if len(v.strip()) >= MIN_VALUE_LENGTH for f in _forms(v.strip())},
        key=len,
        reverse=True,  # longest first: "Jane Smith" before "Jane"
    )
    if not forms:
        return None
    # Not inside a longer word ("Anna" must not eat "Annabel"); a digit may touch it, as in a
    # URL-encoded query (``%22Anna%22``).
    alternatives = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])", re.IGNORECASE)


class RedactionRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def redact_customer(self, customer_id: str, extra_values: dict[str, str]) -> RedactionResult:
        """Remove customer ``customer_id``'s personal data (``extra_values``: value -> kind)."""
        result = RedactionResult(customer_id=customer_id)
        self._conn.execute("PRAGMA secure_delete = ON")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            values = dict(extra_values)
            values.update(self._own_contact(customer_id, result))
            values.update(self._bodies(customer_id, result))
            self._own_queue_entries(customer_id, result)
            self._own_notes(customer_id, result)
            pattern = _pattern(values)
            if pattern is not None:
                self._scrub_everywhere(pattern, customer_id, result)
            result.value_kinds = sorted(set(values.values()))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        # Old row versions may survive in free pages and WAL frames until these run.
        self._conn.execute("VACUUM")
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return result

    def _own_contact(self, customer_id: str, result: RedactionResult) -> dict[str, str]:
        row = self._conn.execute(
            "SELECT payload_json, base_name, chosen_name, xero_id FROM mappings "
            "WHERE entity = 'contact' AND shopify_id = ?",
            (customer_id,),
        ).fetchone()
        if row is None:
            return {}
        result.mapping_found = True
        values: dict[str, str] = {}
        if row[0]:
            values.update(contact_values(json.loads(row[0])))
        for name in (row[1], row[2]):
            if name:
                values[str(name)] = "name"
        if any(row[:3]):
            self._conn.execute(
                "UPDATE mappings SET payload_json = NULL, base_name = NULL, chosen_name = NULL "
                "WHERE entity = 'contact' AND shopify_id = ?",
                (customer_id,),
            )
            columns = ("payload_json", "base_name", "chosen_name")
            for column, value in zip(columns, row[:3], strict=True):
                result.bump("mappings", column, 1 if value else 0)
        return values

    def _bodies(self, customer_id: str, result: RedactionResult) -> dict[str, str]:
        """Cut the customer's records out of the bodies kept of failed calls; their values."""
        columns = [c for c in ("request_body", "response_body") if c in self._columns("api_calls")]
        values: dict[str, str] = {}
        for column in columns:
            rows = self._conn.execute(
                f'SELECT id, "{column}" FROM api_calls WHERE "{column}" LIKE ?',
                (f"%{customer_id}%",),
            ).fetchall()
            for call_id, body in rows:
                cut, found = cut_records(str(body), customer_id)
                values.update(found)
                if cut != body:
                    self._conn.execute(
                        f'UPDATE api_calls SET "{column}" = ? WHERE id = ?', (cut, call_id)
                    )
                    result.bump("api_calls", column)
        return values

    def _own_queue_entries(self, customer_id: str, result: RedactionResult) -> None:
        cursor = self._conn.execute(
            "UPDATE error_queue SET label = ?, message = ?, validation_json = '[]' "
            "WHERE entity = 'customers' AND shopify_id = ? "
            "AND (label != ? OR message != ? OR validation_json != '[]')",
            (f"customer {customer_id}", REDACTED, customer_id, f"customer {customer_id}", REDACTED),
        )
        result.bump("error_queue", "message", cursor.rowcount)

    def _own_notes(self, customer_id: str, result: RedactionResult) -> None:
        """Run notes naming the customer ("customer 123: email ... not accepted") are dropped."""
        mention = re.compile(rf"\bcustomer {re.escape(customer_id)}\b")
        for run_id, notes_json in self._conn.execute("SELECT id, notes_json FROM runs").fetchall():
            notes = json.loads(notes_json or "[]")
            kept = [
                f"customer {customer_id}: {REDACTED}"
                if isinstance(n, str) and mention.search(n)
                else n
                for n in notes
            ]
            if kept != notes:
                self._conn.execute(
                    "UPDATE runs SET notes_json = ? WHERE id = ?", (json.dumps(kept), run_id)
                )
                result.bump("runs", "notes_json")

    def _scrub_everywhere(
        self, pattern: re.Pattern[str], customer_id: str, result: RedactionResult
    ) -> None:
        for table in self._tables():
            columns = [c for c in self._text_columns(table) if c not in _KEY_COLUMNS]
            if not columns:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            where = _OTHER_ROWS.get(table)
            rows = self._conn.execute(
                f'SELECT rowid, {names} FROM "{table}"' + (f" WHERE {where}" if where else ""),
                (customer_id,) if where else (),
            ).fetchall()
            for row in rows:
                for column, value in zip(columns, row[1:], strict=True):
                    if not isinstance(value, str) or not pattern.search(value):
                        continue
                    self._conn.execute(
                        f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',
                        (pattern.sub(REDACTED, value), row[0]),
                    )
                    result.bump(table, column)

    def _tables(self) -> list[str]:
        rows = self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return [str(r[0]) for r in rows if str(r[0]) not in _SKIP_TABLES]

    def _columns(self, table: str) -> dict[str, str]:
        rows = self._conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        return {str(r[1]): str(r[2]).upper() for r in rows}

    def _text_columns(self, table: str) -> list[str]:
        return [name for name, kind in self._columns(table).items() if kind in ("TEXT", "")]
