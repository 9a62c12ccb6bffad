"""Helpers for the GraphQL tests: a demo-seed sandbox on a clock that moves only when told, and
one call of the GraphQL endpoint."""

from __future__ import annotations

from typing import Any

import httpx

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.shopify.app import DEFAULT_CREDENTIALS, ShopifySandbox, create_shopify_app

GRAPHQL_VERSION = "2026-10"
DEMO_TOKEN = {"X-Shopify-Access-Token": DEFAULT_CREDENTIALS.access_token}


def demo_sandbox(**options: Any) -> ShopifySandbox:
    """The demo shop on a clock that barely moves by itself (tests ``advance`` it)."""
    options.setdefault("clock", SandboxClock(speed=1e-6))
    return create_shopify_app(load_seed("demo")["shopify"], **options)


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    version: str = GRAPHQL_VERSION,
) -> dict[str, Any]:
    """POST one query; the HTTP status must be 200 (GraphQL refusals are 200 with errors)."""
    response = await client.post(
        f"/admin/api/{version}/graphql.json",
        json={"query": query, "variables": variables},
        headers=headers if headers is not None else DEMO_TOKEN,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def first_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    error: dict[str, Any] = body["errors"][0]
    return error
