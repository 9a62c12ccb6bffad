"""No token or secret in the call log, in error texts, in our log lines
(docs/architecture.md, invariant 7).

A client-credentials run is pushed through every path that writes a record or an error: token
grants (and a 401 forcing a second grant), a 429, a 5xx, a dropped connection, a 400 and a
rejected grant. Then every CallRecord, exception text and log line is searched for each secret.
"""

from __future__ import annotations

import dataclasses
import json
import logging

import pytest

from shopxero.errors import ShopxeroError
from shopxero.sandbox.seeds.credentials import SHOPIFY_ACCESS_TOKEN, SHOPIFY_CLIENT_SECRET

pytestmark = pytest.mark.anyio


async def test_no_secret_anywhere(make_client, shop_sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    for fault in (
        {"path": r"shop\.json$", "kind": "status", "status": 401},
        {
            "path": r"customers\.json$",
            "kind": "status",
            "status": 429,
            "headers": {"Retry-After": "1"},
        },
        {"path": r"products\.json$", "kind": "status", "status": 500},
        {"path": r"orders\.json$", "kind": "drop_before"},
        {
            "path": r"customers/\d+\.json$",
            "kind": "status",
            "status": 400,
            "body": {"errors": "bad request"},
        },
    ):
        shop_sandbox.faults.add(fault)
    errors: list[BaseException] = []
    client, sink, warnings = make_client(auth="cc")
    await client.get_shop()
    _ = [c async for c in client.iter_customers()]
    _ = [p async for p in client.iter_products()]
    _ = [o async for o in client.iter_orders()]
    try:
        await client.get_customer(shop_sandbox.state()["customers"][0]["id"])
    except ShopxeroError as exc:
        errors.append(exc)
    await client.aclose()

    bad, bad_sink, _ = make_client(auth="cc", client_secret="a-wrong-client-secret-77")
    try:
        await bad.get_shop()
    except ShopxeroError as exc:
        errors.append(exc)
    await bad.aclose()
    static, static_sink, _ = make_client(auth="static", token="shpat_wrongwrongwrong000000000000")
    try:
        await static.get_shop()
    except ShopxeroError as exc:
        errors.append(exc)
    await static.aclose()

    issued = list(shop_sandbox.tokens._issued)  # every token the grant handed out
    assert len(issued) == 2  # the first grant and the one after the 401
    secrets = [
        *issued,
        SHOPIFY_CLIENT_SECRET,
        SHOPIFY_ACCESS_TOKEN,
        "a-wrong-client-secret-77",
        "shpat_wrongwrongwrong000000000000",
    ]
    records = [*sink.records, *bad_sink.records, *static_sink.records]
    statuses = {r.status for r in records}
    assert {200, 401, 429, 500, None, 400} <= statuses  # every path was exercised
    assert len(errors) == 3
    haystack = [json.dumps(dataclasses.asdict(r), default=str) for r in records]
    for exc in errors:
        haystack += [str(exc), repr(exc), getattr(exc, "body_excerpt", "")]
        if exc.__cause__ is not None:
            haystack.append(str(exc.__cause__))
    haystack += [r.getMessage() for r in caplog.records]
    haystack += warnings
    haystack.append(json.dumps(shop_sandbox.log.entries(), default=str))
    leaks = [(secret[:6], text[:120]) for secret in secrets for text in haystack if secret in text]
    assert leaks == []
    # The grant's form body is in the log, masked, so the record is still useful.
    grant = next(r for r in sink.records if r.path == "/admin/oauth/access_token")
    assert grant.request_body is not None and "client_secret=***" in grant.request_body
    assert grant.response_body is not None
    assert json.loads(grant.response_body)["access_token"] == "***"
