"""A product with Shopify's maximum of 2,048 variants, synced by ``shopxero sync`` over real HTTP.

Through GraphQL every variant becomes a Xero item and nothing is warned about. Through REST,
which never returns more than 100 variants a product (shopify-api-notes §1), only 100 arrive and
the run says some may be missing: the reason GraphQL is the API to read a large catalogue with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sandbox.shopify.helpers import make_customer, make_product
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import start_sandboxes

VARIANTS = 2048
PRODUCT_ID = 10


def _seed() -> dict[str, Any]:
    return {
        "shopify": {
            "customers": [make_customer(1)],
            "products": [make_product(PRODUCT_ID, variants=VARIANTS)],
        }
    }


def _sync(tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "sync", "--json"])
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_a_product_with_2048_variants_syncs_whole_through_graphql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shopify_api: str
) -> None:
    with start_sandboxes(_seed()) as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("SHOPXERO_SHOPIFY_API", shopify_api)
        monkeypatch.setenv("COLUMNS", "80")
        code, report, stderr = _sync(tmp_path)
        items = httpx.get(f"{running.xero_url}/_sandbox/state").json()["items"]
    assert code == 0, (report, stderr)
    codes = sorted(str(item["Code"]) for item in items)
    cut_short = "has exactly 100 variants"
    if shopify_api == "graphql":
        assert codes == sorted(f"SKU-{PRODUCT_ID}-{n}" for n in range(VARIANTS))
        assert report["counts"]["products"]["created"] == VARIANTS
        assert cut_short not in stderr
    else:
        assert codes == sorted(f"SKU-{PRODUCT_ID}-{n}" for n in range(100))
        assert cut_short in " ".join(stderr.split())
