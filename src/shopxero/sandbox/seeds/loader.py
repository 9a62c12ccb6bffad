"""``load_seed``: a seed by name (``demo``, ``bench[:sizes]``) or from a JSON file.

A JSON file holds ``{"shopify": {...}, "xero": {...}}`` in the vendors' own shapes; whatever it
leaves out is filled in: the Shopify lists default to empty, a missing ``shop`` to a minimal UK
shop, and the Xero organisation, accounts and tax rates to the standard ones of the shop's country
(``shop.country_code``, see ``xero_defaults``). Numbers in the Xero part are read as ``Decimal``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopxero.errors import ConfigError
from shopxero.sandbox.seeds.bench import build_bench, parse_bench_spec
from shopxero.sandbox.seeds.demo import build_demo
from shopxero.sandbox.seeds.records import build_shop
from shopxero.sandbox.seeds.xero_defaults import (
    default_accounts,
    default_organisation,
    default_tax_rates,
    normalise_country,
)

__all__ = ["SEED_NAMES", "complete_seed", "load_seed"]

SEED_NAMES = ("demo", "bench")
_SHOPIFY_LISTS = ("customers", "products", "orders", "payouts", "balance_transactions")
_XERO_LISTS = ("contacts", "items")


def load_seed(spec: str | dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """The seed ``spec`` names, with defaults filled in.

    ``spec``: ``"demo"``, ``"bench"``, ``"bench:customers=N,products=N,orders=N"``, a path to a
    JSON file, or an already-loaded dict. Raises ``ConfigError`` naming the problem otherwise.
    """
    if isinstance(spec, dict):
        return complete_seed(spec, now=now)
    name = spec.strip()
    if name == "demo":
        return build_demo(now)
    if name == "bench" or name.startswith("bench:"):
        try:
            sizes = parse_bench_spec(name)
        except ValueError as exc:
            raise ConfigError(f"--seed {spec!r}: {exc}") from exc
        return build_bench(**sizes, now=now)
    path = Path(name).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"--seed {spec!r} is neither a seed name ({', '.join(SEED_NAMES)}, "
            "bench:customers=N,products=N,orders=N) nor an existing JSON file"
        )
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text)
        exact = json.loads(text, parse_float=Decimal)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"--seed {path}: not a readable JSON file ({exc})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"--seed {path}: the top level must be an object with shopify/xero")
    # Xero numbers become Decimal (amounts, rates); the Shopify part stays as on the wire
    # (money is strings there; the few JSON numbers are what Shopify sends, shopify-api-notes §5).
    if "xero" in exact:
        raw["xero"] = exact["xero"]
    try:
        return complete_seed(raw, now=now)
    except ValueError as exc:
        raise ConfigError(f"--seed {path}: {exc}") from exc


def complete_seed(raw: dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """Fill what ``raw`` leaves out; the input is not modified."""
    unknown = set(raw) - {"shopify", "xero"}
    if unknown:
        raise ValueError(f"unknown top-level keys {sorted(unknown)} (expected shopify, xero)")
    shopify = dict(raw.get("shopify") or {})
    xero = dict(raw.get("xero") or {})
    for key in _SHOPIFY_LISTS:
        value = shopify.setdefault(key, [])
        if not isinstance(value, list):
            raise ValueError(f"shopify.{key} must be a list")
    if not shopify.get("shop"):
        moment = (now or datetime.now(UTC)) - timedelta(days=365)
        shopify["shop"] = build_shop(
            shop_id=60_000_000_001, name="Sandbox Shop", domain="sandbox-shop.myshopify.com",
            country_code="GB", currency="GBP", iana_timezone="Europe/London",
            taxes_included=True, created_at=moment,
        )  # fmt: skip
    country = shopify["shop"].get("country_code") or "GB"
    try:
        country = normalise_country(str(country))
    except ValueError as exc:
        raise ValueError(f"shopify.shop.country_code: {exc}") from exc
    if not xero.get("organisation"):
        xero["organisation"] = default_organisation(country)
    if not xero.get("accounts"):
        xero["accounts"] = default_accounts(country)
    if not xero.get("tax_rates"):
        xero["tax_rates"] = default_tax_rates(country)
    for key in _XERO_LISTS:
        value = xero.setdefault(key, [])
        if not isinstance(value, list):
            raise ValueError(f"xero.{key} must be a list")
    return {"shopify": shopify, "xero": xero}
