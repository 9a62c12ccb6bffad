"""The fault matrix (issue 6): every kind of call × every fault, as one table. This module holds
the table and how a cell runs; the cells run in ``test_fault_matrix.py`` (Shopify rows, and the
table's own check), ``test_fault_matrix_xero_reads.py`` and ``test_fault_matrix_xero_writes.py``.

Each applicable cell resets both simulators, injects the fault into the one call kind, runs
`shopxero sync` (in process, real HTTP), checks the exit code docs/architecture.md gives and that
the fault was really hit, then runs again without faults: that run must complete (exit 0), and Xero
must hold exactly what an undisturbed run gives, one record per natural key, nothing lost, an empty
error queue. Cells that cannot happen say why in the table; a cell missing from the table fails
``test_every_cell_is_in_the_table``.

Retry waits are zeroed by ``stamina.set_testing`` (the attempts stay the policy's); the timeout
cells use a 2 s client timeout and a 3 s delay, in real seconds, because that is what trips httpx.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import stamina
from tests.reliability.harness import (
    final_invariants,
    summarize_xero,
    write_web_token_file,
    xero_state,
)
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds import credentials

# Two months of orders, paid out weekly: four payouts to post per run (three years of daily ones
# would be 17 transfers, one a request, filling Xero's minute window every other cell).
SEED = "bench:customers=12,products=3,orders=20,days=60,payday=1"
TIMEOUT_SECONDS = 2.0
API = r"^/api\.xro/2\.0"
SHOP = r"^/admin/api/[^/]+"


@dataclass(frozen=True)
class Kind:
    """One kind of call: where its requests go, and the Xero mode that makes it happen."""

    service: str  # "shopify" | "xero"
    method: str
    path: str
    web: bool = True  # Xero in web mode (token file, refresh with rotation)
    update: bool = False  # needs a synced record changed in Shopify first
    expire_token: bool = False  # the Xero access token has expired, so the run refreshes
    shopify_api: str | None = None  # SHOPXERO_SHOPIFY_API for the cell; None: the default


# Both Shopify APIs: GraphQL queries (bulk operations' starts and polls among them) and bulk
# results' downloads are rows of their own (SHOPXERO_SHOPIFY_API=graphql); the REST rows set
# SHOPXERO_SHOPIFY_API=rest. The Xero rows read Shopify through the default.
KINDS: dict[str, Kind] = {
    "shopify graphql query": Kind(
        "shopify", "POST", rf"{SHOP}/graphql\.json$", shopify_api="graphql"
    ),
    "shopify bulk download": Kind(
        "shopify", "GET", r"^/bulk-operation-results/", shopify_api="graphql"
    ),
    "shopify list customers": Kind(
        "shopify", "GET", rf"{SHOP}/customers\.json$", shopify_api="rest"
    ),
    "shopify list products": Kind("shopify", "GET", rf"{SHOP}/products\.json$", shopify_api="rest"),
    "shopify list orders": Kind("shopify", "GET", rf"{SHOP}/orders\.json$", shopify_api="rest"),
    "shopify client-credentials token": Kind("shopify", "POST", r"^/admin/oauth/access_token$"),
    "xero read contacts": Kind("xero", "GET", rf"{API}/Contacts$"),
    "xero read items": Kind("xero", "GET", rf"{API}/Items$"),
    "xero read invoices": Kind("xero", "GET", rf"{API}/Invoices$"),
    "xero create contacts": Kind("xero", "PUT", rf"{API}/Contacts$"),
    "xero create items": Kind("xero", "PUT", rf"{API}/Items$"),
    "xero create invoices": Kind("xero", "PUT", rf"{API}/Invoices$"),
    "xero update contacts": Kind("xero", "POST", rf"{API}/Contacts$", update=True),
    "xero update items": Kind("xero", "POST", rf"{API}/Items$", update=True),
    "xero token refresh": Kind("xero", "POST", r"^/connect/token$", expire_token=True),
}

FAULTS = (
    "429 retry-after",
    "429 no retry-after",
    "day limit",
    "500",
    "503 offline",
    "drop before",
    "drop after commit",
    "timeout",
    "401 mid-run",
    "refresh answer lost",
    "refresh token revoked",
)

# What a cell expects: "ok" = retried or recovered within the run (exit 0); "stop" = the day
# budget: the run stops cleanly with exit 1 and says when to resume; "reauth" = exit 2 naming
# `shopxero auth xero`. Any other string is the reason the cell does not apply.
OK, STOP, REAUTH = "ok", "stop", "reauth"
NO_DAY_SHOPIFY = (
    "n/a: Shopify REST has no daily call limit, only the leaky bucket (shopify-api-notes §3)"
)
NO_REVOKE_SHOPIFY = (
    "n/a: Shopify's client credentials grant has no refresh token (shopify-api-notes §2b)"
)
NO_REVOKE_XERO = (
    "n/a: revoking kills the whole token family, so the run's first Xero call fails whatever its"
    " kind; the 'xero token refresh' row is that cell"
)
TOKEN_401 = (
    "n/a: a 401 from a token endpoint is a refused client (invalid_client), not an expired token;"
    " tests/xero/test_auth.py and tests/shopify/test_auth.py cover it"
)
SAME_AS_DROP = "n/a: on a token request this is the 'drop after commit' cell of the same row"
NO_DAY_IDENTITY = (
    "n/a: the token endpoint is Xero Identity, not metered by the Accounting day limit"
)

NO_TOKEN_DOWNLOAD = (
    "n/a: a bulk result's URL is signed and the download sends no Shopify token"
    " (shopify-api-notes §10), so no token can expire on it"
)
_SHOPIFY_ROW = (OK, OK, NO_DAY_SHOPIFY, OK, OK, OK, OK, OK, OK, OK, NO_REVOKE_SHOPIFY)
# A download that fails is read page by page instead, with a note: the run still completes.
_DOWNLOAD_ROW = (
    *(OK, OK, NO_DAY_SHOPIFY, OK, OK, OK, OK, OK),
    *(NO_TOKEN_DOWNLOAD, NO_TOKEN_DOWNLOAD, NO_REVOKE_SHOPIFY),
)
_XERO_ROW = (OK, OK, STOP, OK, OK, OK, OK, OK, OK, OK, NO_REVOKE_XERO)
MATRIX: dict[str, tuple[str, ...]] = {
    "shopify graphql query": _SHOPIFY_ROW,
    "shopify bulk download": _DOWNLOAD_ROW,
    "shopify list customers": _SHOPIFY_ROW,
    "shopify list products": _SHOPIFY_ROW,
    "shopify list orders": _SHOPIFY_ROW,
    "shopify client-credentials token": (
        *(OK, OK, NO_DAY_SHOPIFY, OK, OK, OK, OK, OK),
        *(TOKEN_401, SAME_AS_DROP, NO_REVOKE_SHOPIFY),
    ),
    "xero read contacts": _XERO_ROW,
    "xero read items": _XERO_ROW,
    "xero read invoices": _XERO_ROW,
    "xero create contacts": _XERO_ROW,
    "xero create items": _XERO_ROW,
    "xero create invoices": _XERO_ROW,
    "xero update contacts": _XERO_ROW,
    "xero update items": _XERO_ROW,
    "xero token refresh": (
        *(OK, OK, NO_DAY_IDENTITY, OK, OK, OK, OK, OK),
        *(TOKEN_401, SAME_AS_DROP, REAUTH),
    ),
}

# The cells run in three test modules, by the rows' first words, so pytest-xdist (a module to a
# worker) spreads the table's ~140 runs over three workers instead of one.
ROW_GROUPS = {
    "shopify": ("shopify ",),
    "xero reads": ("xero read ", "xero token "),
    "xero writes": ("xero create ", "xero update "),
}


def cells(group: str) -> list[Any]:
    """The applicable cells of one group of rows, as pytest params."""
    return [
        pytest.param(kind, fault, MATRIX[kind][i], id=f"{kind} | {fault}")
        for kind in KINDS
        if kind.startswith(ROW_GROUPS[group])
        for i, fault in enumerate(FAULTS)
        if not MATRIX[kind][i].startswith("n/a")
    ]


# --- the faults ---------------------------------------------------------------------------------


def _status_body(kind: Kind, status: int) -> Any:
    if status == 401 and kind.service == "xero":
        # xero-api-notes §7: the gateway's expired-token problem.
        return {
            "Type": None,
            "Title": "Unauthorized",
            "Status": 401,
            "Detail": "TokenExpired: token expired at 01/01/2001 00:00:00",
            "Instance": "00000000-0000-0000-0000-000000000000",
            "Extensions": {},
        }
    if status == 401:
        return {
            "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
        }
    if status == 500 and kind.service == "xero":
        return {"Type": None, "Title": "An error occurred", "Status": 500, "Detail": "An error"}
    return {"errors": "Internal Server Error"}


def fault_specs(kind: Kind, fault: str) -> list[dict[str, Any]]:
    """The sandbox faults (``POST /_sandbox/faults`` specs) that make ``fault`` hit ``kind``."""
    at = {"method": kind.method, "path": kind.path, "times": 1}
    if fault == "429 retry-after":
        headers = {"Retry-After": "1"}
        if kind.service == "xero":
            headers["X-Rate-Limit-Problem"] = "minute"  # xero-api-notes §2
        return [{**at, "kind": "status", "status": 429, "headers": headers, "body": ""}]
    if fault == "429 no retry-after":
        # xero-api-notes §2: concurrent-limit 429s may come without Retry-After.
        headers = {"X-Rate-Limit-Problem": "concurrent"} if kind.service == "xero" else {}
        return [{**at, "kind": "status", "status": 429, "headers": headers, "body": ""}]
    if fault == "day limit":
        headers = {
            "Retry-After": "43200",
            "X-Rate-Limit-Problem": "day",
            "X-DayLimit-Remaining": "0",
        }
        return [{**at, "kind": "status", "status": 429, "headers": headers, "body": ""}]
    if fault == "500":
        return [{**at, "kind": "status", "status": 500, "body": _status_body(kind, 500)}]
    if fault == "503 offline":
        # xero-api-notes §7: plain text, not JSON.
        return [{**at, "kind": "status", "status": 503, "body": "The Organisation is offline"}]
    if fault == "drop before":
        return [{**at, "kind": "drop_before"}]
    if fault == "drop after commit":
        return [{**at, "kind": "drop_after_commit"}]
    if fault == "timeout":
        return [{**at, "kind": "delay", "seconds": TIMEOUT_SECONDS + 1.0}]
    if fault == "401 mid-run":
        return [{**at, "kind": "status", "status": 401, "body": _status_body(kind, 401)}]
    if fault == "refresh answer lost":
        # The call's token has expired, and the answer of the refresh it causes is lost after
        # the token endpoint rotated (Xero) or issued (Shopify) a new token.
        token = (
            {"method": "POST", "path": r"^/connect/token$"}
            if kind.service == "xero"
            else {"method": "POST", "path": r"^/admin/oauth/access_token$"}
        )
        return [
            *fault_specs(kind, "401 mid-run"),
            {**token, "kind": "drop_after_commit", "times": 1},
        ]
    if fault == "refresh token revoked":
        return []  # done on the token store, see _revoke
    raise AssertionError(f"no spec for {fault!r}")


# --- running cells ------------------------------------------------------------------------------


@dataclass
class Stage:
    sandboxes: RunningSandboxes
    reference: dict[str, Any]
    root: Path


def build_stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """One server pair for a test module, and what an undisturbed run leaves in Xero (each
    module's ``stage`` fixture yields from this)."""
    root = tmp_path_factory.mktemp("matrix")
    stamina.set_testing(True)
    try:
        plus = {"bucket_size": 400, "leak_per_second": 20.0}  # Shopify Plus (shopify-api-notes §3)
        with start_sandboxes(SEED, shopify_options=plus) as sandboxes:
            with pytest.MonkeyPatch.context() as mp:
                _configure(mp, sandboxes, web=False)
                code, out = _sync(root / "reference")
            assert code == 0, out
            yield Stage(sandboxes, summarize_xero(xero_state(sandboxes)), root)
    finally:
        stamina.set_testing(False)


def _configure(
    mp: pytest.MonkeyPatch,
    sandboxes: RunningSandboxes,
    *,
    web: bool,
    shopify_api: str | None = None,
) -> None:
    for key, value in sandboxes.env().items():
        mp.setenv(key, value)
    if shopify_api is not None:
        mp.setenv("SHOPXERO_SHOPIFY_API", shopify_api)
    else:
        mp.delenv("SHOPXERO_SHOPIFY_API", raising=False)
    mp.setenv("SHOPXERO_HTTP_TIMEOUT_SECONDS", str(TIMEOUT_SECONDS))
    if web:
        mp.setenv("SHOPXERO_XERO_MODE", "web")
        mp.setenv("SHOPXERO_XERO_CLIENT_ID", credentials.XERO_WEB_CLIENT_ID)
        mp.setenv("SHOPXERO_XERO_CLIENT_SECRET", credentials.XERO_WEB_CLIENT_SECRET)


def _sync(data_dir: Path) -> tuple[int, str]:
    # A private data folder, as shopxero makes it: the run's output is its report alone (a
    # pytest tmp folder is 0755, which the first run would fix with a note).
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "sync", "--json"])
    return result.exit_code, result.output


def _post(url: str, path: str, payload: Any = None) -> None:
    httpx.post(f"{url}{path}", json=payload, timeout=30).raise_for_status()


def _reset(sandboxes: RunningSandboxes) -> None:
    # A "timeout" cell leaves its delayed request running in the simulator after the client gave
    # up; were we to reset first, that write would land in the NEXT cell's fresh organisation.
    deadline = time.monotonic() + TIMEOUT_SECONDS + 10
    while time.monotonic() < deadline and any(
        entry["status"] is None
        for log in (sandboxes.xero.log, sandboxes.shopify.log)
        for entry in log.entries()
    ):
        time.sleep(0.05)
    _post(sandboxes.shopify_url, "/_sandbox/reset")
    _post(sandboxes.xero_url, "/_sandbox/reset")


def _change_in_shopify(sandboxes: RunningSandboxes, kind: Kind) -> None:
    """A synced customer or product changed by the merchant, so the next run POSTs an update."""
    shop = httpx.get(f"{sandboxes.shopify_url}/_sandbox/state", timeout=30).json()
    if "Contacts" in kind.path:
        customer = next(c for c in shop["customers"] if c.get("last_name"))
        payload = {"customers": [{**customer, "last_name": customer["last_name"] + " Changed"}]}
    else:
        product = shop["products"][0]
        payload = {"products": [{**product, "title": product["title"] + " Changed"}]}
    _post(sandboxes.shopify_url, "/_sandbox/records", payload)


def _revoke(sandboxes: RunningSandboxes, token_file: Path) -> None:
    """The merchant disconnected the app in Xero: the refresh token's family is dead."""
    refresh = json.loads(token_file.read_text())["refresh_token"]
    sandboxes.xero.tokens.revoke(refresh, client_id=credentials.XERO_WEB_CLIENT_ID)


def _open_errors(data_dir: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{data_dir / 'state.db'}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT entity, shopify_id, error_class, message FROM error_queue "
            "WHERE resolved_at IS NULL"
        ).fetchall()
    finally:
        conn.close()


def _hits(sandboxes: RunningSandboxes, kind: Kind) -> int:
    log = sandboxes.xero.log if kind.service == "xero" else sandboxes.shopify.log
    pattern = re.compile(kind.path)
    return sum(1 for e in log.entries() if e["method"] == kind.method and pattern.search(e["path"]))


def run_cell(
    stage: Stage, monkeypatch: pytest.MonkeyPatch, kind_name: str, fault: str, expect: str
) -> None:
    """One cell: the fault injected into one call kind, the run's exit code as the table says,
    then a clean run that must leave Xero as an undisturbed one does."""
    kind = KINDS[kind_name]
    sandboxes = stage.sandboxes
    _reset(sandboxes)
    data_dir = stage.root / re.sub(r"\W+", "-", f"{kind_name}-{fault}")
    shutil.rmtree(data_dir, ignore_errors=True)
    web = kind.service == "xero" and kind.web
    _configure(monkeypatch, sandboxes, web=web, shopify_api=kind.shopify_api)
    token_file = write_web_token_file(sandboxes, data_dir) if web else None

    if kind.update:
        code, out = _sync(data_dir)
        assert code == 0, out
        _change_in_shopify(sandboxes, kind)
    if kind.expire_token:
        # The access token is past its 30 minutes (xero-api-notes §1.3).
        sandboxes.xero.clock.advance(1801)
    if fault == "refresh token revoked":
        assert token_file is not None
        _revoke(sandboxes, token_file)
    for spec in fault_specs(kind, fault):
        sandboxes.xero.faults.add(spec) if spec["path"].startswith(("^/api", "^/connect")) else (
            sandboxes.shopify.faults.add(spec)
        )
    hits_before = _hits(sandboxes, kind)

    code, out = _sync(data_dir)

    if fault == "refresh token revoked":
        # Revocation kills the access token too (xero-api-notes §1.6): the first Xero call is
        # refused.
        refused = [e for e in sandboxes.xero.log.entries() if e["status"] == 401]
        assert refused, f"no Xero call was refused after the revocation: {out}"
    else:
        assert _hits(sandboxes, kind) > hits_before, f"the run never made a {kind_name} call: {out}"
    pending = sandboxes.xero.faults.pending() + sandboxes.shopify.faults.pending()
    assert pending == 0, f"{pending} injected fault(s) never hit: the cell tested nothing"
    if expect == OK:
        assert code == 0, (out, _open_errors(data_dir))
    elif expect == STOP:
        assert code == 1, out
        report = json.loads(out)
        assert report["status"] == "stopped", report
        assert "daily API budget" in report["message"] and "Run again after" in report["message"]
    else:
        assert code == 2, out
        assert "shopxero auth xero" in out, out
        assert len(out.strip().splitlines()) == 1, out
        # The merchant re-authorises (a new consent), and the next run completes.
        assert token_file is not None
        token_file.unlink()
        write_web_token_file(sandboxes, data_dir)

    code, out = _sync(data_dir)
    assert code == 0, f"the next run did not complete: {out}"
    final_invariants(sandboxes, data_dir / "state.db", stage.reference, token_file=token_file)
