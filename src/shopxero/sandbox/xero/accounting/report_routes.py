"""``GET /Reports/BankSummary``: every bank account's opening balance, cash received, cash spent
and closing balance over ``fromDate``..``toDate`` [xero-api-notes §13.4].

The shape is the spec's example (ReportWithRows): a Header row, one Section (Title "") with a Row
per bank account (the name cell carries the ``accountID`` attribute, the received and spent cells
the ``account`` attribute) and a ``Total`` SummaryRow; amounts are strings with 2 decimals. The
figures come from ``ledger`` (payments, spend/receive money, both sides of transfers). Dates left
out default to the current month in the organisation's timezone (UNCONFIRMED, §13.4). The
balance of an account at the end of day D is its Closing Balance for ``fromDate=toDate=D``.
Amounts are in each account's own currency; the Total row adds them as they are (meaningful in
one currency only).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.xero.accounting.ledger import AccountPeriod, account_period
from shopxero.sandbox.xero.accounting.listing import param
from shopxero.sandbox.xero.accounting.plumbing import OrgGetter, endpoint
from shopxero.sandbox.xero.accounting.problems import BadRequest
from shopxero.sandbox.xero.accounting.serialize import JsonResponse, envelope, money
from shopxero.sandbox.xero.accounting.state import XeroOrg

__all__ = ["bank_summary_report", "report_routes"]

_HEADER = ("Bank Accounts", "Opening Balance", "Cash Received", "Cash Spent", "Closing Balance")


def _day(request: Request, name: str) -> date | None:
    raw = param(request.query_params, name)
    if raw is None or not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError as exc:
        raise BadRequest.validation(f"{name} '{raw}' is not a valid date (YYYY-MM-DD)") from exc


def _long(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _amount(value: Decimal) -> str:
    return format(money(value), "f")


def _cells(label: str, period: AccountPeriod, account_id: str | None) -> list[dict[str, Any]]:
    def cell(value: str, attribute: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"Value": value}
        if account_id is not None and attribute is not None:
            out["Attributes"] = [{"Value": account_id, "Id": attribute}]
        return out

    return [
        cell(label, "accountID"),
        cell(_amount(period.opening)),
        cell(_amount(period.received), "account"),
        cell(_amount(period.spent), "account"),
        cell(_amount(period.closing)),
    ]


def bank_summary_report(org: XeroOrg, start: date, end: date) -> dict[str, Any]:
    """The report (one element of ``Reports``) for ``start``..``end``, both included."""
    periods = account_period(org, start, end)
    empty = AccountPeriod(Decimal(0), Decimal(0), Decimal(0))
    banks = [
        account
        for account in org.accounts
        if account.get("Type") == "BANK"
        and (
            account.get("Status", "ACTIVE") == "ACTIVE"
            or str(account.get("AccountID", "")).lower() in periods
        )
    ]
    banks.sort(key=lambda a: str(a.get("Name", "")).casefold())
    rows: list[dict[str, Any]] = []
    sums = [Decimal(0)] * 3
    for account in banks:
        account_id = str(account["AccountID"])
        period = periods.get(account_id.lower(), empty)
        sums = [sums[0] + period.opening, sums[1] + period.received, sums[2] + period.spent]
        rows.append(
            {"RowType": "Row", "Cells": _cells(str(account.get("Name", "")), period, account_id)}
        )
    total = AccountPeriod(*sums)
    rows.append({"RowType": "SummaryRow", "Cells": _cells("Total", total, None)})
    return {
        "ReportName": "Bank Summary",
        "ReportType": "BankSummary",
        "ReportTitles": [
            "Bank Summary",
            str(org.organisation.get("Name", "")),
            f"From {_long(start)} to {_long(end)}",
        ],
        "ReportDate": _long(org.today()),
        "UpdatedDateUTC": org.now(),
        "Fields": [],
        "Rows": [
            {"RowType": "Header", "Cells": [{"Value": title} for title in _HEADER]},
            {"RowType": "Section", "Title": "", "Rows": rows},
        ],
    }


async def get_bank_summary(request: Request, org: XeroOrg) -> Response:
    start = _day(request, "fromDate")
    end = _day(request, "toDate")
    with org.lock:
        today = org.today()
        anchor = start or end or today
        start = start or anchor.replace(day=1)
        if end is None:
            end = anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
        if start > end:
            raise BadRequest.validation("fromDate must not be after toDate")
        report = bank_summary_report(org, start, end)
        return JsonResponse(envelope(org.now(), "Reports", [report]))


def report_routes(get_org: OrgGetter) -> list[Route]:
    return [Route("/Reports/BankSummary", endpoint(get_org, get_bank_summary), methods=["GET"])]
