"""``shopxero doctor`` on either Shopify API (issue 14): through GraphQL it finds what it finds
through REST (the shop, the version served, the scopes, the token, the taxes charged), and makes
no REST call: the simulator's request log holds only ``/graphql.json`` (and the token grant).
The command over real HTTP, at 80 columns, with ``SHOPXERO_SHOPIFY_API`` set either way."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tests.cli.test_doctor import _invoke

from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds.credentials import SHOPIFY_CLIENT_SECRET, shopify_credentials
from shopxero.sandbox.shopify.auth import ShopifyCredentials
from shopxero.shopify.graphql_queries import TAX_SAMPLE_PAGE

TOKEN_GRANT = "/admin/oauth/access_token"


@contextmanager
def _sandboxes(
    monkeypatch: pytest.MonkeyPatch, *, scopes: tuple[str, ...] | None = None, auth: Any
) -> Iterator[RunningSandboxes]:
    options: dict[str, Any] = {}
    if scopes is not None:
        creds = shopify_credentials()
        options["credentials"] = ShopifyCredentials(
            creds.access_token, creds.client_id, creds.client_secret, scopes
        )
    with start_sandboxes("demo", shopify_options=options) as running:
        for key, value in running.env(shopify_auth=auth).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("COLUMNS", "80")
        yield running


def _doctor(
    running: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: str
) -> tuple[str, list[dict[str, Any]], list[str]]:
    """The doctor's text and JSON on ``api``, and the Shopify paths the two runs called."""
    monkeypatch.setenv("SHOPXERO_SHOPIFY_API", api)
    running.shopify.log.clear()
    text = _invoke(["--data-dir", str(tmp_path), "doctor"]).output
    result = _invoke(["--data-dir", str(tmp_path), "doctor", "--json"])
    paths = [str(e["path"]) for e in running.shopify.log.entries()]
    return text, json.loads(result.stdout)["checks"], paths


def _comparable(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checks as both APIs should agree on them: without GraphQL's own bucket line, the
    sample's size apart (REST's page holds 100 orders, GraphQL's
    query fewer: graphql_queries.TAX_SAMPLE_PAGE), Xero's day budget, which each run spends a
    little of, and the time the token runs out (each run is granted its own)."""
    out = []
    for check in checks:
        if (check["service"], check["name"]) == ("shopify", "graphql"):
            continue
        if check["name"] in ("orders", "day budget", "token") and check["status"] == "ok":
            check = {**check, "detail": re.sub(r"\d+", "N", check["detail"])}
        out.append(check)
    return out


def _one(checks: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (check,) = [c for c in checks if (c["service"], c["name"]) == ("shopify", name)]
    return check


def _wrapped(text: str) -> None:
    assert max(len(line) for line in text.splitlines()) <= 80, text


def test_doctor_on_graphql_finds_what_rest_finds_without_a_rest_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with _sandboxes(monkeypatch, auth="client_credentials") as running:
        rest_text, rest, rest_paths = _doctor(running, tmp_path, monkeypatch, "rest")
        text, graphql, paths = _doctor(running, tmp_path, monkeypatch, "graphql")
    assert any(p.endswith("/shop.json") for p in rest_paths)  # REST still reads REST
    # Per doctor run: one token grant, then the shop, the scopes and the tax sample.
    queries = [p for p in paths if p != TOKEN_GRANT]
    assert all(re.fullmatch(r"/admin/api/[\d-]+/graphql\.json", p) for p in queries), paths
    assert paths.count(TOKEN_GRANT) == 2 and len(queries) == 2 * 3
    assert _comparable(graphql) == _comparable(rest)
    # The sample: every demo order on REST's page, the newest the GraphQL query holds, and
    # the Irish VAT one among them on both.
    assert "60 order(s) read" in _one(rest, "orders")["detail"]
    assert f"{TAX_SAMPLE_PAGE} order(s) read" in _one(graphql, "orders")["detail"]
    assert "IE VAT 23%" in json.dumps(graphql)
    bucket = _one(graphql, "graphql")
    assert bucket["status"] == "ok" and "cost bucket 2000 points" in bucket["detail"]
    token = _one(graphql, "token")["detail"]
    assert "client-credentials token valid for 24 h" in token
    assert SHOPIFY_CLIENT_SECRET not in text + json.dumps(graphql)
    for output in (text, rest_text):
        assert "all essential checks passed; 2 warning(s)." in output
        _wrapped(output)
    assert "ok      shopify graphql: the GraphQL Admin API answered (5 scopes)" in text


def test_a_missing_scope_is_reported_the_same_on_either_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with _sandboxes(
        monkeypatch, scopes=("read_customers", "read_products"), auth="access_token"
    ) as running:
        rest_text, rest, _ = _doctor(running, tmp_path, monkeypatch, "rest")
        text, graphql, paths = _doctor(running, tmp_path, monkeypatch, "graphql")
    assert all(p.endswith("/graphql.json") for p in paths), paths
    scopes = _one(graphql, "scopes")
    assert scopes == _one(rest, "scopes")
    assert scopes["status"] == "error" and "missing read_orders" in scopes["detail"]
    # No orders to sample without read_orders: a warning with the same fix on both.
    orders, rest_orders = _one(graphql, "orders"), _one(rest, "orders")
    assert (orders["status"], orders["fix"]) == (rest_orders["status"], rest_orders["fix"])
    assert orders["status"] == "warning" and "read_orders" in orders["detail"]
    for output in (text, rest_text):
        assert "error   shopify scopes: missing read_orders: the sync cannot read" in output
        _wrapped(output)


def test_an_unsupported_pinned_version_is_found_on_graphql_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # shopify-api-notes §1, §10: the version falls forward, and GraphQL answers say so too.
    with _sandboxes(monkeypatch, auth="access_token") as running:
        monkeypatch.setenv("SHOPXERO_SHOPIFY_API_VERSION", "2024-01")
        _, rest, _ = _doctor(running, tmp_path, monkeypatch, "rest")
        text, graphql, paths = _doctor(running, tmp_path, monkeypatch, "graphql")
    assert set(paths) == {"/admin/api/2024-01/graphql.json"}
    version = _one(graphql, "api version")
    assert version == _one(rest, "api version")
    assert version["status"] == "warning"
    assert "SHOPXERO_SHOPIFY_API_VERSION=2025-10" in version["fix"]
    assert "warning shopify api version: pinned 2024-01 is no longer supported" in text
    _wrapped(text)
