"""XeroClient against scripted answers (httpx.MockTransport): headers, writes, errors, retries."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from shopxero.errors import (
    ApiAuthError,
    NotFoundError,
    PermanentApiError,
    QuotaExhaustedError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from shopxero.http.calllog import ListSink
from shopxero.http.retry import RetryPolicy
from shopxero.xero.client import XeroClient

pytestmark = pytest.mark.anyio

BASE = "https://api.xero.com/api.xro/2.0"
Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, clock: Any, tokens: Any, **kwargs: Any) -> XeroClient:
    return XeroClient(
        api_base_url=BASE,
        tokens=tokens,
        tenant_id=kwargs.pop("tenant_id", "tenant-1"),
        transport=httpx.MockTransport(handler),
        clock=clock,
        retry=kwargs.pop("retry", RetryPolicy(attempts=4, wait_initial=0.1, wait_jitter=0.0)),
        **kwargs,
    )


def ok_elements(request: httpx.Request, key: str) -> httpx.Response:
    sent = json.loads(request.content)[key]
    return httpx.Response(
        200,
        json={
            key: [
                {**e, "StatusAttributeString": "OK", f"{key[:-1]}ID": f"id-{i}"}
                for i, e in enumerate(sent)
            ]
        },
    )


async def test_reads_send_accept_json_tenant_and_bearer(fake_clock, static_tokens) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"Organisations": [{"Name": "Demo"}]})

    async with make_client(handler, fake_clock, static_tokens) as client:
        assert (await client.get_organisation())["Name"] == "Demo"
    headers = seen[0].headers
    assert headers["accept"] == "application/json"  # xero-api-notes §12 #1
    assert headers["xero-tenant-id"] == "tenant-1"  # xero-api-notes §1.5
    assert headers["authorization"] == "Bearer AT-secret-1"


async def test_custom_connection_sends_no_tenant_header(fake_clock, static_tokens) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"Accounts": [{"Code": "200"}]})

    async with make_client(handler, fake_clock, static_tokens, tenant_id=None) as client:
        assert await client.list_accounts() == [{"Code": "200"}]
    assert "xero-tenant-id" not in seen[0].headers  # xero-api-notes §1.7


async def test_writes_are_put_with_summarize_errors_false_and_the_key(
    fake_clock, static_tokens, spec_validator
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok_elements(request, "Invoices")

    payload = {
        "Type": "ACCREC",
        "Contact": {"ContactID": "00000000-0000-0000-0000-000000000001"},
        "InvoiceNumber": "SHOP-1001",
        "LineItems": [
            {"Description": "Mug", "Quantity": Decimal("3"), "UnitAmount": Decimal("0.1") * 3}
        ],
    }
    async with make_client(handler, fake_clock, static_tokens) as client:
        results = await client.create_invoices([payload], idempotency_key="shopxero:order:1001:v1")
    request = seen[0]
    assert request.method == "PUT"  # xero-api-notes §4: PUT creates only
    assert request.url.params["summarizeErrors"] == "false"  # xero-api-notes §4, §12 #5
    assert request.url.params["unitdp"] == "4"  # xero-api-notes §6.6
    assert request.headers["idempotency-key"] == "shopxero:order:1001:v1"  # xero-api-notes §3
    # The Decimal went out as an exact JSON number, not a float approximation.
    assert b'"UnitAmount":0.3' in request.content
    spec_validator.validate(request)
    assert results[0].ok and results[0].record["InvoiceID"] == "id-0"


async def test_updates_are_post(fake_clock, static_tokens, spec_validator) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok_elements(request, "Contacts")

    async with make_client(handler, fake_clock, static_tokens) as client:
        await client.update_contacts(
            [{"ContactID": "00000000-0000-0000-0000-000000000002", "Name": "Ann"}],
            idempotency_key="k1",
        )
    assert seen[0].method == "POST"
    spec_validator.validate(seen[0])


async def test_one_bad_element_gets_its_messages_and_the_others_their_records(
    fake_clock, static_tokens
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["Contacts"]
        elements: list[dict[str, Any]] = []
        for index, element in enumerate(sent):
            if element["Name"] == "Dup":
                elements.append(
                    {
                        **element,
                        "StatusAttributeString": "ERROR",
                        "HasValidationErrors": True,
                        "ValidationErrors": [
                            {"Message": "The contact name Dup is already assigned"}
                        ],
                    }
                )
            else:
                elements.append(
                    {
                        **element,
                        "ContactID": f"c-{index}",
                        "StatusAttributeString": "WARNING",
                        "Warnings": [{"Message": "minor"}],
                    }
                )
        return httpx.Response(200, json={"Contacts": elements})

    async with make_client(handler, fake_clock, static_tokens) as client:
        results = await client.create_contacts(
            [{"Name": "A"}, {"Name": "Dup"}, {"Name": "C"}], idempotency_key="k2"
        )
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].errors == ["The contact name Dup is already assigned"]
    assert results[0].record["ContactID"] == "c-0" and results[2].record["ContactID"] == "c-2"
    assert results[0].warnings == ["minor"]


async def test_a_400_validation_exception_with_elements_becomes_per_element_results(
    fake_clock, static_tokens
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json={
                "ErrorNumber": 10,
                "Type": "ValidationException",
                "Message": "A validation exception occurred",
                "Elements": [{"Code": "X", "ValidationErrors": [{"Message": "Code too long"}]}],
            },
        )

    async with make_client(handler, fake_clock, static_tokens) as client:
        results = await client.create_items([{"Code": "X"}], idempotency_key="k3")
    assert results[0].ok is False and results[0].errors == ["Code too long"]


async def test_a_400_without_elements_is_a_validation_error(fake_clock, static_tokens) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json={
                "ErrorNumber": 17,
                "Type": "NoDataProcessedException",
                "Message": "No data has been processed",
            },
        )

    async with make_client(handler, fake_clock, static_tokens) as client:
        with pytest.raises(ValidationError, match="No data has been processed"):
            await client.create_items([{"Code": "X"}], idempotency_key="k3")


async def test_write_limits_are_checked_before_sending(fake_clock, static_tokens) -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - never called
        raise AssertionError("nothing may be sent")

    async with make_client(handler, fake_clock, static_tokens) as client:
        with pytest.raises(ValueError, match="at most 50"):
            await client.create_contacts([{"Name": str(i)} for i in range(51)], idempotency_key="k")
        with pytest.raises(ValueError, match="at most 128"):
            await client.create_contacts([{"Name": "A"}], idempotency_key="k" * 129)
        with pytest.raises(ValueError, match="Idempotency-Key"):
            await client.create_contacts([{"Name": "A"}], idempotency_key="")
        with pytest.raises(ValueError, match="printable ASCII"):
            await client.create_contacts([{"Name": "A"}], idempotency_key="clé\n")
        with pytest.raises(ValueError, match="float"):
            await client.create_items(
                [{"Code": "A", "SalesDetails": {"UnitPrice": 1.5}}], idempotency_key="k"
            )
        assert await client.create_contacts([], idempotency_key="k") == []


async def test_where_values_are_escaped_and_the_query_percent_encoded(
    fake_clock, static_tokens
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"Contacts": []})

    async with make_client(handler, fake_clock, static_tokens) as client:
        await client.find_contacts(name='O"Brien \\ & Sons', email="a+b@x.com")
    raw_query = seen[0].url.query.decode()
    assert '"' not in raw_query and " " not in raw_query and "&Sons" not in raw_query
    where = seen[0].url.params["where"]
    assert where == 'EmailAddress=="a+b@x.com" AND Name=="O\\"Brien \\\\ & Sons"'
    assert unquote(raw_query.split("where=")[1].split("&")[0].replace("+", " ")) == where
    assert seen[0].url.params["includeArchived"] == "true"


async def test_invoice_lookup_by_number_goes_in_chunks_of_40(fake_clock, static_tokens) -> None:
    seen: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        numbers = request.url.params["InvoiceNumbers"].split(",")
        seen.append(numbers)
        return httpx.Response(200, json={"Invoices": [{"InvoiceNumber": n} for n in numbers]})

    numbers = [f"SHOP-{i}" for i in range(95)]
    async with make_client(handler, fake_clock, static_tokens) as client:
        found = await client.get_invoices_by_number(numbers)
    assert [len(chunk) for chunk in seen] == [40, 40, 15]  # xero-api-notes §5.1
    assert [i["InvoiceNumber"] for i in found] == numbers


async def test_paging_stops_at_a_short_page(fake_clock, static_tokens) -> None:
    pages: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        pages.append(request.url.params["page"])
        count = 2 if page < 3 else 1
        return httpx.Response(200, json={"Contacts": [{"N": f"{page}-{i}"} for i in range(count)]})

    async with make_client(handler, fake_clock, static_tokens) as client:
        found = [c async for c in client.iter_contacts(page_size=2)]
    assert pages == ["1", "2", "3"]
    assert len(found) == 5


async def test_not_found_lookups_are_none(fake_clock, static_tokens) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="The resource you're looking for cannot be found")

    async with make_client(handler, fake_clock, static_tokens) as client:
        assert await client.get_contact_by_number("shopify-1/2") is None
        assert await client.get_invoice("0f2b3c4d-0000-4000-8000-000000000001") is None


def _status(status: int, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, **kwargs)


def _raise(exc: type[Exception]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)  # type: ignore[call-arg]

    return handler


# One table: which failures are retried (transient) and which are not (xero-api-notes §7).
@pytest.mark.parametrize(
    ("first", "retried", "final_error"),
    [
        (_status(429, headers={"Retry-After": "3", "X-Rate-Limit-Problem": "minute"}), True, None),
        (_status(429, headers={"X-Rate-Limit-Problem": "concurrent"}), True, None),
        (_status(500, json={"Title": "An error occurred"}), True, None),
        (_status(502, text="bad gateway"), True, None),
        (_status(503, text="The Organisation is offline"), True, None),
        (_raise(httpx.ConnectError), True, None),
        (_raise(httpx.ReadTimeout), True, None),
        (_raise(httpx.RemoteProtocolError), True, None),
        (_status(400, json={"Message": "bad"}), False, ValidationError),
        (
            _status(
                401,
                json={
                    "Title": "Unauthorized",
                    "Status": 401,
                    "Detail": "AuthenticationUnsuccessful",
                },
            ),
            False,
            ApiAuthError,
        ),
        (
            _status(
                403,
                json={"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"},
            ),
            False,
            ApiAuthError,
        ),
        (_status(404, text="not found"), False, NotFoundError),
        (_status(412, text="precondition"), False, PermanentApiError),
    ],
    ids=[
        "429-minute",
        "429-concurrent",
        "500",
        "502",
        "503-offline",
        "connect",
        "timeout",
        "dropped",
        "400",
        "401-not-expired",
        "403",
        "404",
        "412",
    ],
)
async def test_only_transient_failures_are_retried(
    fake_clock, static_tokens, first, retried, final_error
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return first(request)
        return httpx.Response(200, json={"TaxRates": [{"TaxType": "OUTPUT"}]})

    async with make_client(handler, fake_clock, static_tokens) as client:
        if retried:
            assert await client.list_tax_rates() == [{"TaxType": "OUTPUT"}]
            assert calls == 2
        else:
            with pytest.raises(final_error):
                await client.list_tax_rates()
            assert calls == 1


async def test_retry_after_is_honoured(fake_clock, static_tokens) -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7", "X-Rate-Limit-Problem": "minute"}),
            httpx.Response(200, json={"TaxRates": []}),
        ]
    )
    async with make_client(lambda r: next(answers), fake_clock, static_tokens) as client:
        start = fake_clock.now
        await client.list_tax_rates()
    assert fake_clock.now - start >= 7


async def test_transient_failures_give_up_after_the_policy(fake_clock, static_tokens) -> None:
    async with make_client(
        _status(503, text="The Xero API is currently offline"), fake_clock, static_tokens
    ) as client:
        with pytest.raises(UnavailableError):
            await client.list_tax_rates()


async def test_token_expired_401_refreshes_once_and_resends(fake_clock, static_tokens) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        token = request.headers["authorization"]
        seen.append(token)
        if token == "Bearer AT-secret-1":
            return httpx.Response(
                401,
                json={
                    "Type": None,
                    "Title": "Unauthorized",
                    "Status": 401,
                    "Detail": "TokenExpired: token expired at 01/01/2001 00:00:00",
                },
            )
        return httpx.Response(200, json={"Accounts": []})

    async with make_client(handler, fake_clock, static_tokens) as client:
        assert await client.list_accounts() == []
    assert seen == ["Bearer AT-secret-1", "Bearer AT-secret-2"]
    assert static_tokens.refreshed_for == ["AT-secret-1"]


async def test_a_second_token_expired_is_not_refreshed_again(fake_clock, static_tokens) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"Status": 401, "Detail": "TokenExpired: token expired"})

    async with make_client(handler, fake_clock, static_tokens) as client:
        with pytest.raises(ApiAuthError):
            await client.list_accounts()
    assert len(static_tokens.refreshed_for) == 1


async def test_day_limit_429_stops_with_resume_at(fake_clock, static_tokens) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, headers={"Retry-After": "66975", "X-Rate-Limit-Problem": "day"})

    async with make_client(handler, fake_clock, static_tokens) as client:
        with pytest.raises(QuotaExhaustedError) as info:
            await client.list_accounts()
        assert info.value.resume_at is not None
        assert info.value.resume_at.timestamp() == pytest.approx(fake_clock.now + 66975, abs=1)
        # The throttle now refuses up front: no call burns more of the day.
        with pytest.raises(QuotaExhaustedError):
            await client.list_accounts()
    assert calls == 1


async def test_call_records_and_errors_hold_no_secret(fake_clock, static_tokens) -> None:
    sink = ListSink()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Accounts"):
            return httpx.Response(401, json={"Detail": "TokenExpired: AT-secret-1"})
        return httpx.Response(500, text=f"echo {request.headers['authorization']}")

    async with make_client(handler, fake_clock, static_tokens, call_sink=sink) as client:
        errors: list[str] = []
        for call in (client.list_accounts, client.list_tax_rates):
            try:
                await call()
            except Exception as exc:
                errors.append(f"{exc!s} {exc!r} {getattr(exc, 'body_excerpt', '')}")
    dump = repr(sink.records) + " ".join(errors)
    assert sink.records
    assert "AT-secret" not in dump


async def test_429_pauses_every_caller_of_the_tenant(fake_clock, static_tokens) -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "30", "X-Rate-Limit-Problem": "minute"}),
            httpx.Response(200, json={"Accounts": []}),
            httpx.Response(200, json={"TaxRates": []}),
        ]
    )
    async with make_client(
        lambda r: next(answers), fake_clock, static_tokens, retry=RetryPolicy(attempts=1)
    ) as client:
        with pytest.raises(RateLimitedError):
            await client.list_accounts()
        start = fake_clock.now
        await client.list_tax_rates()
    assert fake_clock.now - start >= 30
