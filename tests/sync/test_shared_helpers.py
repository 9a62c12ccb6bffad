"""The helpers several steps share, each defined once: account status, money amounts, and the
error classes whose names the error queue stores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopxero.errors import ConflictError, DependencyError, RecordError
from shopxero.translate.accounts import is_active_account
from shopxero.translate.common import as_money

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = pytest.mark.not_per_api


@pytest.mark.parametrize(
    ("account", "active"),
    [
        ({"Code": "200", "Status": "ACTIVE"}, True),
        ({"Code": "200"}, True),  # no Status: active
        ({"Code": "200", "Status": "ARCHIVED"}, False),
        ({"Code": "200", "Status": "DELETED"}, False),
    ],
)
def test_is_active_account(account: dict[str, str], active: bool) -> None:
    assert is_active_account(account) is active


def test_as_money_keeps_the_value_or_rounds_to_cents_when_asked() -> None:
    assert str(as_money("39.9", to_cents=False)) == "39.9"
    assert str(as_money("39.9", to_cents=True)) == "39.90"
    assert str(as_money(Decimal("1.005"), to_cents=True)) == "1.00"  # the context's half-even
    assert str(as_money(Decimal("1.015"), to_cents=True)) == "1.02"
    for missing in (None, "", 0):
        assert as_money(missing, to_cents=False) == 0
        assert str(as_money(missing, to_cents=True)) == "0.00"


def test_the_error_queue_names_come_from_the_exception_tree() -> None:
    # Stored in the queue and read by users: these strings must not change.
    assert ConflictError.queue_name == "Conflict"
    assert DependencyError.queue_name == DependencyError.__name__ == "DependencyError"
    assert issubclass(ConflictError, RecordError)
    assert issubclass(DependencyError, RecordError)
