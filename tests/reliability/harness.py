"""The crash-safety harness: run `shopxero sync` as a separate process and SIGKILL it.

The two simulators are served over real HTTP in the test process (``start_sandboxes``); each round
starts ``python -m shopxero --env-file ... --data-dir ... sync`` and kills it with SIGKILL, either
after a seeded random delay or when a chosen request arrives in a simulator's request log (the same
log ``GET /_sandbox/requests`` serves). The log calls the harness as the request arrives, in the
server's thread and before the simulator acts on it, so the kill always lands before the answer
exists. A kill on the arrival of a Xero ``PUT`` lands between the write and the recording of its
answer: the client is waiting, the server goes on to commit. A kill on ``POST /connect/token``
lands inside a token refresh: Xero rotates the refresh token, the client never stores the new one.

``final_invariants`` is what must hold after the last, clean run
(docs/architecture.md, invariants 1, 2, 4, 7).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from shopxero.sandbox.control import RequestLog
from shopxero.sandbox.run import RunningSandboxes
from shopxero.sandbox.seeds import credentials
from shopxero.xero.tokens import XeroTokenSet, load_token_file, save_token_file

__all__ = [
    "KillOutcome",
    "SyncProcess",
    "clear_faults",
    "final_invariants",
    "open_intents",
    "reset_sandboxes",
    "write_env_file",
    "write_web_token_file",
]

# The Xero creates whose answer we kill between (docs/architecture.md, invariant 1: PUT is
# create-only).
WRITE_PATH = re.compile(
    r"^/api\.xro/2\.0/"
    r"(Contacts|Items|Invoices|CreditNotes|Payments|BankTransfers|BankTransactions)$"
)
TOKEN_PATH = "/connect/token"
Entry = dict[str, Any]


def write_env_file(
    path: Path,
    sandboxes: RunningSandboxes,
    *,
    mode: str,
    timeout: float,
    shopify_api: str | None = None,
) -> None:
    """The settings a merchant's ``.env`` would hold, pointing at the sandboxes; Shopify is read
    through the default API unless ``shopify_api`` names one (``SHOPXERO_SHOPIFY_API``)."""
    env = sandboxes.env()
    if shopify_api is not None:
        env["SHOPXERO_SHOPIFY_API"] = shopify_api
    if mode == "web":
        env["SHOPXERO_XERO_MODE"] = "web"
        env["SHOPXERO_XERO_CLIENT_ID"] = credentials.XERO_WEB_CLIENT_ID
        env["SHOPXERO_XERO_CLIENT_SECRET"] = credentials.XERO_WEB_CLIENT_SECRET
    env["SHOPXERO_HTTP_TIMEOUT_SECONDS"] = str(timeout)
    # Orders in chunks of 60 (issue 15): the harness's 200 orders are four chunks, so kills also
    # land between chunks and inside a later one, with earlier chunks committed.
    env["SHOPXERO_ORDER_CHUNK"] = "60"
    path.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")


def write_web_token_file(sandboxes: RunningSandboxes, data_dir: Path) -> Path:
    """A token file as `shopxero auth xero` leaves it (consent given, offline_access granted)."""
    body = sandboxes.xero.issue_tokens_for_tests()
    tokens = XeroTokenSet.from_token_response(body, now=datetime.now(UTC)).with_tenant(
        sandboxes.tenant_id, None
    )
    path = data_dir / "xero-token.json"
    data_dir.mkdir(parents=True, exist_ok=True)
    save_token_file(path, tokens)
    return path


def token_file_refresh_is_current(sandboxes: RunningSandboxes, path: Path) -> bool:
    """True when the file's refresh token has not been rotated away at the sandbox.

    After a kill inside a refresh Xero has rotated the token but the file still holds the old one,
    which only works for the 30-minute grace (xero-api-notes §1.3). The harness must not move the
    Xero clock past that grace before a run has stored the new token: a real merchant whose
    machine was off for 30 minutes right after such a crash has to re-authorise too.
    """
    tokens = load_token_file(path)
    assert tokens is not None and tokens.refresh_token
    entry = sandboxes.xero.tokens._s.refresh.get(tokens.refresh_token)
    return entry is not None and entry.rotated_at is None


def open_intents(db: Path) -> list[tuple[str, str, str]]:
    """(entity, operation, natural_key) of every open intent, read-only."""
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        rows = conn.execute(
            "SELECT entity, operation, natural_key FROM intents WHERE state = 'open'"
        ).fetchall()
    except sqlite3.OperationalError:  # schema not created yet (killed during the first start)
        return []
    finally:
        conn.close()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


@dataclass
class KillOutcome:
    """How one round ended."""

    killed: bool
    exit_code: int | None
    trigger: Entry | None = None
    stdout: str = ""
    stderr: str = ""


@dataclass
class _Watch:
    """Kill ``proc`` when the ``nth`` request matching ``match`` arrives (a log listener).

    It runs in the simulator's server thread before the request is acted on: the client, waiting
    for its answer, is dead before the answer exists. (A thread polling the log could lag behind
    on a busy machine and kill after the client had recorded the answer.)
    """

    proc: subprocess.Popen[bytes]
    match: Callable[[Entry], bool]
    nth: int
    count: int = 0
    hit: Entry | None = None

    def __call__(self, entry: Entry) -> None:
        if self.hit is not None or not self.match(entry):
            return
        self.count += 1
        if self.count >= self.nth:
            self.hit = entry
            self.proc.send_signal(signal.SIGKILL)


class SyncProcess:
    """Starts `shopxero sync` runs in a separate process and kills them on cue."""

    def __init__(self, env_file: Path, data_dir: Path, *, wall_timeout: float = 600.0) -> None:
        self.env_file = env_file
        self.data_dir = data_dir
        self.wall_timeout = wall_timeout
        self.rounds = 0

    def _argv(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "shopxero",
            "--env-file",
            str(self.env_file),
            "--data-dir",
            str(self.data_dir),
            "sync",
            "--json",
        ]

    def _child_env(self) -> dict[str, str]:
        # Only the env file configures the run: nothing from the test's own environment.
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")}
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def run(
        self,
        *,
        kill_after: float | None = None,
        watch_log: RequestLog | None = None,
        match: Callable[[Entry], bool] | None = None,
        nth: int = 1,
    ) -> KillOutcome:
        """One run: killed after ``kill_after`` seconds, or on the ``nth`` matching request.

        Without either it runs to the end. A run that ends before its kill point is not killed
        (the outcome says so), which is fine: the next round starts from whatever it left.
        """
        self.rounds += 1
        out_path = self.data_dir.parent / f"round-{self.rounds}.out"
        err_path = self.data_dir.parent / f"round-{self.rounds}.err"
        watch: _Watch | None = None
        stop_watching: Callable[[], None] | None = None
        with out_path.open("w") as out, err_path.open("w") as err:
            proc = subprocess.Popen(  # our own interpreter and module
                self._argv(), stdout=out, stderr=err, env=self._child_env()
            )
            # Listening starts before the child can have made a request (its interpreter is
            # still starting).
            if watch_log is not None and match is not None:
                watch = _Watch(proc, match, nth)
                stop_watching = watch_log.listen(watch)
            killed = False
            try:
                proc.wait(timeout=kill_after if kill_after is not None else self.wall_timeout)
            except subprocess.TimeoutExpired:
                if kill_after is None:
                    proc.kill()
                    proc.wait()
                    raise AssertionError(
                        f"sync round {self.rounds} hung for {self.wall_timeout}s"
                    ) from None
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                killed = True
            finally:
                if stop_watching is not None:
                    stop_watching()
        code = proc.returncode
        if watch is not None and watch.hit is not None:
            killed = code == -signal.SIGKILL
        return KillOutcome(
            killed=killed,
            exit_code=None if killed else code,
            trigger=watch.hit if watch is not None else None,
            stdout=out_path.read_text(),
            stderr=err_path.read_text(),
        )


def wait_answered(entry: Entry, timeout: float = 120.0) -> None:
    """Wait until the simulator finished the request (its status is set: the write committed).

    The kill comes as the request arrives, so this waits for all of its processing (a batch of
    50 invoices): ``timeout`` only bounds how slow that may be on a loaded machine.
    """
    deadline = time.monotonic() + timeout
    while entry.get("status") is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"sandbox never answered {entry['method']} {entry['path']}")
        time.sleep(0.005)


def natural_keys_in(body: Any) -> set[str]:
    """The natural keys a create body carries (ContactNumber, Code, InvoiceNumber, Reference).

    The request log masks every key named like a secret, and ``code`` is one (the OAuth code), so
    an Item's ``Code`` shows as ``***`` there: those are left out.
    """
    keys: set[str] = set()
    if not isinstance(body, dict):
        return keys
    for elements in body.values():
        for element in elements if isinstance(elements, list) else []:
            for name in ("ContactNumber", "Code", "InvoiceNumber", "CreditNoteNumber", "Reference"):
                value = element.get(name) if isinstance(element, dict) else None
                if value and value != "***":
                    keys.add(str(value))
    return keys


# --- the end state -------------------------------------------------------------------------------


def clear_faults(sandboxes: RunningSandboxes) -> None:
    """Disarm every injected fault in both simulators (``DELETE /_sandbox/faults``).

    A fault armed for a round whose run was killed before making that call is still waiting:
    the final clean run and the checks after it must not meet it (a lost token answer would end
    the token check with "Server disconnected").
    """
    for url in (sandboxes.xero_url, sandboxes.shopify_url):
        answer = httpx.delete(f"{url}/_sandbox/faults", timeout=60)
        assert answer.status_code == 200 and answer.json() == {"pending": 0}, answer.text


def reset_sandboxes(sandboxes: RunningSandboxes, *, timeout: float = 60.0) -> None:
    """Both simulators back to their seed (data, faults, logs; issued tokens stay valid).

    A request a killed run left in flight is let finish first: were it to commit after the
    reset, it would land in the fresh organisation.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
        entry["status"] is None
        for log in (sandboxes.xero.log, sandboxes.shopify.log)
        for entry in log.entries()
    ):
        time.sleep(0.05)
    for url in (sandboxes.shopify_url, sandboxes.xero_url):
        answer = httpx.post(f"{url}/_sandbox/reset", timeout=60)
        assert answer.status_code == 200, answer.text


def _no_armed_faults(sandboxes: RunningSandboxes) -> None:
    armed = sandboxes.xero.faults.pending() + sandboxes.shopify.faults.pending()
    assert armed == 0, f"{armed} fault(s) still armed: clear_faults() before the final run"


def xero_state(sandboxes: RunningSandboxes) -> dict[str, Any]:
    state: dict[str, Any] = httpx.get(f"{sandboxes.xero_url}/_sandbox/state", timeout=60).json()
    return state


def shopify_state(sandboxes: RunningSandboxes) -> dict[str, Any]:
    state: dict[str, Any] = httpx.get(f"{sandboxes.shopify_url}/_sandbox/state", timeout=60).json()
    return state


def _duplicates(values: list[str]) -> dict[str, int]:
    return {k: n for k, n in Counter(values).items() if n > 1}


def summarize_xero(state: dict[str, Any]) -> dict[str, Any]:
    """What a clean run and a crashed-and-resumed run must agree on, keyed by natural key."""
    invoices = [i for i in state["invoices"] if i.get("Type") == "ACCREC"]
    payments: Counter[str] = Counter()
    for payment in state.get("payments", []):
        number = (payment.get("Invoice") or {}).get("InvoiceNumber") or (
            payment.get("CreditNote") or {}
        ).get("CreditNoteNumber")
        if payment.get("Status") != "DELETED":
            payments[str(number)] += 1
    return {
        "contacts": sorted(c["ContactNumber"] for c in state["contacts"] if c.get("ContactNumber")),
        "items": sorted(i["Code"] for i in state["items"]),
        "invoices": {i["InvoiceNumber"]: (i["Status"], str(i["Total"])) for i in invoices},
        "credit_notes": {
            c["CreditNoteNumber"]: (c["Status"], str(c["Total"]))
            for c in state.get("credit_notes", [])
            if c.get("CreditNoteNumber")
        },
        "payments": dict(payments),
        # Payouts (docs/payouts.md): one transfer and at most one spend and one receive money
        # per payout, by Reference; the amounts must agree with a clean run's.
        "bank_transfers": {
            t["Reference"]: str(t["Amount"]) for t in _live(state.get("bank_transfers", []))
        },
        "bank_transactions": {
            f"{t['Type']} {t.get('Reference')}": str(t["Total"])
            for t in _live(state.get("bank_transactions", []))
        },
    }


def _live(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("Status") not in ("DELETED", "VOIDED")]


def final_invariants(
    sandboxes: RunningSandboxes,
    db: Path,
    reference: dict[str, Any],
    *,
    token_file: Path | None = None,
) -> dict[str, Any]:
    """Assert the end state of a crashed-and-resumed sync; returns its summary.

    ``reference`` is ``summarize_xero`` of an uninterrupted run of the same seed: "every eligible
    Shopify record present" means exactly the records a clean run creates, no more, no fewer.
    No fault may be armed: the final run was meant to be clean, and the checks' own calls (the
    token refresh) must not meet one.
    """
    _no_armed_faults(sandboxes)
    state = xero_state(sandboxes)
    # Invariant 1: exactly one Xero record per natural key.
    numbers = [c["ContactNumber"] for c in state["contacts"] if c.get("ContactNumber")]
    assert _duplicates(numbers) == {}, "duplicate contacts by ContactNumber"
    assert _duplicates([i["Code"] for i in state["items"]]) == {}, "duplicate item codes"
    invoice_numbers = [i["InvoiceNumber"] for i in state["invoices"] if i.get("Type") == "ACCREC"]
    assert _duplicates(invoice_numbers) == {}, "duplicate invoice numbers"
    credit_numbers = [c["CreditNoteNumber"] for c in state.get("credit_notes", [])]
    assert _duplicates(credit_numbers) == {}, "duplicate credit note numbers"
    transfers = [t["Reference"] for t in _live(state.get("bank_transfers", []))]
    assert _duplicates(transfers) == {}, "duplicate payout transfers"
    spend_receive = [
        f"{t['Type']} {t.get('Reference')}" for t in _live(state.get("bank_transactions", []))
    ]
    assert _duplicates(spend_receive) == {}, "duplicate payout spend/receive money"

    summary = summarize_xero(state)
    parts = ("contacts", "items", "invoices", "credit_notes", "payments")
    for part in (*parts, "bank_transfers", "bank_transactions"):
        got, want = summary[part], reference[part]
        if isinstance(got, dict):
            missing = sorted(set(want) - set(got))[:10]
            extra = sorted(set(got) - set(want))[:10]
            differs = sorted(k for k in set(got) & set(want) if got[k] != want[k])[:10]
            diffs = [(k, want[k], got[k]) for k in differs]
            assert (missing, extra, diffs) == ([], [], []), (
                f"{part}: missing {missing}, extra {extra}, differing (want, got) {diffs}"
            )
        else:
            assert got == want, f"{part}: {sorted(set(want) ^ set(got))[:10]}"

    _invoice_totals_match_shopify(sandboxes, state, db)
    _error_queue_empty(db)
    assert open_intents(db) == [], "open intents left after a clean run"
    if token_file is not None:
        _token_file_usable(sandboxes, token_file)
    return summary


def _invoice_totals_match_shopify(
    sandboxes: RunningSandboxes, state: dict[str, Any], db: Path
) -> None:
    """Invariant 6: each synced order's invoice Total equals Shopify's total_price."""
    orders = {str(o["id"]): o for o in shopify_state(sandboxes)["orders"]}
    invoices = {i["InvoiceID"]: i for i in state["invoices"]}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT shopify_id, xero_id FROM mappings WHERE entity = 'invoice'"
        ).fetchall()
    finally:
        conn.close()
    assert rows, "no invoice was mapped"
    wrong = []
    for shopify_id, xero_id in rows:
        invoice = invoices[xero_id]
        if Decimal(str(invoice["Total"])) != Decimal(orders[str(shopify_id)]["total_price"]):
            wrong.append((invoice["InvoiceNumber"], invoice["Total"]))
    assert wrong == [], f"invoice totals differ from Shopify's: {wrong[:10]}"


def _error_queue_empty(db: Path) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT entity, shopify_id, error_class, message FROM error_queue "
            "WHERE resolved_at IS NULL"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [], f"error queue not empty: {rows[:10]}"


def _token_file_usable(sandboxes: RunningSandboxes, path: Path) -> None:
    """The file's access token is accepted by Xero, or its refresh token still refreshes."""
    tokens = load_token_file(path)
    assert tokens is not None and tokens.refresh_token
    assert (path.stat().st_mode & 0o777) == 0o600
    answer = httpx.post(
        f"{sandboxes.xero_url}/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
        auth=(credentials.XERO_WEB_CLIENT_ID, credentials.XERO_WEB_CLIENT_SECRET),
        timeout=30,
    )
    assert answer.status_code == 200, f"the token file's refresh token is dead: {answer.text}"


def report_json(outcome: KillOutcome) -> dict[str, Any]:
    """The `sync --json` report of a run that was not killed."""
    try:
        report: dict[str, Any] = json.loads(outcome.stdout)
    except ValueError as exc:
        raise AssertionError(
            f"exit {outcome.exit_code}, no JSON report: {outcome.stdout[-500:]}"
            f"{outcome.stderr[-2000:]}"
        ) from exc
    return report
