"""Linking's reads of invoices and credit notes before creating them (``by_page_or_numbers``):
one look-up call for up to 40 numbers; for more, the first page of 1,000 of the whole list, which
is every record when it is not full; a full page falls back to the look-ups by number."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from shopxero.engine.linking import by_page_or_numbers

# Reads nothing from Shopify (mapping, planning, Xero only): runs once, not per Shopify API.
pytestmark = [pytest.mark.anyio, pytest.mark.not_per_api]


class Xero:
    def __init__(self, held: int) -> None:
        self.held = [{"InvoiceNumber": f"H-{n}"} for n in range(held)]
        self.pages_read = 0
        self.looked_up: list[str] = []

    def whole(self) -> AsyncIterator[dict[str, Any]]:
        async def pages() -> AsyncIterator[dict[str, Any]]:
            for start in range(0, max(len(self.held), 1), 1000):
                self.pages_read += 1
                for record in self.held[start : start + 1000]:
                    yield record

        return pages()

    async def by_number(self, numbers: Sequence[str]) -> list[dict[str, Any]]:
        self.looked_up.extend(numbers)
        return [r for r in self.held if r["InvoiceNumber"] in set(numbers)]


async def test_forty_numbers_are_one_look_up_not_a_page() -> None:
    xero = Xero(held=3)
    found = await by_page_or_numbers(
        [f"H-{n}" for n in range(40)], whole=xero.whole, by_number=xero.by_number
    )
    assert xero.pages_read == 0 and len(xero.looked_up) == 40
    assert len(found) == 3


async def test_more_numbers_on_a_small_organisation_read_one_page_only() -> None:
    xero = Xero(held=999)
    found = await by_page_or_numbers(
        [f"N-{n}" for n in range(41)], whole=xero.whole, by_number=xero.by_number
    )
    assert xero.pages_read == 1 and xero.looked_up == []
    assert len(found) == 999  # every invoice it holds: the caller matches the numbers


async def test_a_full_first_page_falls_back_to_the_look_ups_by_number() -> None:
    xero = Xero(held=2500)
    numbers = ["H-2400", *(f"N-{n}" for n in range(50))]
    found = await by_page_or_numbers(numbers, whole=xero.whole, by_number=xero.by_number)
    assert xero.pages_read == 1  # the second page is never asked for
    assert xero.looked_up == numbers
    assert found == [{"InvoiceNumber": "H-2400"}]  # beyond the first page, still found
