"""Bank payloads are strict (Xero's rules fail here, not as a 400), records and the Bank Summary
report are read tolerantly, and the bank look-ups refuse arguments they cannot send
[xero-api-notes §13]."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from shopxero.xero.client import XeroClient
from shopxero.xero.elements import where_guid
from shopxero.xero.models import (
    BankTransactionStatus,
    BankTransactionType,
    LineAmountTypes,
    XeroAccountRef,
    XeroBankTransaction,
    XeroBankTransfer,
    XeroContactRef,
    XeroLineItem,
)
from shopxero.xero.records import (
    XeroBankTransactionRecord,
    XeroBankTransferRecord,
    bank_summary_lines,
)

CONTACT_ID = "3ff6d40c-af9a-40a3-89ce-3c1556a25591"
ACCOUNT_ID = "6f7594f2-f059-4d56-9e67-47ac9733bfe9"


def _line(**extra: Any) -> XeroLineItem:
    return XeroLineItem(
        **{"description": "Fees", "unit_amount": Decimal("3.10"), "account_code": "404", **extra}
    )


def _spend(**extra: Any) -> XeroBankTransaction:
    fields: dict[str, Any] = {
        "type": BankTransactionType.SPEND,
        "contact": XeroContactRef(contact_id=CONTACT_ID),
        "bank_account": XeroAccountRef(code="095"),
        "line_items": [_line()],
        "date": date(2026, 11, 21),
        **extra,
    }
    return XeroBankTransaction(**fields)


def test_a_spend_renders_xeros_keys_and_no_totals() -> None:
    payload = _spend(
        reference="Payout 1 fees", line_amount_types=LineAmountTypes.NO_TAX
    ).to_payload()
    assert payload == {
        "Type": "SPEND",
        "Contact": {"ContactID": CONTACT_ID},
        "BankAccount": {"Code": "095"},
        "LineItems": [{"Description": "Fees", "UnitAmount": Decimal("3.10"), "AccountCode": "404"}],
        "Date": "2026-11-21",
        "LineAmountTypes": "NoTax",
        "Reference": "Payout 1 fees",
    }
    deleting = _spend(
        bank_transaction_id=ACCOUNT_ID, status=BankTransactionStatus.DELETED
    ).to_payload()
    assert (deleting["BankTransactionID"], deleting["Status"]) == (ACCOUNT_ID, "DELETED")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"line_items": []}, "at least 1 item"),
        ({"line_items": [_line(discount_rate=Decimal(10))]}, "no discounts"),
        ({"line_items": [_line(account_code=None)]}, "needs an AccountCode"),
        ({"line_items": [_line(unit_amount=Decimal(0))]}, "UnitAmount must be above zero"),
        ({"line_items": [_line(quantity=Decimal(-1))]}, "Quantity must not be negative"),
        ({"reference": "r" * 256}, "at most 255 characters"),
        ({"type": "SPEND-TRANSFER"}, "Input should be 'SPEND' or 'RECEIVE'"),
        ({"currency_rate": Decimal(0)}, "greater than 0"),
        ({"total": Decimal(1)}, "Extra inputs are not permitted"),
    ],
)
def test_a_spend_xero_would_refuse_fails_here(change: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        _spend(**change)


def test_a_transfer_renders_and_refuses_what_xero_would() -> None:
    transfer = XeroBankTransfer(
        from_bank_account=XeroAccountRef(code="095"),
        to_bank_account=XeroAccountRef(account_id=ACCOUNT_ID),
        amount=Decimal("116.90"),
        date=date(2026, 11, 21),
        reference="Payout 8842",
        to_is_reconciled=True,
    )
    assert transfer.to_payload() == {
        "FromBankAccount": {"Code": "095"},
        "ToBankAccount": {"AccountID": ACCOUNT_ID},
        "Amount": Decimal("116.90"),
        "Date": "2026-11-21",
        "Reference": "Payout 8842",
        "ToIsReconciled": True,
    }
    base: dict[str, Any] = {
        "from_bank_account": XeroAccountRef(code="095"),
        "to_bank_account": XeroAccountRef(code="090"),
        "amount": Decimal("1.00"),
        "date": date(2026, 11, 21),
    }
    for change, needle in [
        ({"to_bank_account": XeroAccountRef(code="095")}, "two different bank accounts"),
        ({"amount": Decimal(0)}, "greater than 0"),
        ({"amount": Decimal("1.005")}, "more than 2 decimals"),
    ]:
        with pytest.raises(ValidationError, match=needle):
            XeroBankTransfer(**{**base, **change})
    assert XeroBankTransfer(**{**base, "amount": Decimal("2.500")}).amount == Decimal("2.500")


def test_records_read_what_xero_answers() -> None:
    transfer = XeroBankTransferRecord.model_validate(
        {
            "BankTransferID": "76eea4b6-f026-464c-b6f3-5fb39a196145",
            "Date": "/Date(1551225600000+0000)/",
            "Status": "AUTHORISED",
            "FromBankAccount": {"AccountID": ACCOUNT_ID, "Code": "090", "Name": "My Savings"},
            "Amount": 50.00,
            "CurrencyRate": 1.000000,
            "CreatedDateUTC": "/Date(1476737161140+0000)/",
            "SomethingNew": True,
        }
    )
    assert (transfer.date, transfer.amount) == (date(2019, 2, 27), Decimal("50.0"))
    assert transfer.from_bank_account is not None and transfer.from_bank_account.code == "090"
    transaction = XeroBankTransactionRecord.model_validate(
        {
            "BankTransactionID": "1289c190-e46d-434b-9628-463ffdb52f00",
            "Type": "SPEND",
            "Total": 20.00,
            "StatusAttributeString": "ERROR",
            "ValidationErrors": [{"Message": "The Contact must contain at least 1 …"}],
        }
    )
    assert transaction.error_messages == ["The Contact must contain at least 1 …"]


def test_bank_summary_lines_come_from_the_rows_that_name_an_account() -> None:
    report = {
        "Rows": [
            {"RowType": "Header", "Cells": [{"Value": "Bank Accounts"}] * 5},
            {
                "RowType": "Section",
                "Title": "",
                "Rows": [
                    {
                        "RowType": "Row",
                        "Cells": [
                            {
                                "Value": "Big City Bank",
                                "Attributes": [{"Value": ACCOUNT_ID, "Id": "accountID"}],
                            },
                            {"Value": "1,000.00"},
                            {
                                "Value": "110.00",
                                "Attributes": [{"Value": ACCOUNT_ID, "Id": "account"}],
                            },
                            {"Value": "100.00"},
                            {"Value": "1,010.00"},
                        ],
                    },
                    {
                        "RowType": "SummaryRow",
                        "Cells": [{"Value": "Total"}] + [{"Value": "1.00"}] * 4,
                    },
                ],
            },
        ]
    }
    (line,) = bank_summary_lines(report)
    assert (line.account_id, line.name) == (ACCOUNT_ID, "Big City Bank")
    assert (line.opening, line.received, line.spent, line.closing) == (
        Decimal("1000.00"),
        Decimal("110.00"),
        Decimal("100.00"),
        Decimal("1010.00"),
    )
    broken = {
        "Rows": [
            {
                **report["Rows"][1]["Rows"][0],
                "Cells": [report["Rows"][1]["Rows"][0]["Cells"][0], {"Value": "n/a"}]
                + [{"Value": "0"}] * 3,
            }
        ]
    }
    with pytest.raises(ValueError, match="not a number"):
        bank_summary_lines(broken)


def test_where_guid_writes_xeros_guid_literal() -> None:
    assert where_guid("BankAccount.AccountID", ACCOUNT_ID.upper()) == (
        f'BankAccount.AccountID==guid("{ACCOUNT_ID}")'
    )
    with pytest.raises(ValueError, match="not a GUID"):
        where_guid("BankAccount.AccountID", "095")
    with pytest.raises(ValueError, match="not a Xero field name"):
        where_guid("BankAccount.AccountID)||(1", ACCOUNT_ID)


class _NoTokens:
    async def access_token(self) -> str:  # pragma: no cover - no request is sent
        raise AssertionError("no request expected")

    async def refresh_after_401(self, rejected: str) -> str:  # pragma: no cover
        raise AssertionError("no request expected")


@pytest.mark.anyio
async def test_bank_calls_refuse_arguments_they_cannot_send() -> None:
    async with XeroClient(
        api_base_url="http://xero.invalid", tokens=_NoTokens(), tenant_id="t"
    ) as client:
        with pytest.raises(ValueError, match="not one string"):
            await client.find_bank_transactions_by_reference("Payout 1")
        with pytest.raises(ValueError, match="cannot be looked up"):
            await client.find_bank_transactions_by_reference(["ok", "line\nbreak"])
        with pytest.raises(ValueError, match="not a GUID"):
            await client.find_bank_transactions_by_reference(["ok"], bank_account_id="095")
        with pytest.raises(ValueError, match="not a BankTransactionID"):
            await client.get_bank_transaction("095")
        with pytest.raises(ValueError, match="at most 50"):
            await client.create_bank_transfers([{}] * 51, idempotency_key="k")
        with pytest.raises(ValueError, match="at most 128"):
            await client.create_bank_transfers([{}, {}], idempotency_key="k" * 127)
        with pytest.raises(ValueError, match="not a BankTransferID"):
            await client.delete_bank_transfers(["nope"], idempotency_key="k")
        assert await client.create_bank_transfers([], idempotency_key="k") == []
