"""``customers/search.json?query=...``: Shopify's search syntax over the simulated customers.

What is simulated (shopify-api-notes §4a):
- Terms are separated by spaces and must all match (Shopify's implicit AND). A term is
  ``field:value`` or free text.
- Free text matches, case-insensitively, a whole word of the customer's name, email, phone,
  company, tags, note or any address field, or the whole email.
- ``field:value`` matches the field's whole value or one of its words, case-insensitively;
  ``*`` at the start or end of the value matches any ending or beginning
  (``email:*@mail.example.com``, the query of Shopify's own fixture).
- Fields: ``email``, ``first_name``/``customer_first_name``, ``last_name``/
  ``customer_last_name``, ``phone``, ``tag``/``customer_tag``, ``company``, ``city``,
  ``province``, ``country``, ``address1``, ``address2``, ``state``, ``verified_email``,
  ``accepts_marketing``, ``id``/``customer_id``. Any other name Shopify lists is refused with a
  400 naming it (the simulator does not compare counts or dates, and a silent "match all" would
  mislead a test); names Shopify does not list are ignored, as Shopify says "all other queries
  return all customers".
- Default order ``last_order_date DESC``: customers without an order first (as in the 2026-07
  fixture ``customer_test_11``), then the latest order first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from shopxero.sandbox.shopify.filters import QueryError

__all__ = ["SearchQuery", "parse_query"]

Record = dict[str, Any]

_WORD = re.compile(r"[^\s,]+")
# Terms Shopify documents for customer search that the simulator does not evaluate.
_NOT_SIMULATED = frozenset(
    {
        "activation_date",
        "customer_date",
        "email_marketing_state",
        "first_order_date",
        "last_abandoned_order_date",
        "multipass_identifier",
        "order_date",
        "orders_count",
        "product_subscriber_status",
        "rfm_group",
        "total_spent",
        "updated_at",
    }
)


def _address_values(customer: Record, key: str) -> list[str]:
    addresses = [a for a in customer.get("addresses") or [] if isinstance(a, dict)]
    default = customer.get("default_address")
    if isinstance(default, dict):
        addresses.append(default)
    keys = {
        "country": ("country", "country_code", "country_name"),
        "province": ("province", "province_code"),
    }.get(key, (key,))
    return [str(a[k]) for a in addresses for k in keys if a.get(k) not in (None, "")]


def _tags(customer: Record) -> list[str]:
    raw = customer.get("tags") or ""
    return [t.strip() for t in str(raw).split(",") if t.strip()]


def _plain(key: str) -> Callable[[Record], list[str]]:
    def values(customer: Record) -> list[str]:
        value = customer.get(key)
        return (
            [] if value is None else [str(value).lower() if isinstance(value, bool) else str(value)]
        )

    return values


def _address(key: str) -> Callable[[Record], list[str]]:
    return lambda customer: _address_values(customer, key)


_FIELDS: dict[str, Callable[[Record], list[str]]] = {
    "email": _plain("email"),
    "first_name": _plain("first_name"),
    "customer_first_name": _plain("first_name"),
    "last_name": _plain("last_name"),
    "customer_last_name": _plain("last_name"),
    "phone": _plain("phone"),
    "state": _plain("state"),
    "verified_email": _plain("verified_email"),
    "accepts_marketing": _plain("accepts_marketing"),
    "id": _plain("id"),
    "customer_id": _plain("id"),
    "tag": _tags,
    "customer_tag": _tags,
    "company": _address("company"),
    "city": _address("city"),
    "province": _address("province"),
    "country": _address("country"),
    "address1": _address("address1"),
    "address2": _address("address2"),
}
_FREE_TEXT = ("first_name", "last_name", "email", "phone", "tag", "company", "city",
              "province", "country", "address1", "address2")  # fmt: skip


def _value_matches(pattern: str, values: Iterable[str]) -> bool:
    wanted = pattern.lower()
    head, tail = wanted.startswith("*"), wanted.endswith("*") and len(wanted) > 1
    core = wanted.strip("*")
    for value in values:
        text = value.lower()
        for candidate in (text, *_WORD.findall(text)):
            if head and tail and core in candidate:
                return True
            if head and not tail and candidate.endswith(core):
                return True
            if tail and not head and candidate.startswith(core):
                return True
            if not head and not tail and candidate == core:
                return True
    return False


class SearchQuery:
    """A parsed ``query``: field terms and free-text terms, all of which must match."""

    def __init__(self, terms: list[tuple[str | None, str]]) -> None:
        self.terms = terms

    def matches(self, customer: Record) -> bool:
        for field, value in self.terms:
            if field is None:
                values = [v for name in _FREE_TEXT for v in _FIELDS[name](customer)]
                values += [str(customer.get("note") or "")]
                if not _value_matches(value, values):
                    return False
            elif not _value_matches(value, _FIELDS[field](customer)):
                return False
        return True


def parse_query(raw: str | None) -> SearchQuery:
    """Split ``query`` into terms; a documented but unsimulated field is a 400 naming it."""
    terms: list[tuple[str | None, str]] = []
    for token in (raw or "").split():
        field, colon, value = token.partition(":")
        if not colon:
            terms.append((None, token))
            continue
        name = field.lower()
        if name in _NOT_SIMULATED:
            raise QueryError(
                "query",
                f"the sandbox does not simulate the search term {name!r}; "
                f"it searches {', '.join(sorted(_FIELDS))} and free text",
            )
        if name in _FIELDS and value:
            terms.append((name, value))
    return SearchQuery(terms)
