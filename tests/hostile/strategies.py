"""Hypothesis strategies for hostile Shopify records: real REST shapes with poisoned fields.

Each record starts from a demo record (so everything not poisoned is a shape Shopify really
sends) and then has fields replaced by nulls, empty and huge strings, every kind of Unicode
(right-to-left, emoji sequences, NUL and other control characters, combining marks, BOM),
quotes and backslashes, malformed money strings, zero and negative amounts and zero quantities.
Every drawn record records which fields were poisoned, so a test can check that a refusal names
one of them.
"""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from tests.hostile.harness import DEMO

__all__ = [
    "NASTY_STRINGS",
    "Hostile",
    "IdSource",
    "customers",
    "malformed_money",
    "nasty_text",
    "orders_from",
    "products",
]

NASTY_STRINGS = [
    "",
    " ",
    "   padded   ",
    "\x00",
    "nul\x00inside",
    "\t\n\r\x0b\x0c",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "שלום עולם",
    "名前テスト",
    "🙂👩\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
    "e\u0301\u0301\u0301",
    "\ufeffbom",
    "\uffff\ufffe",
    "𝕳𝖊𝖑𝖑𝖔",
    "O'Brien",
    'Say "hi"',
    "back\\slash\\",
    '\\"\\\\',
    "\\u0000",
    "Robert'); DROP TABLE contacts;--",
    "<script>alert(1)</script>",
    "%s%n{0}{{amount}}",
    "x" * 5000,
    "名" * 600,
]

nasty_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=40),
    st.text(
        alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "So", "Mn", "Lo"]),
        min_size=1,
        max_size=30,
    ),
    st.text(min_size=256, max_size=2000),
)

NASTY_EMAILS = [
    '"quoted"@example.com',
    "o'brien@example.com",
    "back\\slash@example.com",
    'a"b@example.com',
    "üser@exämple.de",
    "no-at-sign",
    "two@@example.com",
    "trailing@example.com ",
    "x" * 300 + "@example.com",
    "",
]

malformed_money: st.SearchStrategy[object] = st.sampled_from(
    [
        "",
        " ",
        "abc",
        "1,50",
        "£5.00",
        "5.00 GBP",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "0x10",
        "12.3.4",
        "--1",
        True,
        [],
        {},
        {"amount": "1.00"},
    ]
)
odd_amounts: st.SearchStrategy[object] = st.one_of(
    st.sampled_from(["0", "0.00", "-0.00", "-1.00", "-999999.99", "0.001", "1e-30", "1E+3"]),
    st.decimals(min_value=Decimal("-10000"), max_value=Decimal("10000"), places=2).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=7).map(str),
)
money_values: st.SearchStrategy[object] = st.one_of(st.none(), malformed_money, odd_amounts)


class Hostile(tuple[dict[str, Any], list[str]]):
    """(record, poisoned field names), shown briefly: the full record's repr is hundreds of kB."""

    def __repr__(self) -> str:
        record, poisoned = self
        shown = {p: repr(_pick(record, p))[:60] for p in poisoned}
        return f"Hostile(id={record.get('id')}, poisoned={shown})"


def _pick(record: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(record, list) and part.isdigit() and int(part) < len(record):
            record = record[int(part)]
        elif isinstance(record, dict):
            record = record.get(part)
        else:
            return None
    return record


class IdSource:
    """Sequential ids for one drawn batch, so a replayed example gets the same ids."""

    def __init__(self, start: int) -> None:
        self._next = itertools.count(start)

    def __call__(self) -> int:
        return next(self._next)


def _poison(draw: st.DrawFn, record: dict[str, Any], field: str, values: Any) -> str | None:
    """Maybe replace ``record[field]`` with a drawn value; return the field name if it did."""
    if draw(st.booleans()):
        record[field] = draw(values)
        return field
    return None


@st.composite
def customers(draw: st.DrawFn, ids: IdSource) -> Hostile:
    """A hostile customer (fresh id) and the names of the fields poisoned in it."""
    base = copy.deepcopy(draw(st.sampled_from(DEMO["shopify"]["customers"])))
    base["id"] = ids()
    base["admin_graphql_api_id"] = f"gid://shopify/Customer/{base['id']}"
    text_or_null = st.one_of(st.none(), nasty_text)
    poisoned = [
        _poison(draw, base, "first_name", text_or_null),
        _poison(draw, base, "last_name", text_or_null),
        _poison(draw, base, "email", st.one_of(st.none(), st.sampled_from(NASTY_EMAILS))),
        _poison(draw, base, "phone", text_or_null),
        _poison(draw, base, "note", text_or_null),
        _poison(draw, base, "tags", text_or_null),
        _poison(draw, base, "currency", text_or_null),
        _poison(draw, base, "tax_exempt", st.sampled_from([None, True])),
        _poison(draw, base, "state", st.sampled_from([None, "disabled", "invited", ""])),
    ]
    if draw(st.booleans()):
        address = copy.deepcopy(base.get("default_address") or {})
        for key in ("first_name", "last_name", "company", "address1", "address2", "city"):
            address[key] = draw(text_or_null)
        for key in ("province", "zip", "country", "country_code", "phone"):
            address[key] = draw(text_or_null)
        shape = draw(st.sampled_from(["null", "empty", "poisoned"]))
        base["default_address"] = None if shape == "null" else address
        base["addresses"] = None if shape == "null" else ([] if shape == "empty" else [address])
        poisoned.append("default_address")
    return Hostile((base, [p for p in poisoned if p]))


# Colliding SKUs: the same code twice, differing only in case or spaces, or over 30 characters.
COLLIDING_SKUS = ["DUP-1", "dup-1", "DUP-1 ", " DUP-1", "TEA-EARL-100", "X" * 31, "X" * 31]


@st.composite
def products(draw: st.DrawFn, ids: IdSource, *, max_variants: int = 6) -> Hostile:
    """A hostile product (fresh ids for it and its variants) and its poisoned fields."""
    base = copy.deepcopy(draw(st.sampled_from(DEMO["shopify"]["products"])))
    base["id"] = ids()
    text_or_null = st.one_of(st.none(), nasty_text)
    poisoned = [
        _poison(draw, base, "title", text_or_null),
        _poison(draw, base, "body_html", text_or_null),
        _poison(draw, base, "vendor", text_or_null),
        _poison(draw, base, "status", st.sampled_from([None, "draft", "archived", ""])),
    ]
    template = base["variants"][0]
    variants = []
    for position in range(draw(st.integers(0, max_variants))):
        variant = copy.deepcopy(template)
        variant["id"] = ids()
        variant["product_id"] = base["id"]
        variant["position"] = position + 1
        for field, values in (
            ("sku", st.one_of(st.none(), st.sampled_from(COLLIDING_SKUS), nasty_text)),
            ("title", text_or_null),
            ("price", money_values),
            ("taxable", st.sampled_from([None, False])),
            ("compare_at_price", money_values),
        ):
            if _poison(draw, variant, field, values):
                poisoned.append(f"variants.{position}.{field}")
        variants.append(variant)
    base["variants"] = variants if variants else draw(st.sampled_from([variants, variants, None]))
    return Hostile((base, [p for p in poisoned if p]))


_LINE_FIELDS = ("price", "quantity", "title", "sku", "variant_id", "tax_lines", "taxable")


@st.composite
def orders_from(draw: st.DrawFn, ids: IdSource, pool: list[dict[str, Any]]) -> Hostile:
    """A copy of one of ``pool``'s orders (fresh id and number) with poisoned fields."""
    base = copy.deepcopy(draw(st.sampled_from(pool)))
    base["id"] = ids()
    base["order_number"] = 80000 + base["id"] % 100000
    base["name"] = f"#{base['order_number']}"
    text_or_null = st.one_of(st.none(), nasty_text)
    poisoned = [
        _poison(draw, base, "name", text_or_null),
        _poison(draw, base, "email", st.one_of(st.none(), st.sampled_from(NASTY_EMAILS))),
        _poison(draw, base, "note", text_or_null),
        _poison(draw, base, "currency", st.sampled_from([None, "", "XXX", "gbp", "£"])),
        _poison(draw, base, "total_price", money_values),
        _poison(draw, base, "total_tax", money_values),
        _poison(draw, base, "processed_at", st.sampled_from([None, "", "yesterday"])),
        _poison(draw, base, "financial_status", st.sampled_from([None, "", "voided", "odd"])),
        _poison(draw, base, "customer", st.sampled_from([None, {}, {"id": None}])),
        _poison(draw, base, "tax_lines", st.sampled_from([None, [], [{"price": "x"}]])),
        _poison(draw, base, "shipping_lines", st.sampled_from([None, [], [{}]])),
    ]
    lines = base.get("line_items") or []
    for index, line in enumerate(lines):
        if not draw(st.booleans()):
            continue
        field = draw(st.sampled_from(_LINE_FIELDS))
        values: st.SearchStrategy[Any] = {
            "price": money_values,
            "quantity": st.sampled_from([0, -1, None, "2", 10**9]),
            "title": text_or_null,
            "sku": st.one_of(st.none(), st.sampled_from(COLLIDING_SKUS)),
            "variant_id": st.sampled_from([None, 0, 1, "abc"]),
            "tax_lines": st.sampled_from([None, [], [{"rate": "x", "price": "1.00"}]]),
            "taxable": st.sampled_from([None, False]),
        }[field]
        line[field] = draw(values)
        poisoned.append(f"line_items.{index}.{field}")
    return Hostile((base, [p for p in poisoned if p]))
