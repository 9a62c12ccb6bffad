"""Exact JSON for Decimal money and splitting writes into Xero-sized batches (xero-api-notes §4)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from shopxero.xero.batching import MAX_BATCH_ELEMENTS, encode_json, max_elements_for, split_batches


def test_decimal_money_is_an_exact_json_number() -> None:
    body = encode_json({"UnitAmount": Decimal("0.1") + Decimal("0.2"), "Qty": Decimal("1E+1")})
    assert body == b'{"UnitAmount":0.3,"Qty":10}'
    # A JSON parser reading it as Decimal gets the exact value back.
    parsed = json.loads(body, parse_float=Decimal)
    assert parsed["UnitAmount"] == Decimal("0.3")


def test_unicode_bools_none_and_nesting_survive() -> None:
    value = {"Name": 'O"Brien \\ Zoë', "IsSold": True, "X": None, "L": [1, {"A": Decimal("2.50")}]}
    assert json.loads(encode_json(value), parse_float=Decimal) == {
        "Name": 'O"Brien \\ Zoë',
        "IsSold": True,
        "X": None,
        "L": [1, {"A": Decimal("2.50")}],
    }


def test_float_in_a_payload_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"LineItems\[0\]\.UnitAmount is a float"):
        encode_json({"LineItems": [{"UnitAmount": 9.99}]})


def test_nan_decimal_is_refused() -> None:
    with pytest.raises(ValueError, match="Total"):
        encode_json({"Total": Decimal("NaN")})


def test_batches_hold_at_most_50_elements_in_order() -> None:
    payloads = [{"ContactNumber": str(i)} for i in range(123)]
    batches = list(split_batches(payloads))
    assert [len(b) for b in batches] == [50, 50, 23]
    assert [p for b in batches for p in b] == payloads
    assert MAX_BATCH_ELEMENTS == 50


def test_batches_respect_the_byte_limit() -> None:
    payloads = [{"Description": "x" * 1000} for _ in range(10)]
    batches = list(split_batches(payloads, max_bytes=3500))
    for batch in batches:
        assert len(encode_json({"Invoices": batch})) <= 3500
    assert sum(len(b) for b in batches) == 10
    assert len(batches) > 1


def test_an_element_too_big_on_its_own_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="payload #1"):
        list(split_batches([{"A": "x"}, {"A": "x" * 5000}], max_bytes=3000))


def test_more_than_xero_takes_per_batch_cannot_be_asked_for() -> None:
    # 50 elements a request, Items 500 (xero-api-notes §4): the splitter allows up to 500 and
    # the client refuses more than the kind takes (``max_elements_for``).
    with pytest.raises(ValueError):
        list(split_batches([{"A": 1}], max_elements=501))
    assert max_elements_for("Items") == 500 and max_elements_for("Invoices") == 50
    assert [len(b) for b in split_batches([{"A": 1}] * 501, max_elements=500)] == [500, 1]
