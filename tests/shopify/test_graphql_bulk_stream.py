"""A bulk read streams (issue 15): the operation is grouped (``groupObjects: true``), so each
record's nested lines follow it and a record is handed on once the next one begins; a file that
is not grouped that way is refused rather than read into wrong records. (The client's full reads
against the simulator, which groups only when asked, are in ``test_graphql_client.py``.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopxero.shopify.graphql_bulk import nest_grouped


def test_each_record_is_given_once_the_next_one_begins() -> None:
    given: list[str] = []

    def lines() -> Iterator[dict[str, str]]:
        for n in (1, 2):
            given.append(f"order {n}")
            yield {"id": f"gid://shopify/Order/{n}", "name": f"#{n}"}
            given.append(f"line of {n}")
            yield {
                "id": f"gid://shopify/LineItem/{n}0",
                "__typename": "LineItem",
                "__parentId": f"gid://shopify/Order/{n}",
            }

    records = nest_grouped(lines())
    first = next(records)
    assert given == ["order 1", "line of 1", "order 2"]  # order 2 not read on yet
    assert first["lineItems"]["nodes"] == [
        {"id": "gid://shopify/LineItem/10", "__typename": "LineItem"}
    ]
    second = next(records)
    assert second["name"] == "#2" and len(second["lineItems"]["nodes"]) == 1
    assert list(records) == []


def test_a_nested_line_away_from_its_record_is_refused() -> None:
    lines = [
        {"id": "gid://shopify/Order/1"},
        {"id": "gid://shopify/Order/2"},
        {"id": "x", "__typename": "LineItem", "__parentId": "gid://shopify/Order/1"},
    ]
    with pytest.raises(ValueError, match="not the record before it: gid://shopify/Order/1"):
        list(nest_grouped(lines))
