"""One Xero organisation (tenant) in memory: its records, history, numbering and lock.

Records are held close to Xero's JSON shapes, but with ``Decimal`` money, aware ``datetime``
timestamps and ``date`` dates; keys starting with ``_`` are sandbox bookkeeping (e.g. an
invoice's ``_contact_id``) and never leave the sandbox. The resource modules (``contacts``,
``items``, ``documents``, ``payments``, ``banking``) hold the rules; this module only holds the
data.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.xero.accounting.serialize import dumps
from shopxero.xero.dates import parse_xero_date

__all__ = ["XeroOrg", "to_decimal_tree"]

# Xero's Organisation.Timezone names (spec TimeZone enum) for the countries the seeds cover.
_XERO_TIMEZONES = {
    "GMTSTANDARDTIME": "Europe/London",
    "AUSEASTERNSTANDARDTIME": "Australia/Sydney",
    "EAUSTRALIASTANDARDTIME": "Australia/Brisbane",
    "CENAUSTRALIASTANDARDTIME": "Australia/Adelaide",
    "WAUSTRALIASTANDARDTIME": "Australia/Perth",
    "NEWZEALANDSTANDARDTIME": "Pacific/Auckland",
    "EASTERNSTANDARDTIME": "America/New_York",
    "CENTRALSTANDARDTIME": "America/Chicago",
    "MOUNTAINSTANDARDTIME": "America/Denver",
    "PACIFICSTANDARDTIME": "America/Los_Angeles",
}


def to_decimal_tree(value: Any) -> Any:
    """Numbers in a seed (JSON floats/ints) become ``Decimal`` so the records never hold floats."""
    if isinstance(value, dict):
        return {key: to_decimal_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_decimal_tree(item) for item in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return Decimal(str(value))
    return value


class XeroOrg:
    """One Xero organisation (tenant) in memory.

    ``seed`` is the "xero" part of a seed: ``{"organisation": {...}, "accounts": [...],
    "tax_rates": [...], "contacts": [...], "items": [...]}`` in Xero's JSON shapes; missing IDs
    are generated. An optional ``"currencies": [{"Code": "EUR"}]`` (GET /Currencies' shape)
    enables foreign currencies besides the organisation's BaseCurrency. Every read and write of
    the records happens under ``lock`` (the app may be served by uvicorn in a thread while a
    test reads ``state()``).
    """

    def __init__(self, seed: dict[str, Any], *, clock: SandboxClock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._seed = copy.deepcopy(seed)
        self.organisation: dict[str, Any] = {}
        self.accounts: list[dict[str, Any]] = []
        self.tax_rates: list[dict[str, Any]] = []
        self.contacts: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.credit_notes: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.allocations: dict[str, dict[str, Any]] = {}
        # Spend/receive money and the two sides of each transfer (xero-api-notes §13.1, §13.2).
        self.bank_transactions: dict[str, dict[str, Any]] = {}
        self.bank_transfers: dict[str, dict[str, Any]] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def tenant_id(self) -> str:
        return str(self.organisation["OrganisationID"])

    def reset(self) -> None:
        """Back to the seed (same OrganisationID, so tokens and tenant headers stay valid)."""
        # Imported here: the resource modules import this one for the XeroOrg type.
        from shopxero.sandbox.xero.accounting.seeding import load_seed

        with self.lock:
            for table in (
                self.contacts,
                self.items,
                self.invoices,
                self.credit_notes,
                self.payments,
                self.allocations,
                self.bank_transactions,
                self.bank_transfers,
                self.history,
            ):
                table.clear()
            load_seed(self, copy.deepcopy(self._seed))
            # Keep the tenant id stable across resets: generate it once, into the kept seed.
            self._seed.setdefault("organisation", {})["OrganisationID"] = self.tenant_id

    def state(self) -> dict[str, Any]:
        """Every record in Xero's JSON shapes (plain JSON values: numbers, /Date()/ strings)."""
        from shopxero.sandbox.xero.accounting.present import (
            party_flags,
            present_bank_transaction,
            present_bank_transfer,
            present_contact,
            present_credit_note,
            present_invoice,
            present_item,
            present_payment,
        )

        with self.lock:
            flags = party_flags(self)
            raw = {
                "organisation": self.organisation,
                "accounts": self.accounts,
                "tax_rates": self.tax_rates,
                "contacts": [present_contact(self, c, flags=flags) for c in self.contacts.values()],
                "items": [present_item(i) for i in self.items.values()],
                "invoices": [present_invoice(self, i) for i in self.invoices.values()],
                "payments": [present_payment(self, p) for p in self.payments.values()],
                "credit_notes": [present_credit_note(self, c) for c in self.credit_notes.values()],
                "bank_transactions": [
                    present_bank_transaction(self, t) for t in self.bank_transactions.values()
                ],
                "bank_transfers": [
                    present_bank_transfer(self, t) for t in self.bank_transfers.values()
                ],
            }
            loaded: dict[str, Any] = json.loads(dumps(raw))
            return loaded

    # -- helpers the resource modules share --------------------------------------------------------
    def now(self) -> datetime:
        # Xero timestamps carry milliseconds; keep exactly what /Date(ms)/ can express.
        now = self.clock.now()
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    def today(self) -> date:
        """Today in the organisation's timezone: Xero's default document date
        [xero-api-notes §6.3]."""
        zone = _XERO_TIMEZONES.get(str(self.organisation.get("Timezone") or "").upper())
        return self.now().astimezone(ZoneInfo(zone)).date() if zone else self.now().date()

    def _organisation_date(self, key: str) -> date | None:
        raw = self.organisation.get(key)
        parsed = parse_xero_date(raw) if isinstance(raw, str) else None
        return parsed.date() if parsed else None

    @property
    def period_lock_date(self) -> date | None:
        return self._organisation_date("PeriodLockDate")

    @property
    def end_of_year_lock_date(self) -> date | None:
        """Organisation.EndOfYearLockDate: binds every user, advisers too [xero-api-notes §13.3]."""
        return self._organisation_date("EndOfYearLockDate")

    @property
    def base_currency(self) -> str:
        return str(self.organisation.get("BaseCurrency") or "USD")

    def seed_currencies(self) -> list[dict[str, Any]]:
        """The seed's ``currencies`` entries (GET /Currencies' shape)."""
        return [c for c in self._seed.get("currencies") or [] if isinstance(c, dict)]

    @property
    def currencies(self) -> set[str]:
        """The base currency plus the seed's ``currencies`` (Xero's ``[{"Code": "EUR"}]``)."""
        extra = self._seed.get("currencies") or []
        return {self.base_currency} | {str(c.get("Code")) for c in extra if isinstance(c, dict)}

    def account_by_code(self, code: str) -> dict[str, Any] | None:
        for account in self.accounts:
            if str(account.get("Code", "")).casefold() == code.casefold():
                return account
        return None

    def account_by_id(self, account_id: str) -> dict[str, Any] | None:
        for account in self.accounts:
            if str(account.get("AccountID", "")).lower() == account_id.lower():
                return account
        return None

    def tax_rate(self, tax_type: str) -> dict[str, Any] | None:
        for rate in self.tax_rates:
            if rate.get("TaxType") == tax_type:
                return rate
        return None

    def item_by_code(self, code: str) -> dict[str, Any] | None:
        folded = code.casefold()
        for item in self.items.values():
            if str(item["Code"]).casefold() == folded:
                return item
        return None

    def record_history(self, record_id: str, changes: str, details: str) -> None:
        """Xero writes a history line for every create/edit/payment; the API can read them."""
        self.history.setdefault(record_id, []).append(
            {
                "Changes": changes,
                "DateUTC": self.now(),
                "User": "System Generated",
                "Details": details,
            }
        )

    def next_number(self, prefix: str, taken: set[str]) -> str:
        """Xero's auto-numbering (``INV-0001``): one past the highest used, skipping taken ones."""
        pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$", re.IGNORECASE)
        highest = 0
        for number in taken:
            match = pattern.match(number)
            if match:
                highest = max(highest, int(match.group(1)))
        candidate = highest + 1
        while f"{prefix}{candidate:04d}".casefold() in taken:
            candidate += 1
        return f"{prefix}{candidate:04d}"

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())
