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
    "exit_codes": set(),
    "clients": {"config", "errors", "http", "shopify", "xero", "store"},
    # Pure Shopify -> Xero: the models, dates and errors only; no I/O, no store, no clients.
    "translate": {"errors", "shopify.models", "xero.models", "xero.records", "xero.dates"},
    "checks": {"config", "errors", "http", "shopify", "xero", "clients", "translate"},
    "engine": {"config", "errors", "store", "xero", "translate", "checks"},
    "entities": {"config", "errors", "store", "shopify.models", "xero", "translate", "engine"},
    # Notifications: problems from runs, the token file and doctor's checks, sent by Apprise.
    "notify": {"config", "errors", "store", "checks", "xero.tokens"},
    "run": {"config", "errors", "exit_codes", "store", "clients", "engine", "entities", "notify"}
    | {"shopify.models"},
    "rebuild": {"config", "errors", "store", "shopify.models", "xero", "engine", "entities", "run"},
    "reports": {"store"},
    "scheduling": {"config", "errors", "exit_codes", "engine.run_report", "engine.runlock", "run"}
    | {"checks", "notify", "store.values"},
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


def _entity(module: str) -> str | None:
    """The entity a module of ``shopxero.entities`` belongs to (a module or a subpackage)."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["shopxero", "entities"] else None


@pytest.mark.parametrize(
    "path", sorted((SRC / "entities").rglob("*.py")), ids=lambda p: str(p.relative_to(SRC))
)
def test_entities_never_import_each_other(path: Path) -> None:
    own = _entity("shopxero." + ".".join(path.relative_to(SRC).with_suffix("").parts))
    others = {
        name
        for name in _imports(path)
        if _entity(name) not in (None, own) and not name.endswith(".__init__")
    }
    assert not others, f"{path.relative_to(SRC)} ({own}) imports another entity: {sorted(others)}"


def _private_imports(path: Path, text: str | None = None) -> list[str]:
    """Names starting with one underscore that ``path`` (or ``text`` as that file) imports from
    another package."""
    own_package = ".".join(("shopxero", *path.relative_to(SRC).parent.parts))
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            source_package = node.module.rpartition(".")[0]
            if not node.module.startswith("shopxero") or source_package == own_package:
                continue
            found += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_name_is_imported_across_packages(path: Path) -> None:
    assert _private_imports(path) == []


def test_translate_touches_no_io() -> None:
    """The pure layer imports no client, store, HTTP or clock, and no I/O module of the stdlib."""
    impure = {"httpx", "sqlite3", "asyncio", "socket", "os", "pathlib", "time", "random"}
    found = {
        f"{p.relative_to(SRC)}: {name}"
        for p in sorted((SRC / "translate").rglob("*.py"))
        for name in _imports(p)
        if name.split(".")[0] in impure
    }
    assert found == set()


def test_the_entity_check_catches_one_entity_importing_another(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from shopxero.entities.contacts import sync_customers\n")
    names = _imports(probe)
    assert {_entity(n) for n in names} == {"contacts"}
    assert _entity("shopxero.entities.orders.invoices") == "orders"


def test_the_private_check_catches_a_private_import() -> None:
    probe = SRC / "checks" / "probe.py"  # never written: the text is checked as that file
    text = "from shopxero.clients import _helper\nfrom shopxero.checks.doctor import _check\n"
    assert _private_imports(probe, text) == ["shopxero.clients._helper"]


def test_the_table_catches_a_forbidden_import(tmp_path: Path) -> None:
    """The checker itself works: an xero -> shopify import is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("from shopxero.shopify.client import ShopifyClient\n")
    assert "shopxero.shopify.client" in _imports(probe)
    assert "shopify" not in ALLOWED["xero"]


# Functions of the engine, the entities, the run and the rebuild read in one screen.
MAX_FUNCTION_LINES = 60
SHORT_FUNCTION_PACKAGES = ("engine", "entities", "run", "rebuild")


def _long_functions(path: Path, text: str | None = None) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    return [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


@pytest.mark.parametrize(
    "path",
    [p for package in SHORT_FUNCTION_PACKAGES for p in sorted((SRC / package).rglob("*.py"))],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_no_function_of_the_engine_entities_run_or_rebuild_is_over_60_lines(path: Path) -> None:
    assert _long_functions(path) == []


def test_the_length_check_catches_a_long_function() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    assert _long_functions(SRC / "engine" / "probe.py", f"def f():\n{body}") == ["f (61 lines)"]
