"""payload_checksum: canonical over key order and Decimal spelling, sensitive to any change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopxero.engine.checksums import canonical_json, payload_checksum

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api

money = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2).filter(
    lambda d: d.is_finite()
)
scalars = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12), money, st.integers(-(10**12), 10**12)
)
payloads = st.recursive(
    st.dictionaries(st.text(min_size=1, max_size=8), scalars, max_size=6),
    lambda inner: st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.one_of(scalars, inner, st.lists(inner, max_size=3)),
        max_size=5,
    ),
    max_leaves=20,
)


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


def _respelled(value: Any) -> Any:
    """Same numbers, other spelling: 10.5 -> 10.5000, 3 -> Decimal('3.00')."""
    if isinstance(value, dict):
        return {k: _respelled(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_respelled(v) for v in value]
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.0001"))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).quantize(Decimal("0.01"))
    return value


def _same(a: Any, b: Any) -> bool:
    def number(x: Any) -> bool:
        return isinstance(x, Decimal | int) and not isinstance(x, bool)

    if number(a) and number(b):
        return bool(Decimal(a) == Decimal(b))
    return type(a) is type(b) and a == b


FAST = settings(max_examples=50, deadline=None)


@FAST
@given(payloads)
def test_key_order_does_not_change_it(payload: dict[str, Any]) -> None:
    """Dicts built in another order checksum alike."""
    assert payload_checksum(_reordered(payload)) == payload_checksum(payload)


@FAST
@given(payloads)
def test_decimal_spelling_does_not_change_it(payload: dict[str, Any]) -> None:
    """10.0, 10.00 and 10 are one number to Xero, and to the checksum."""
    assert payload_checksum(_respelled(payload)) == payload_checksum(payload)


@FAST
@given(payloads, st.text(min_size=1, max_size=8), scalars)
def test_any_field_change_changes_it(payload: dict[str, Any], key: str, value: Any) -> None:
    """Setting a key to a different value (or adding it) gives a different checksum."""
    if key in payload and _same(payload[key], value):
        return
    changed = {**payload, key: value}
    assert payload_checksum(changed) != payload_checksum(payload)


@given(money, money)
def test_money_change_changes_it(a: Decimal, b: Decimal) -> None:
    """A one-cent difference anywhere in a nested line is a change."""
    one = {"LineItems": [{"UnitAmount": a}]}
    two = {"LineItems": [{"UnitAmount": b}]}
    assert (payload_checksum(one) == payload_checksum(two)) == (a == b)


def test_examples() -> None:
    """Pinned canonical text: sorted keys, no spaces, normalised numbers, strings stay strings."""
    text = canonical_json({"b": Decimal("10.00"), "a": [1, "10", None, True], "c": {"z": 0.10}})
    assert text == '{"a":[1,"10",null,true],"b":10,"c":{"z":0.1}}'
    assert payload_checksum({"x": "10"}) != payload_checksum({"x": 10})
    assert payload_checksum({"x": Decimal("-0.00")}) == payload_checksum({"x": 0})
    assert payload_checksum({"Name": "Zoë"}) != payload_checksum({"Name": "Zoe"})


def test_unencodable_values_are_refused() -> None:
    """NaN and unknown types are programming errors, not silently skipped."""
    with pytest.raises(ValueError, match="non-finite"):
        payload_checksum({"x": Decimal("NaN")})
    with pytest.raises(TypeError):
        payload_checksum({"x": object()})
