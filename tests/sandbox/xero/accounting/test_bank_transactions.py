"""Spend and receive money (BankTransactions): arithmetic, every rule, lists, updates
[xero-api-notes §13.2, §13.3].

Accounts: 095 Shopify Payments clearing (BANK, GBP), 096 Euro Account (BANK, EUR), 097 archived
bank account, 090 Business Bank Account, 404 Bank Fees (no VAT), 429 General Expenses (20% VAT),
200 Sales. Every answer is checked against Xero's spec by the client's response hook.
"""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.xero.accounting import XeroOrg

from .conftest import CLEARING_ID, bank_seed

pytestmark = pytest.mark.anyio

FEES = {"Description": "Shopify Payments fees", "UnitAmount": "3.10", "AccountCode": "404"}
SUPPLIES = {
    "Description": "Packaging",
    "Quantity": "2",
    "UnitAmount": "50.00",
    "AccountCode": "429",
    "TaxType": "INPUT2",
}


@pytest.fixture
def org(clock: SandboxClock) -> XeroOrg:
    return XeroOrg(bank_seed(), clock=clock)


def _one(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (element,) = response.json()["BankTransactions"]
    assert element["StatusAttributeString"] == "OK", element
    found: dict[str, Any] = element
    return found


async def test_spend_money_exclusive_tax_is_worked_out_per_line(api: Any) -> None:
    created = _one(await api.spend(SUPPLIES, FEES, Reference="Payout 8842 fees", Date="2026-11-20"))
    # 2 x 50.00 at 20% = 100.00 + 20.00 VAT; fees 3.10 with no VAT.
    assert (created["SubTotal"], created["TotalTax"], created["Total"]) == (103.1, 20.0, 123.1)
    assert [line["TaxAmount"] for line in created["LineItems"]] == [20.0, 0.0]
    assert created["Type"] == "SPEND" and created["Status"] == "AUTHORISED"
    assert created["LineAmountTypes"] == "Exclusive"  # the default [R51]
    assert created["BankAccount"] == {
        "AccountID": CLEARING_ID,
        "Code": "095",
        "Name": "Shopify Payments clearing",
    }
    assert created["Contact"]["Name"] == "Shopify"  # made from the name, as on invoices
    assert created["Reference"] == "Payout 8842 fees"
    assert created["DateString"] == "2026-11-20T00:00:00"
    assert created["CurrencyCode"] == "GBP" and created["IsReconciled"] is False
    again = await api.client.get(f"/BankTransactions/{created['BankTransactionID']}")
    (read,) = again.json()["BankTransactions"]
    assert read["Total"] == 123.1 and len(read["LineItems"]) == 2


async def test_inclusive_amounts_hold_the_tax_and_round_per_line(api: Any) -> None:
    line = {"Description": "x", "UnitAmount": "10.00", "AccountCode": "429", "TaxType": "INPUT2"}
    created = _one(await api.spend(line, line, line, LineAmountTypes="Inclusive"))
    # Each 10.00 holds 1.67 of VAT (10 x 20/120 = 1.666..): 5.01 in all, not 5.00.
    assert (created["Total"], created["TotalTax"], created["SubTotal"]) == (30.0, 5.01, 24.99)


async def test_no_tax_and_receive_money(api: Any) -> None:
    line = {"Description": "Chargeback won", "UnitAmount": "45.00", "AccountCode": "200"}
    created = _one(await api.spend(line, kind="RECEIVE", LineAmountTypes="NoTax"))
    assert (created["Type"], created["Total"], created["TotalTax"]) == ("RECEIVE", 45.0, 0.0)


async def test_summarize_errors_false_returns_each_element_default_summarises(api: Any) -> None:
    good = {
        "Type": "SPEND",
        "Contact": {"Name": "Shopify"},
        "BankAccount": {"Code": "095"},
        "LineItems": [FEES],
    }
    bad = {**good, "BankAccount": {"Code": "200"}}
    mixed = await api.put(
        "/BankTransactions", "BankTransactions", good, bad, summarizeErrors="false"
    )
    statuses = [e["StatusAttributeString"] for e in mixed.json()["BankTransactions"]]
    assert mixed.status_code == 200 and statuses == ["OK", "ERROR"]
    summarised = await api.put("/BankTransactions", "BankTransactions", good, bad)
    assert api.errors(summarised) == [
        "BankAccount must be a bank account: account code '200' is of type REVENUE."
    ]
    # The good element of the summarised batch was saved all the same (xero-api-notes §4).
    listed = (await api.client.get("/BankTransactions")).json()["BankTransactions"]
    assert len(listed) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Type": None}, "Type must be specified: SPEND or RECEIVE."),
        ({"Type": "PAY"}, "Type 'PAY' is not a valid bank transaction type."),
        (
            {"Type": "SPEND-TRANSFER"},
            "SPEND-TRANSFER bank transactions are made by bank transfers: use the BankTransfers "
            "endpoint.",
        ),
        (
            {"Type": "RECEIVE-PREPAYMENT"},
            "RECEIVE-PREPAYMENT bank transactions are not supported by the shopxero sandbox (only "
            "SPEND and RECEIVE).",
        ),
        ({"Contact": None}, "A Contact must be specified for this type of transaction"),
        (
            {"Contact": {"EmailAddress": "a@b.co"}},
            # The spec's own example message (xero_accounting.yaml, PUT /BankTransactions).
            "The Contact must contain at least 1 of the following elements to identify the "
            "contact: Name, ContactID, ContactNumber",
        ),
        (
            {"Contact": {"ContactID": "00000000-0000-0000-0000-000000000001"}},
            "The contact with ID 00000000-0000-0000-0000-000000000001 could not be found.",
        ),
        ({"BankAccount": None}, "BankAccount must be specified."),
        ({"BankAccount": {"Name": "Bank"}}, "BankAccount must have a Code or an AccountID."),
        ({"BankAccount": {"Code": "999"}}, "BankAccount could not be found."),
        (
            {"BankAccount": {"Code": "200"}},
            "BankAccount must be a bank account: account code '200' is of type REVENUE.",
        ),
        (
            {"BankAccount": {"Code": "097"}},
            "BankAccount '097' is ARCHIVED: only an active bank account can be used.",
        ),
        ({"LineItems": []}, "The bank transaction must have at least one line item."),
        (
            {"LineItems": [{**FEES, "AccountCode": "090"}]},
            "Account code '090' is not a valid code for this document.",
        ),
        (
            {"LineItems": [{**FEES, "UnitAmount": "0"}]},
            "Line item unit amount must be greater than zero.",
        ),
        (
            {"LineItems": [{**FEES, "UnitAmount": "-3.10"}]},
            "Line item unit amount must be greater than zero.",
        ),
        ({"LineItems": [{**FEES, "Quantity": "-1"}]}, "Quantity must be zero or more."),
        (
            {"LineItems": [{"Description": "Fees", "UnitAmount": "3.10"}]},
            "Account code must be specified for each line item.",
        ),
        (
            {"LineItems": [{**FEES, "DiscountRate": "10"}]},
            "Discounts are not supported on this type of document.",
        ),
        ({"Reference": "r" * 256}, "Reference must not be more than 255 characters long."),
        (
            {"LineAmountTypes": "Gross"},
            "LineAmountTypes 'Gross' is not valid; use Exclusive, Inclusive or NoTax.",
        ),
        (
            {"CurrencyCode": "EUR"},
            "CurrencyCode EUR is not the currency of the bank account (GBP): a spend or receive "
            "money transaction is in its bank account's currency.",
        ),
        (
            {"BankAccount": {"Code": "096"}},
            "The shopxero sandbox has no day rates: send a CurrencyRate for a bank transaction in "
            "EUR.",
        ),
        # Totals are Xero's to work out (xero-api-notes §13.2, I-mcp190).
        ({"SubTotal": "3.00"}, "The document sub total does not equal the sub total of the lines"),
        ({"Total": "3.00"}, "The document total does not equal the total of the lines"),
        ({"Status": "DELETED"}, "Bank transaction not of valid status for creation"),
        ({"Date": "2026-13-01"}, "Date '2026-13-01' is not a valid date."),
    ],
)
async def test_each_rule_is_refused_with_its_message(
    api: Any, change: dict[str, Any], message: str
) -> None:
    element: dict[str, Any] = {
        "Type": "SPEND",
        "Contact": {"Name": "Shopify"},
        "BankAccount": {"Code": "095"},
        "LineItems": [FEES],
    }
    for key, value in change.items():
        if value is None:
            element.pop(key)
        else:
            element[key] = value
    response = await api.put(
        "/BankTransactions", "BankTransactions", element, summarizeErrors="false"
    )
    assert api.element_errors(response, "BankTransactions") == [message]
    assert (await api.client.get("/BankTransactions")).json()["BankTransactions"] == []


async def test_totals_that_agree_are_accepted_and_a_foreign_account_takes_its_rate(
    api: Any,
) -> None:
    _one(await api.spend(FEES, SubTotal="3.10", Total="3.10", TotalTax="0.00"))
    euro = _one(await api.spend(FEES, bank="096", CurrencyRate="0.86"))
    assert (euro["CurrencyCode"], euro["CurrencyRate"]) == ("EUR", 0.86)


async def test_lock_dates_refuse_with_the_texts_xero_gives(api: Any, org: XeroOrg) -> None:
    org.organisation["PeriodLockDate"] = "/Date(1774915200000+0000)/"  # 2026-03-31
    period = (
        "The document date cannot be before the period lock date, currently set at 31-Mar-2026."
    )
    on_lock = await api.spend(FEES, Date="2026-03-31")
    assert api.element_errors(on_lock, "BankTransactions") == [period]
    _one(await api.spend(FEES, Date="2026-04-01"))
    org.organisation["EndOfYearLockDate"] = "/Date(1774915200000+0000)/"
    both = await api.spend(FEES, Date="2026-01-15")
    assert api.element_errors(both, "BankTransactions") == [
        period,
        "The document date cannot be before the end of year lock date, currently set at "
        "31-Mar-2026.",
    ]


async def test_where_filters_the_list_by_reference_account_type_and_contact(api: Any) -> None:
    a = _one(await api.spend(FEES, Reference="Payout 1 fees"))
    b = _one(await api.spend(FEES, Reference="Payout 2 fees"))
    c = _one(await api.spend(FEES, bank="090", kind="RECEIVE", Reference="Payout 2 fees"))

    async def ids(where: str) -> list[str]:
        response = await api.client.get("/BankTransactions", params={"where": where})
        assert response.status_code == 200, response.text
        return sorted(t["BankTransactionID"] for t in response.json()["BankTransactions"])

    assert await ids('Reference=="Payout 2 fees"') == sorted(
        [b["BankTransactionID"], c["BankTransactionID"]]
    )
    assert await ids(f'BankAccount.AccountID==guid("{CLEARING_ID}")') == sorted(
        [a["BankTransactionID"], b["BankTransactionID"]]
    )
    assert await ids('Type=="RECEIVE"') == [c["BankTransactionID"]]
    contact = a["Contact"]["ContactID"]
    assert len(await ids(f'Contact.ContactID==guid("{contact}")')) == 3
    assert await ids('Reference=="Payout 1 fees" OR Reference=="Payout 9"') == [
        a["BankTransactionID"]
    ]
    # A Guid compared with a plain string is Xero's QueryParseException, as for invoices.
    refused = await api.client.get(
        "/BankTransactions", params={"where": f'BankAccount.AccountID=="{CLEARING_ID}"'}
    )
    assert refused.status_code == 400 and refused.json()["Type"] == "QueryParseException"


async def test_paged_lists_carry_pagination_and_every_list_carries_lines(
    api: Any, clock: SandboxClock
) -> None:
    for _ in range(3):
        _one(await api.spend(FEES))
        clock.advance(1)
    unpaged = (await api.client.get("/BankTransactions")).json()
    assert "pagination" not in unpaged
    # The spec requires LineItems on every BankTransaction (xero-api-notes §13.2).
    assert [len(t["LineItems"]) for t in unpaged["BankTransactions"]] == [1, 1, 1]
    first = (
        await api.client.get("/BankTransactions", params={"page": "1", "pageSize": "2"})
    ).json()
    assert first["pagination"] == {"page": 1, "pageSize": 2, "pageCount": 2, "itemCount": 3}
    assert [len(t["LineItems"]) for t in first["BankTransactions"]] == [1, 1]
    second = (
        await api.client.get("/BankTransactions", params={"page": "2", "pageSize": "2"})
    ).json()
    assert len(second["BankTransactions"]) == 1
    seen = {t["BankTransactionID"] for t in first["BankTransactions"] + second["BankTransactions"]}
    assert len(seen) == 3


async def test_post_updates_lines_and_reference_and_recomputes_totals(api: Any) -> None:
    created = _one(await api.spend(FEES))
    line_id = created["LineItems"][0]["LineItemID"]
    url = f"/BankTransactions/{created['BankTransactionID']}"
    updated = _one(
        await api.post(
            url,
            "BankTransactions",
            {"Reference": "Payout 7", "LineItems": [{"LineItemID": line_id, "UnitAmount": "4.20"}]},
            summarizeErrors="false",
        )
    )
    assert (updated["Reference"], updated["Total"]) == ("Payout 7", 4.2)
    assert updated["BankTransactionID"] == created["BankTransactionID"]
    # Echoing the old totals with new lines is what Xero refuses (I-mcp190).
    stale = await api.post(
        url,
        "BankTransactions",
        {"LineItems": [{"LineItemID": line_id, "UnitAmount": "5.00"}], "Total": "4.20"},
        summarizeErrors="false",
    )
    assert api.element_errors(stale, "BankTransactions") == [
        "The document total does not equal the total of the lines"
    ]
    put_again = await api.put(
        "/BankTransactions",
        "BankTransactions",
        {**updated, "StatusAttributeString": None},
        summarizeErrors="false",
    )
    assert api.element_errors(put_again, "BankTransactions") == [
        "A bank transaction with this ID already exists."
    ]


async def test_delete_and_reconciled_transactions(api: Any) -> None:
    created = _one(await api.spend(FEES, IsReconciled=True))
    url = f"/BankTransactions/{created['BankTransactionID']}"
    frozen = await api.post(
        url,
        "BankTransactions",
        {"LineItems": [{**FEES, "UnitAmount": "1"}]},
        summarizeErrors="false",
    )
    assert api.element_errors(frozen, "BankTransactions") == [
        "This bank transaction cannot be edited as it has been reconciled (changed: LineItems)."
    ]
    # The whole transaction re-sent with a new Reference is fine: nothing it posts changes.
    whole = {k: v for k, v in created.items() if k != "StatusAttributeString"}
    renamed = _one(
        await api.post(
            url, "BankTransactions", {**whole, "Reference": "Payout 3"}, summarizeErrors="false"
        )
    )
    assert (renamed["Reference"], renamed["Total"]) == ("Payout 3", 3.1)
    moved = await api.post(
        url, "BankTransactions", {**whole, "Date": "2026-11-01"}, summarizeErrors="false"
    )
    assert api.element_errors(moved, "BankTransactions") == [
        "This bank transaction cannot be edited as it has been reconciled (changed: Date)."
    ]
    refused = await api.post(
        url, "BankTransactions", {"Status": "DELETED"}, summarizeErrors="false"
    )
    assert api.element_errors(refused, "BankTransactions") == [
        "A reconciled bank transaction cannot be deleted; unreconcile it first."
    ]
    _one(await api.post(url, "BankTransactions", {"IsReconciled": False}, summarizeErrors="false"))
    deleted = _one(
        await api.post(url, "BankTransactions", {"Status": "DELETED"}, summarizeErrors="false")
    )
    assert deleted["Status"] == "DELETED"
    again = await api.post(url, "BankTransactions", {"Reference": "x"}, summarizeErrors="false")
    assert api.element_errors(again, "BankTransactions") == [
        "This bank transaction cannot be edited as it is DELETED."
    ]


async def test_history_and_unknown_ids(api: Any) -> None:
    created = _one(await api.spend(FEES))
    history = await api.client.get(f"/BankTransactions/{created['BankTransactionID']}/History")
    assert history.status_code == 200
    assert history.json()["HistoryRecords"][0]["Details"] == "Spend money of 3.10 created."
    missing = await api.client.get("/BankTransactions/00000000-0000-0000-0000-000000000009")
    assert missing.status_code == 404


async def test_a_tax_amount_other_than_xeros_is_refused_on_spend_money(api: Any) -> None:
    """xero-api-notes §6.6a: unlike invoices, spend and receive money take no tax override
    (XeroAPI/xero-node#768 quotes the message)."""
    response = await api.spend({**SUPPLIES, "TaxAmount": "19.99"})
    assert api.element_errors(response, "BankTransactions") == [
        "Tax amount 19.99 is incorrect for INPUT2 tax type, should be 20.00"
    ]
    same = _one(await api.spend({**SUPPLIES, "TaxAmount": "20.00"}))  # Xero's own figure
    assert same["TotalTax"] == 20.0
