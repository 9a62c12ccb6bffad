"""Status codes and httpx exceptions -> the error tree (errors.py), one table."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from shopxero.errors import (
    ApiAuthError,
    ApiError,
    NotFoundError,
    PermanentApiError,
    RateLimitedError,
    TransientApiError,
    UnavailableError,
    ValidationError,
)
from shopxero.http.error_mapping import (
    error_from_exception,
    error_from_response,
    parse_retry_after,
)

XERO_400 = {
    "ErrorNumber": 10,
    "Type": "ValidationException",
    "Message": "A validation exception occurred",
    "Elements": [
        {"ValidationErrors": [{"Message": "Invoice # must be unique."}]},
        {"ValidationErrors": [{"Message": "Account must be valid."}]},
    ],
}


def _response(status: int, body: object = None, headers: dict[str, str] | None = None):
    request = httpx.Request("GET", "https://shop.test/admin/api/2026-10/orders.json")
    if isinstance(body, (dict, list)):
        return httpx.Response(status, json=body, headers=headers, request=request)
    return httpx.Response(status, text=body or "", headers=headers, request=request)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (429, {"errors": "Exceeded 2 calls per second"}, RateLimitedError),
        (500, {"errors": "Internal Server Error"}, UnavailableError),
        (502, "<html>Bad gateway</html>", UnavailableError),
        (503, "The Organisation is offline", UnavailableError),  # xero-api-notes §7
        (401, {"errors": "[API] Invalid API key or access token"}, ApiAuthError),
        (403, {"Title": "Forbidden", "Detail": "AuthenticationUnsuccessful"}, ApiAuthError),
        (404, {"errors": "Not Found"}, NotFoundError),
        (400, XERO_400, ValidationError),
        (422, {"errors": {"email": ["is invalid"]}}, ValidationError),
        (409, "conflict", PermanentApiError),
        (423, "Locked", PermanentApiError),
    ],
)
def test_status_maps_to_error_class(status: int, body: object, expected: type[ApiError]) -> None:
    err = error_from_response("xero", "GET", "/x", _response(status, body))
    assert type(err) is expected
    assert err.status == status
    assert isinstance(err, TransientApiError) == (status >= 500 or status == 429)


def test_xero_validation_messages_are_collected() -> None:
    err = error_from_response("xero", "PUT", "/Invoices", _response(400, XERO_400))
    assert isinstance(err, ValidationError)
    assert err.messages == ["Invoice # must be unique.", "Account must be valid."]
    assert "Invoice # must be unique." in str(err)


def test_shopify_field_errors_name_the_field() -> None:
    err = error_from_response(
        "shopify", "GET", "/x", _response(422, {"errors": {"email": ["bad"]}})
    )
    assert isinstance(err, ValidationError)
    assert err.messages == ["email: bad"]


def test_plain_text_503_keeps_its_text() -> None:
    err = error_from_response("xero", "GET", "/x", _response(503, "The Organisation is offline"))
    assert "Organisation is offline" in err.message
    assert err.body_excerpt == "The Organisation is offline"


def test_429_carries_retry_after_and_problem() -> None:
    resp = _response(429, "", {"Retry-After": "2.0", "X-Rate-Limit-Problem": "minute"})
    err = error_from_response("xero", "GET", "/x", resp)
    assert isinstance(err, RateLimitedError)
    assert err.retry_after == 2.0
    assert err.problem == "minute"


def test_retry_after_as_http_date() -> None:
    now = datetime(2027, 1, 15, 8, 0, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("Fri, 15 Jan 2027 08:00:30 GMT", now=now) == pytest.approx(30.0)
    assert parse_retry_after("Fri, 15 Jan 2027 07:00:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_request_id_and_excerpt_are_kept_and_redacted() -> None:
    resp = _response(
        401,
        {"errors": "bad token", "access_token": "shpat_secretsecret"},
        {"X-Request-Id": "req-1"},
    )
    err = error_from_response("shopify", "GET", "/x", resp)
    assert err.request_id == "req-1"
    assert "shpat_secretsecret" not in err.body_excerpt
    assert "[request req-1]" in str(err)


def test_body_excerpt_is_truncated() -> None:
    err = error_from_response("xero", "GET", "/x", _response(500, "x" * 5000))
    assert len(err.body_excerpt) < 600


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ReadTimeout("timed out"), UnavailableError),
        (httpx.ConnectError("refused"), UnavailableError),
        (httpx.RemoteProtocolError("Server disconnected"), UnavailableError),
        (httpx.DecodingError("bad gzip"), PermanentApiError),
    ],
)
def test_httpx_exceptions_map(exc: Exception, expected: type[ApiError]) -> None:
    err = error_from_exception("shopify", "GET", "/x", exc)
    assert type(err) is expected
    assert type(exc).__name__ in err.message
