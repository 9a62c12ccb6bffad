"""Items: required Code, lengths, Xero's duplicate-code message, lookups by ID or Code,
``where=Code==``, UnitPrice precision, POST matched on Code, IsSold false, delete."""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.xero.accounting import XeroOrg

pytestmark = pytest.mark.anyio

MUG = {
    "Code": "MUG-BLUE",
    "Name": "Blue mug",
    "Description": "A blue mug",
    "SalesDetails": {"UnitPrice": "7.505", "AccountCode": "200", "TaxType": "OUTPUT2"},
}


async def test_put_creates_an_untracked_item(api: Any) -> None:
    response = await api.put("/Items", "Items", MUG)
    (item,) = response.json()["Items"]
    assert item["Code"] == "MUG-BLUE" and len(item["ItemID"]) == 36
    assert item["IsSold"] is True and item["IsTrackedAsInventory"] is False
    assert item["SalesDetails"]["UnitPrice"] == 7.51  # 7.505 -> 7.51 at 2 dp, half up


async def test_duplicate_code_uses_xeros_message(api: Any) -> None:
    await api.put("/Items", "Items", MUG)
    response = await api.put("/Items", "Items", {**MUG, "Code": "mug-blue"})
    # Spec example text (xero_accounting.yaml l.9036, xero-api-notes §6.2).
    assert api.errors(response) == ["Price List Item with Code 'mug-blue' already exists"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Code": "C" * 31}, "Code must not be more than 30 characters long."),
        ({"Name": "N" * 51}, "Name must not be more than 50 characters long."),
        ({"Description": "D" * 4001}, "Description must not be more than 4000 characters long."),
        ({"Code": None}, "Item code is required."),
        (
            {"SalesDetails": {"AccountCode": "999"}},
            "Account code '999' is not a valid code for this document.",
        ),
    ],
)
async def test_item_validation(api: Any, fields: dict[str, Any], message: str) -> None:
    response = await api.put("/Items", "Items", {**MUG, **fields})
    assert message in api.errors(response)


async def test_lookups_by_id_code_and_where(api: Any) -> None:
    created = (await api.put("/Items", "Items", MUG)).json()["Items"][0]
    await api.put("/Items", "Items", {"Code": "CAP"})
    by_id = (await api.client.get(f"/Items/{created['ItemID']}")).json()["Items"][0]
    by_code = (await api.client.get("/Items/MUG-BLUE")).json()["Items"][0]
    assert by_id == by_code
    where = (await api.client.get("/Items", params={"where": 'Code=="CAP"'})).json()
    assert [i["Code"] for i in where["Items"]] == ["CAP"]
    everything = (await api.client.get("/Items", params={"page": "1"})).json()
    assert "pagination" not in everything  # GET Items is never paged (xero-api-notes §5.3)
    assert (await api.client.get("/Items/NOPE")).status_code == 404


async def test_unitdp_4_keeps_four_decimals(api: Any) -> None:
    response = await api.put("/Items", "Items", MUG, unitdp="4")
    assert response.json()["Items"][0]["SalesDetails"]["UnitPrice"] == 7.505
    shown = (await api.client.get("/Items/MUG-BLUE", params={"unitdp": "4"})).json()
    assert shown["Items"][0]["SalesDetails"]["UnitPrice"] == 7.505
    default = (await api.client.get("/Items/MUG-BLUE")).json()
    assert default["Items"][0]["SalesDetails"]["UnitPrice"] == 7.51


async def test_post_matches_on_code_and_is_sold_false_clears_sales(api: Any, org: XeroOrg) -> None:
    created = (await api.put("/Items", "Items", MUG)).json()["Items"][0]
    response = await api.post("/Items", "Items", {"Code": "MUG-BLUE", "IsSold": False})
    (item,) = response.json()["Items"]
    assert item["ItemID"] == created["ItemID"]
    assert item["SalesDetails"] == {} and "Description" not in item
    assert len(org.state()["items"]) == 1


async def test_delete_item(api: Any) -> None:
    created = (await api.put("/Items", "Items", MUG)).json()["Items"][0]
    response = await api.client.delete(f"/Items/{created['ItemID']}")
    assert response.status_code == 204
    assert (await api.client.get(f"/Items/{created['ItemID']}")).status_code == 404


async def test_up_to_500_items_go_in_one_request_and_501_are_refused_whole(api: Any) -> None:
    items = [{**MUG, "Code": f"MUG-{n}"} for n in range(501)]
    refused = await api.put("/Items", "Items", *items, summarizeErrors="false")
    # xero-api-notes §4: 500 is the most Xero takes; nothing of a larger batch is saved.
    assert refused.status_code == 400 and "no more than 500 Items" in refused.json()["Message"]
    assert (await api.client.get("/Items")).json()["Items"] == []
    created = await api.put("/Items", "Items", *items[:500], summarizeErrors="false")
    assert len(created.json()["Items"]) == 500
