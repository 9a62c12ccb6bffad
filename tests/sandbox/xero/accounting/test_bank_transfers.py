"""Bank transfers: creation and its two sides, every rule, lists, soft delete
[xero-api-notes §13.1, §13.3].

Accounts: 095 Shopify Payments clearing (BANK, GBP), 090 Business Bank Account (BANK, GBP),
096 Euro Account (BANK, EUR), 097 archived bank account, 200 Sales. Every answer is checked
against Xero's spec by the client's response hook.
"""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.xero.accounting import XeroOrg

from .conftest import CLEARING_ID, bank_seed

pytestmark = pytest.mark.anyio

BUSINESS = "090"


@pytest.fixture
def org(clock: SandboxClock) -> XeroOrg:
    return XeroOrg(bank_seed(), clock=clock)


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (transfer,) = response.json()["BankTransfers"]
    found: dict[str, Any] = transfer
    return found


async def test_a_transfer_answers_the_spec_shape_and_makes_two_bank_transactions(
    api: Any, org: XeroOrg
) -> None:
    business_id = org.account_by_code(BUSINESS)["AccountID"]  # type: ignore[index]
    transfer = _created(
        await api.transfer(
            "116.90",
            Date="2026-11-21",
            Reference="Shopify payout 8842",
            ToIsReconciled=True,
        )
    )
    assert transfer["FromBankAccount"] == {
        "AccountID": CLEARING_ID,
        "Code": "095",
        "Name": "Shopify Payments clearing",
    }
    assert transfer["ToBankAccount"]["AccountID"] == business_id
    assert (transfer["Amount"], transfer["CurrencyRate"], transfer["Status"]) == (
        116.9,
        1.0,
        "AUTHORISED",
    )
    assert transfer["DateString"] == "2026-11-21T00:00:00"
    assert transfer["Reference"] == "Shopify payout 8842"
    assert (transfer["FromIsReconciled"], transfer["ToIsReconciled"]) == (False, True)
    assert transfer["HasAttachments"] is False
    assert transfer["CreatedDateUTC"].startswith("/Date(")
    assert transfer["CreatedDateUTCString"] == "2026-11-26T09:00:00"
    # Its two sides are bank transactions of their own (xero-api-notes §13.1).
    listed = (await api.client.get("/BankTransactions")).json()["BankTransactions"]
    sides = {t["BankTransactionID"]: t for t in listed}
    spend = sides[transfer["FromBankTransactionID"]]
    receive = sides[transfer["ToBankTransactionID"]]
    assert (spend["Type"], spend["BankAccount"]["AccountID"], spend["Total"]) == (
        "SPEND-TRANSFER",
        CLEARING_ID,
        116.9,
    )
    assert (receive["Type"], receive["IsReconciled"], receive["Total"]) == (
        "RECEIVE-TRANSFER",
        True,
        116.9,
    )
    read = await api.client.get(f"/BankTransfers/{transfer['BankTransferID']}")
    assert read.json()["BankTransfers"][0]["Amount"] == 116.9


async def test_accounts_by_id_and_the_date_defaults_to_today(api: Any, org: XeroOrg) -> None:
    business_id = org.account_by_code(BUSINESS)["AccountID"]  # type: ignore[index]
    response = await api.put(
        "/BankTransfers",
        "BankTransfers",
        {
            "FromBankAccount": {"AccountID": CLEARING_ID},
            "ToBankAccount": {"AccountID": business_id},
            "Amount": 10,
        },
    )
    transfer = _created(response)
    # "Defaults to current date": the organisation's today (Europe/London, 26 Nov 2026).
    assert transfer["DateString"] == "2026-11-26T00:00:00"
    assert transfer["FromBankAccount"]["Code"] == "095"


@pytest.mark.parametrize(
    ("change", "messages"),
    [
        ({"FromBankAccount": None}, ["FromBankAccount must be specified."]),
        ({"ToBankAccount": {"Code": "999"}}, ["ToBankAccount could not be found."]),
        ({"ToBankAccount": {}}, ["ToBankAccount must have a Code or an AccountID."]),
        (
            {"ToBankAccount": {"Code": "200"}},
            ["ToBankAccount must be a bank account: account code '200' is of type REVENUE."],
        ),
        (
            {"FromBankAccount": {"Code": "097"}},
            ["FromBankAccount '097' is ARCHIVED: only an active bank account can be used."],
        ),
        (
            {"ToBankAccount": {"Code": "095"}},
            ["FromBankAccount and ToBankAccount must be different bank accounts."],
        ),
        (
            {"ToBankAccount": {"Code": "096"}},
            [
                "Bank transfers between accounts in different currencies (GBP to EUR) are not "
                "supported: the transfer needs a currency rate the API cannot take."
            ],
        ),
        ({"Amount": None}, ["Amount must be specified."]),
        ({"Amount": "0"}, ["Amount must be greater than zero."]),
        ({"Amount": "-5"}, ["Amount must be greater than zero."]),
        ({"Amount": "ten"}, ["Amount must be a number."]),
        ({"Date": "26/11/2026"}, ["Date '26/11/2026' is not a valid date."]),
        ({"Reference": "r" * 256}, ["Reference must not be more than 255 characters long."]),
        (
            {"FromTracking": [{"TrackingCategoryID": "x"}] * 3},
            ["A bank transfer can have a maximum of 2 tracking categories per account."],
        ),
        (
            {"BankTransferID": "6221458a-ef7a-4d5f-9b1c-1b96ce03833c"},
            ["BankTransferID is allocated by Xero; leave it out to create a transfer."],
        ),
    ],
)
async def test_each_rule_is_refused_with_its_message(
    api: Any, change: dict[str, Any], messages: list[str]
) -> None:
    element: dict[str, Any] = {
        "FromBankAccount": {"Code": "095"},
        "ToBankAccount": {"Code": BUSINESS},
        "Amount": "10.00",
    }
    for key, value in change.items():
        if value is None:
            element.pop(key)
        else:
            element[key] = value
    response = await api.put("/BankTransfers", "BankTransfers", element)
    assert api.errors(response) == messages
    assert (await api.client.get("/BankTransfers")).json()["BankTransfers"] == []
    assert (await api.client.get("/BankTransactions")).json()["BankTransactions"] == []


async def test_lock_dates_refuse_a_transfer_with_xeros_texts(api: Any, org: XeroOrg) -> None:
    org.organisation["EndOfYearLockDate"] = "/Date(1774915200000+0000)/"  # 2026-03-31
    response = await api.transfer("10", Date="2026-03-31")
    assert api.errors(response) == [
        "The document date cannot be before the end of year lock date, currently set at "
        "31-Mar-2026."
    ]
    assert (await api.transfer("10", Date="2026-04-01")).status_code == 200


async def test_put_has_no_summarize_errors_one_bad_element_is_a_400_the_good_one_is_saved(
    api: Any,
) -> None:
    good = {"FromBankAccount": {"Code": "095"}, "ToBankAccount": {"Code": "090"}, "Amount": "5"}
    bad = {**good, "Amount": "0"}
    # The spec declares no summarizeErrors on PUT /BankTransfers (xero-api-notes §13.1).
    response = await api.put("/BankTransfers", "BankTransfers", good, bad, summarizeErrors="false")
    assert api.errors(response) == ["Amount must be greater than zero."]
    assert len((await api.client.get("/BankTransfers")).json()["BankTransfers"]) == 1
    two = await api.put("/BankTransfers", "BankTransfers", good, good)
    assert two.status_code == 200 and len(two.json()["BankTransfers"]) == 2


async def test_list_where_order_and_if_modified_since(api: Any, clock: SandboxClock) -> None:
    first = _created(await api.transfer("20", Reference="Payout 1"))
    clock.advance(5)
    second = _created(await api.transfer("5", source="090", target="095", Reference="Payout 2"))

    async def amounts(**params: str) -> list[float]:
        response = await api.client.get("/BankTransfers", params=params)
        assert response.status_code == 200, response.text
        return [t["Amount"] for t in response.json()["BankTransfers"]]

    assert await amounts() == [20.0, 5.0]  # by CreatedDateUTC
    assert await amounts(order="Amount ASC") == [5.0, 20.0]
    assert await amounts(where='Reference=="Payout 2"') == [5.0]
    assert await amounts(where=f'FromBankAccount.AccountID==guid("{CLEARING_ID}")') == [20.0]
    assert await amounts(where="Amount > 10") == [20.0]
    since = await api.client.get(
        "/BankTransfers", headers={"If-Modified-Since": "2026-11-26T09:00:02"}
    )
    assert [t["BankTransferID"] for t in since.json()["BankTransfers"]] == [
        second["BankTransferID"]
    ]
    unknown_field = await api.client.get("/BankTransfers", params={"where": 'Colour=="red"'})
    assert unknown_field.status_code == 400
    assert first["BankTransferID"] != second["BankTransferID"]


async def test_soft_delete_one_and_in_bulk(api: Any) -> None:
    one = _created(await api.transfer("20"))
    two = _created(await api.transfer("30"))
    deleted = await api.client.post(
        f"/BankTransfers/{one['BankTransferID']}", json={"Status": "DELETED"}
    )
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["BankTransfers"][0]["Status"] == "DELETED"
    listed = (await api.client.get("/BankTransfers")).json()["BankTransfers"]
    assert [t["BankTransferID"] for t in listed] == [two["BankTransferID"]]
    everything = await api.client.get("/BankTransfers", params={"includeDeleted": "true"})
    assert len(everything.json()["BankTransfers"]) == 2
    sides = (await api.client.get("/BankTransactions")).json()["BankTransactions"]
    side_status = {t["BankTransactionID"]: t["Status"] for t in sides}
    assert side_status[one["FromBankTransactionID"]] == "DELETED"
    assert side_status[one["ToBankTransactionID"]] == "DELETED"
    bulk = await api.post(
        "/BankTransfers",
        "BankTransfers",
        {"BankTransferID": two["BankTransferID"], "Status": "DELETED"},
        {"BankTransferID": one["BankTransferID"], "Status": "DELETED"},
        {"BankTransferID": "00000000-0000-0000-0000-00000000000f", "Status": "DELETED"},
        summarizeErrors="false",
    )
    results = bulk.json()["BankTransfers"]
    assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR", "ERROR"]
    assert [e["Message"] for e in results[1]["ValidationErrors"]] == [
        "This bank transfer has already been deleted."
    ]
    assert [e["Message"] for e in results[2]["ValidationErrors"]] == [
        "Bank transfer with ID 00000000-0000-0000-0000-00000000000f could not be found."
    ]


async def test_reconciled_transfers_and_their_sides_cannot_be_changed(api: Any) -> None:
    transfer = _created(await api.transfer("20", FromIsReconciled=True))
    refused = await api.client.post(
        f"/BankTransfers/{transfer['BankTransferID']}", json={"Status": "DELETED"}
    )
    assert api.errors(refused) == [
        "A reconciled bank transfer cannot be deleted; unreconcile it first."
    ]
    wrong_status = await api.client.post(
        f"/BankTransfers/{transfer['BankTransferID']}", json={"Status": "VOIDED"}
    )
    assert "Bank transfers can only be deleted: send Status DELETED." in api.errors(wrong_status)
    side = await api.post(
        f"/BankTransactions/{transfer['ToBankTransactionID']}",
        "BankTransactions",
        {"Reference": "edited"},
        summarizeErrors="false",
    )
    assert api.element_errors(side, "BankTransactions") == [
        "This bank transaction is one side of a bank transfer; it cannot be changed here."
    ]
