"""`shopxero redact --customer ID` over real HTTP: no trace of the customer left in state.db.

The customer's data is made to land everywhere the state DB keeps text: a failed contact batch
(the call log keeps failed calls' bodies; the error queue gets an entry per customer), then the
retry (mapping payload and names), and a run note (an email Xero refuses). After `redact`, the
raw bytes of the file and its WAL hold none of the values, in any encoding we store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds import load_seed

TARGET = 7100000000003  # Amelia Jones: unique name, phone, an address with a quote in it
REFUSED_EMAIL = 7100000000010  # Jürgen Müller: Xero refuses his email, a run note names it
OTHER = 7100000000006


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        yield running


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _customer(customer_id: int) -> dict[str, Any]:
    return next(c for c in load_seed("demo")["shopify"]["customers"] if c["id"] == customer_id)


def _values(customer: dict[str, Any]) -> list[str]:
    address = customer.get("default_address") or {}
    values = [
        customer.get("email"),
        customer.get("phone"),
        f"{customer['first_name']} {customer['last_name']}",
        address.get("address1"),
        address.get("zip"),
    ]
    return [v for v in values if v]


def _encodings(value: str) -> list[bytes]:
    return [
        value.encode(),
        json.dumps(value)[1:-1].encode(),  # JSON with \\u escapes
        value.lower().encode(),
    ]


def _raw_state(data_dir: Path) -> bytes:
    return b"".join(
        (data_dir / name).read_bytes()
        for name in ("state.db", "state.db-wal")
        if (data_dir / name).exists()
    )


def _found(data_dir: Path, values: list[str]) -> list[str]:
    raw = _raw_state(data_dir)
    return [v for v in values if any(form in raw for form in _encodings(v))]


def _fail_next_contact_batch(xero_url: str) -> None:
    fault = {
        "method": "PUT",
        "path": "/api.xro/2.0/Contacts",
        "kind": "status",
        "status": 400,
        "body": {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
        },
        "times": 1,
    }
    httpx.post(f"{xero_url}/_sandbox/faults", json=fault).raise_for_status()


def test_redact_leaves_no_trace_and_the_sync_still_works(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    target, refused, other = _customer(TARGET), _customer(REFUSED_EMAIL), _customer(OTHER)
    data = ["--data-dir", str(tmp_path)]
    _fail_next_contact_batch(sandboxes.xero_url)
    _invoke([*data, "sync"])
    code, out = _invoke([*data, "errors", "list", "--json"])
    failed = [e["id"] for e in json.loads(out) if e["entity"] == "customers"]
    assert len(failed) > 3, out
    ids = [arg for error_id in failed for arg in ("--id", str(error_id))]
    code, out = _invoke([*data, "errors", "retry", *ids])
    assert code in (0, 1), out
    code, out = _invoke([*data, "errors", "list", "--json"])
    assert all(e["entity"] == "orders" for e in json.loads(out)), out  # customers went through

    # The values are really in the state DB before (else the test proves nothing).
    assert _found(tmp_path, _values(target)) == _values(target)
    assert _found(tmp_path, [refused["email"]]) == [refused["email"]]

    code, out = _invoke([*data, "redact", "--customer", str(TARGET), "--json"])
    assert code == 0, out
    result = json.loads(out)
    assert result["mapping_found"] and result["total"] > 0
    assert {"email", "phone", "name", "address"} <= set(result["value_kinds"])
    assert _found(tmp_path, _values(target)) == []
    # Only the target: another customer's data is still there.
    assert _found(tmp_path, [other["email"]]) == [other["email"]]

    code, out = _invoke([*data, "redact", "--customer", str(REFUSED_EMAIL)])
    assert code == 0, out
    assert _found(tmp_path, [refused["email"]]) == []

    # Idempotent: nothing left to change.
    code, out = _invoke([*data, "redact", "--customer", str(TARGET), "--json"])
    assert code == 0 and json.loads(out)["total"] == 0, out

    # The sync still works, sends nothing for the redacted customers, and brings no trace back.
    xero_before = len(httpx.get(f"{sandboxes.xero_url}/_sandbox/requests").json()["requests"])
    code, out = _invoke([*data, "sync", "--json"])
    assert code in (0, 1), out
    report = json.loads(out)
    assert report["counts"]["customers"]["created"] == report["counts"]["customers"]["updated"] == 0
    writes = [
        r
        for r in httpx.get(f"{sandboxes.xero_url}/_sandbox/requests").json()["requests"][
            xero_before:
        ]
        if r["method"] in ("PUT", "POST") and r["path"].endswith("/Contacts")
    ]
    assert writes == []
    assert _found(tmp_path, _values(target)) == []


def test_redact_refuses_a_bad_id_and_a_corrupt_db(tmp_path: Path) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "redact", "--customer", "jane@x.com"])
    assert code == 2 and "customer id" in out
    assert "jane@x.com" not in out  # the personal data being erased is not echoed
    (tmp_path / "state.db").write_bytes(b"garbage" * 40)
    code, out = _invoke(["--data-dir", str(tmp_path), "redact", "--customer", "12"])
    assert code == 2 and "shopxero rebuild" in out
    assert (tmp_path / "state.db").read_bytes() == b"garbage" * 40


def test_redact_without_any_record_reports_nothing(tmp_path: Path) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "redact", "--customer", "42"])
    assert code == 0, out
    assert "nothing (left) to redact" in out
