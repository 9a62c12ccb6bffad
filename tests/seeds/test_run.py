"""start_sandboxes: both simulators over real HTTP, and env() names the tool's own settings."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from tests.seeds.conftest import NOW
from tests.vendored import SHOPIFY_REST_FIXTURES

from shopxero.config import Settings
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.run import start_sandboxes
from shopxero.sandbox.seeds import credentials

FIXTURES = SHOPIFY_REST_FIXTURES

SMALL_SEED = {"shopify": {"shop": {"country_code": "NZ", "myshopify_domain": "kiwi.myshopify.com"}}}


def _settings(env: dict[str, str]) -> Settings:
    return Settings.model_validate({k.removeprefix("SHOPXERO_").lower(): v for k, v in env.items()})


def test_env_uses_only_real_setting_names_and_points_at_the_servers() -> None:
    with start_sandboxes(SMALL_SEED, now=NOW) as running:
        env = running.env()
        fields = {f"SHOPXERO_{name.upper()}" for name in Settings.model_fields}
        assert set(env) <= fields
        settings = _settings(env)
        assert settings.shopify_url == running.shopify_url
        assert settings.shopify_shop == "kiwi.myshopify.com"
        assert settings.xero_mode == "custom_connection"
        assert settings.xero_client_id == credentials.XERO_CC_CLIENT_ID
        assert settings.xero_tenant_id == running.xero.tenant_id
        assert "SHOPXERO_SHOPIFY_ACCESS_TOKEN" not in env
        assert running.env(shopify_auth="access_token")["SHOPXERO_SHOPIFY_ACCESS_TOKEN"] == (
            credentials.SHOPIFY_ACCESS_TOKEN
        )


def test_both_sandboxes_serve_the_seed_with_country_defaults() -> None:
    with start_sandboxes(SMALL_SEED, now=NOW) as running:
        shop = httpx.get(
            f"{running.shopify_url}/admin/api/2026-10/shop.json",
            headers={"X-Shopify-Access-Token": credentials.SHOPIFY_ACCESS_TOKEN},
        )
        assert shop.status_code == 200
        assert shop.json()["shop"]["myshopify_domain"] == "kiwi.myshopify.com"
        state = httpx.get(f"{running.xero_url}/_sandbox/state").json()
        assert state["organisation"]["BaseCurrency"] == "NZD"
        assert any(r["TaxType"] == "OUTPUT2" for r in state["tax_rates"])


def test_xero_options_and_the_shared_clock_reach_the_simulators() -> None:
    clock = SandboxClock(speed=30, start=NOW)
    with start_sandboxes(SMALL_SEED, clock=clock, day_limit=1000) as running:
        assert running.shopify.clock is clock and running.xero.clock is clock
        token = httpx.post(
            f"{running.xero_url}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials.XERO_CC_CLIENT_ID, credentials.XERO_CC_CLIENT_SECRET),
        ).json()["access_token"]
        answer = httpx.get(
            f"{running.xero_url}/api.xro/2.0/Organisation",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        assert answer.status_code == 200
        assert int(answer.headers["X-DayLimit-Remaining"]) < 1000


def test_the_demo_seed_round_trips_through_the_shopify_sandbox() -> None:
    with start_sandboxes("demo", now=NOW) as running:
        state = httpx.get(f"{running.shopify_url}/_sandbox/state").json()
        assert len(state["orders"]) == 60
        assert any(o["refunds"] for o in state["orders"])


def test_a_json_file_seed_is_served(tmp_path: Path) -> None:
    fixture = FIXTURES / "customer_test_1.json"
    customers = json.loads(fixture.read_text(encoding="utf-8"))["response"]["customers"]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"shopify": {"customers": customers}}), encoding="utf-8")
    with start_sandboxes(str(path), now=NOW) as running:
        answer = httpx.get(
            f"{running.shopify_url}/admin/api/2026-10/customers.json",
            headers={"X-Shopify-Access-Token": credentials.SHOPIFY_ACCESS_TOKEN},
        )
        assert answer.status_code == 200
        assert {c["id"] for c in answer.json()["customers"]} == {c["id"] for c in customers}
        state = httpx.get(f"{running.xero_url}/_sandbox/state").json()
        assert state["organisation"]["CountryCode"] == "GB"  # no shop given: a UK shop
