"""The layering table of docs/architecture.md (Package layout), enforced by walking every import in
src/shopxero."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "shopxero"

# area -> the shopxero areas it may import (its own area is always allowed).
# Entries with a dot allow one module of an area only (the sandbox may use the API models).
ALLOWED: dict[str, set[str]] = {
    "cli": {"*"},
    "__main__": {"cli"},
    "__init__": set(),
    "config": {"errors"},
    "errors": set(),
    "http": {"errors"},
    "shopify": {"http", "errors"},
    "xero": {"http", "errors"},
    "store": {"errors"},
    "sync": {"config", "errors", "http", "shopify", "xero", "store"},
    "sandbox": {"errors", "shopify.models", "xero.models", "xero.dates"},
}


def _area(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_respect_the_layering_table(path: Path) -> None:
    area = _area(path)
    allowed = ALLOWED[area]
    bad: list[str] = []
    for name in _imports(path):
        if not name.startswith("shopxero.") or "*" in allowed:
            continue
        target = name.removeprefix("shopxero.")
        target_area = target.split(".")[0]
        if target_area == area or target_area in allowed:
            continue
        # "shopify.models" style entries allow exactly that module (and names imported from it).
        if any(target == entry or target.startswith(entry + ".") for entry in allowed):
            continue
        bad.append(name)
    assert not bad, f"{path.relative_to(SRC)} ({area}) may not import {sorted(set(bad))}"


def test_no_sql_outside_store() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for p in _modules()
        if _area(p) != "store" and any(n == "sqlite3" for n in _imports(p))
    ]
    assert offenders == []


def test_every_area_in_the_tree_is_in_the_table() -> None:
    areas = {_area(p) for p in _modules()}
    assert areas <= set(ALLOWED), areas - set(ALLOWED)


def test_the_table_catches_a_forbidden_import(tmp_path: Path) -> None:
    """The checker itself works: an xero -> shopify import is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("from shopxero.shopify.client import ShopifyClient\n")
    assert "shopxero.shopify.client" in _imports(probe)
    assert "shopify" not in ALLOWED["xero"]
