"""The demo seed's orders keep their numbers whatever the time of day it is built.

Tests name demo orders by number (#1028 sells a gift card); a seed whose numbering moved with the
hour failed them for part of every day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shopxero.sandbox.seeds.demo import build_demo


def _numbering(now: datetime) -> list[tuple[int, str, tuple[str, ...]]]:
    orders = build_demo(now)["shopify"]["orders"]
    return [
        (o["order_number"], o.get("email") or "", tuple(li["title"] for li in o["line_items"]))
        for o in orders
    ]


def test_order_numbers_do_not_depend_on_the_time_of_day() -> None:
    midnight = datetime(2026, 12, 6, 0, 5, tzinfo=UTC)
    expected = _numbering(midnight)
    for hours in (3, 9, 12, 15, 17, 18, 19, 21, 23):
        assert _numbering(midnight + timedelta(hours=hours, minutes=41)) == expected, hours


def test_order_1028_sells_the_gift_card_at_any_hour() -> None:
    for hours in (1, 13, 18, 22):
        orders = build_demo(datetime(2026, 12, 6, hours, 40, tzinfo=UTC))["shopify"]["orders"]
        [seller] = [o for o in orders if any(li.get("gift_card") for li in o["line_items"])]
        assert seller["order_number"] == 1028, hours
