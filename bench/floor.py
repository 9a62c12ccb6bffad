"""The fewest Xero calls that could have made what Xero holds after a first import.

Counted from the Xero sandbox's own state (``GET /_sandbox/state``), not from what shopxero did:

- the organisation's settings: one ``GET`` each of Organisation, Accounts and TaxRates;
- for each list the import wrote to (Contacts, Items, Invoices, CreditNotes): one read, the
  page of up to 1,000 that shows what Xero already holds (xero-api-notes §5.1), and the creates
  in batches of the most Xero takes in one request: 50 elements (§4), Items 500 (§4);
- payments of invoices and refund payments of credit notes together, 50 to a request;
- payouts as ``posted_payouts`` counts them (docs/payouts.md).

Nothing is counted for a record the seed put there before the import.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import httpx

__all__ = ["first_import_floor", "posted_payouts", "xero_state"]

ORG_READS = 3  # Organisation, Accounts, TaxRates
BATCH = 50  # elements per create request (xero-api-notes §4)
ITEM_BATCH = 500  # Items per create request (xero-api-notes §4)
LISTS = {"contacts": BATCH, "items": ITEM_BATCH, "invoices": BATCH, "credit_notes": BATCH}


def xero_state(xero_url: str) -> dict[str, Any]:
    state: dict[str, Any] = httpx.get(f"{xero_url}/_sandbox/state", timeout=300).json()
    return state


def first_import_floor(before: dict[str, Any], after: dict[str, Any]) -> int:
    """The batched lower bound of the Xero calls that turned ``before`` into ``after``
    (payouts included: ``posted_payouts(after)`` gives their part)."""
    floor = ORG_READS
    for kind, batch in LISTS.items():
        created = len(after.get(kind, [])) - len(before.get(kind, []))
        if created > 0:
            floor += 1 + math.ceil(created / batch)
    payments = len(after.get("payments", [])) - len(before.get("payments", []))
    floor += math.ceil(max(payments, 0) / BATCH)
    return floor + posted_payouts(after)["lower_bound_calls"]


def posted_payouts(state: dict[str, Any]) -> dict[str, int]:
    """What Xero holds for payouts (docs/payouts.md): transfers and spend/receive money, and
    the fewest calls that could have made them from nothing: each transfer alone (Xero takes
    one per request), spend and receive money 50 to a request, one Reference lookup of each
    kind per 40 payouts."""
    transfers = [t for t in state.get("bank_transfers", []) if "payout" in str(t.get("Reference"))]
    kinds = Counter(  # not the -TRANSFER lines Xero makes for each transfer
        str(t["Type"])
        for t in state.get("bank_transactions", [])
        if "payout" in str(t.get("Reference") or "") and t["Type"] in ("SPEND", "RECEIVE")
    )
    payouts = len({str(t.get("Reference")) for t in transfers})
    floor = (
        len(transfers)
        + sum(math.ceil(n / BATCH) for n in kinds.values())
        + 2 * math.ceil(payouts / 40)
    )
    return {
        "transfers": len(transfers),
        "spend": kinds["SPEND"],
        "receive": kinds["RECEIVE"],
        "lower_bound_calls": floor,
    }
