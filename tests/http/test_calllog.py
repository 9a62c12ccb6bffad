"""Redaction and truncation of what goes into the API-call log
(docs/architecture.md, invariant 7)."""

from __future__ import annotations

import json

import pytest

from shopxero.http.calllog import (
    MASK,
    ListSink,
    redact_excerpt,
    redact_headers,
    redact_query,
    redact_text,
    truncate,
)


def test_json_bodies_are_masked_by_key_at_any_depth() -> None:
    body = json.dumps(
        {
            "access_token": "tok-123456",
            "nested": [{"refresh_token": "ref-abcdef", "Name": "Ann"}],
            "client_secret": "cs-998877",
        }
    )
    out = json.loads(redact_text(body))
    assert out == {
        "access_token": MASK,
        "nested": [{"refresh_token": MASK, "Name": "Ann"}],
        "client_secret": MASK,
    }


def test_xero_item_and_account_codes_survive_but_oauth_codes_do_not() -> None:
    """Xero JSON uses ``Code`` for item/account codes; OAuth's code is lower-case ``code``."""
    assert json.loads(redact_text('{"Code": "SKU-1", "code": "auth-code-42"}')) == {
        "Code": "SKU-1",
        "code": MASK,
    }
    assert redact_query("code=auth-code-42&state=xyz") == "code=***&state=xyz"


def test_form_bodies_are_masked_by_field() -> None:
    body = "grant_type=client_credentials&client_id=app-1&client_secret=s3cr3t-value"
    assert redact_text(body) == "grant_type=client_credentials&client_id=app-1&client_secret=***"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
        ("token shpat_0123456789abcdef0123456789abcdef was rejected", "shpat_0123456789abcdef"),
        ("jwt eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl here", "eyJhbGciOi.eyJzdWIiOiIx"),
        ('{"refresh_token": "rt-1234567", "trunc', "rt-1234567"),  # unparseable (truncated) JSON
        ("see https://x.test/cb?code=abc123&state=1", "abc123"),
    ],
)
def test_free_text_patterns_mask_tokens(text: str, secret: str) -> None:
    assert secret not in redact_text(text)


def test_known_secret_values_are_masked_anywhere() -> None:
    out = redact_text("the server echoed plain-secret-value back", ["plain-secret-value"])
    assert out == f"the server echoed {MASK} back"


def test_headers_mask_auth_and_token_headers() -> None:
    out = redact_headers(
        {"X-Shopify-Access-Token": "shpat_x", "Authorization": "Bearer y", "Accept": "json"}
    )
    assert out == {"x-shopify-access-token": MASK, "authorization": MASK, "accept": "json"}


def test_truncate_says_how_much_was_cut() -> None:
    assert truncate("abcdef", 4) == "abcd...[2 more chars]"
    assert truncate("abc", 4) == "abc"


def test_list_sink_keeps_records_in_order() -> None:
    sink = ListSink()
    sink("a")  # type: ignore[arg-type]
    sink("b")  # type: ignore[arg-type]
    assert sink.records == ["a", "b"]


def test_excerpts_of_huge_bodies_redact_what_they_keep() -> None:
    jwt = "eyJ" + "a" * 1500 + ".eyJ" + "b" * 1500 + ".sig"
    body = json.dumps(
        {"orders": [{"note": "x" * 1900}, {"id_token": jwt}] + [{"n": i} for i in range(50000)]}
    )
    out = redact_excerpt(body, limit=2000)
    assert len(out) < 2100
    assert out.endswith(f"...[{len(body) - 2000} more chars]")
    assert "eyJ" not in out and "aaaa" not in out  # the token straddling the cut is masked whole


def test_excerpts_of_small_bodies_are_redacted_then_truncated() -> None:
    assert redact_excerpt('{"access_token": "abc12345"}') == '{"access_token": "***"}'


def test_numbers_and_layout_survive_redaction() -> None:
    body = '{"Total":12345678901234567.89,"Code":"200","id_token":123}'
    assert redact_text(body) == '{"Total":12345678901234567.89,"Code":"200","id_token":"***"}'
