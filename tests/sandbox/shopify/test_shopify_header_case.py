"""Over real HTTP/1.1 the simulator spells its header names as Shopify does (issue 16 §7).

Read with the standard library's ``http.client``, which keeps each name exactly as it came off
the socket, from a simulator served by ``sandbox.server`` (uvicorn on a real port), the way
``shopxero sandbox`` and the demo serve it.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest
from tests.sandbox.shopify.helpers import api, auth_headers, build_sandbox

from shopxero.sandbox.server import RunningServer, serve_in_thread
from shopxero.sandbox.shopify.header_case import shopify_spelling


@pytest.fixture
def server() -> Iterator[RunningServer]:
    with serve_in_thread(build_sandbox(bucket_size=2)) as running:
        yield running


def _get(server: RunningServer, path: str) -> tuple[int, list[tuple[str, str]]]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        conn.request("GET", path, headers=auth_headers())
        response = conn.getresponse()
        response.read()
        return response.status, response.getheaders()
    finally:
        conn.close()


def test_the_call_limit_and_version_headers_arrive_in_shopifys_spelling(
    server: RunningServer,
) -> None:
    status, headers = _get(server, api("shop.json"))
    assert status == 200
    names = [name for name, _ in headers]
    assert ("X-Shopify-Shop-Api-Call-Limit", "1/2") in headers
    assert ("X-Shopify-API-Version", "2026-07") in headers
    assert "X-Request-Id" in names
    assert "Content-Type" in names
    assert "x-shopify-shop-api-call-limit" not in names


def test_a_throttled_answer_spells_retry_after_too(server: RunningServer) -> None:
    for _ in range(2):
        assert _get(server, api("shop.json"))[0] == 200
    status, headers = _get(server, api("shop.json"))
    assert status == 429
    names = [name for name, _ in headers]
    assert "Retry-After" in names
    assert ("X-Shopify-Shop-Api-Call-Limit", "2/2") in headers


def test_spelling_of_known_and_unknown_names() -> None:
    assert shopify_spelling("x-shopify-api-version") == "X-Shopify-API-Version"
    assert shopify_spelling("x-request-id") == "X-Request-Id"
    assert shopify_spelling("x-some-new-thing") == "X-Some-New-Thing"
