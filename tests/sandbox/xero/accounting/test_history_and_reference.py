"""History and notes; Organisation, Accounts and TaxRates; state() and reset()."""

from __future__ import annotations

from typing import Any

import pytest

from shopxero.sandbox.xero.accounting import XeroOrg

pytestmark = pytest.mark.anyio

LINE = {"Description": "Tee", "Quantity": "1", "UnitAmount": "10.00", "AccountCode": "200"}


async def test_history_records_changes_and_notes(api: Any, org: XeroOrg) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE])
    org.clock.advance(2)
    await api.post(f"/Invoices/{invoice['InvoiceID']}", "Invoices", {"Status": "AUTHORISED"})
    note = await api.put(
        f"/Invoices/{invoice['InvoiceID']}/History",
        "HistoryRecords",
        {"Details": "Synced from Shopify order #1001"},
    )
    assert note.status_code == 200
    assert note.json()["HistoryRecords"][0]["Details"] == "Synced from Shopify order #1001"
    history = (await api.client.get(f"/Invoices/{invoice['InvoiceID']}/History")).json()
    changes = [h["Changes"] for h in history["HistoryRecords"]]
    assert changes == ["Note", "Authorised", "Created"]  # newest first
    assert history["HistoryRecords"][-1]["Details"] == "INV-0001 to Ada Lovelace for 12.00."
    contact_history = (await api.client.get(f"/Contacts/{contact}/History")).json()
    assert [h["Changes"] for h in contact_history["HistoryRecords"]] == ["Created"]


async def test_history_note_needs_details_and_a_known_record(api: Any) -> None:
    contact = await api.contact()
    empty = await api.put(f"/Contacts/{contact}/History", "HistoryRecords", {"Details": ""})
    assert api.errors(empty) == ["The Details field is required."]
    unknown = await api.put(
        "/Invoices/00000000-0000-0000-0000-000000000009/History", "HistoryRecords", {"Details": "x"}
    )
    assert unknown.status_code == 404


async def test_organisation_accounts_and_tax_rates(api: Any, org: XeroOrg) -> None:
    organisation = (await api.client.get("/Organisation")).json()["Organisations"][0]
    assert organisation["OrganisationID"] == org.tenant_id and organisation["BaseCurrency"] == "GBP"
    banks = (await api.client.get("/Accounts", params={"where": 'Type=="BANK"'})).json()
    assert [a["Code"] for a in banks["Accounts"]] == ["090"]
    sales = next(
        a for a in (await api.client.get("/Accounts")).json()["Accounts"] if a["Code"] == "200"
    )
    one = (await api.client.get(f"/Accounts/{sales['AccountID']}")).json()["Accounts"][0]
    assert one["Name"] == "Sales"
    rates = (await api.client.get("/TaxRates", params={"where": 'TaxType=="OUTPUT2"'})).json()
    (vat,) = rates["TaxRates"]
    assert vat["EffectiveRate"] == 20 and vat["CanApplyToRevenue"] is True
    assert (await api.client.get("/TaxRates/OUTPUT2")).json()["TaxRates"][0]["Name"] == vat["Name"]


async def test_state_is_plain_json_and_reset_restores_the_seed(api: Any, org: XeroOrg) -> None:
    contact = await api.contact()
    invoice = await api.invoice(contact, [LINE], Status="AUTHORISED")
    await api.pay(invoice["InvoiceID"], "12.00")
    state = org.state()
    assert set(state) == {
        "organisation",
        "accounts",
        "tax_rates",
        "contacts",
        "items",
        "invoices",
        "payments",
        "credit_notes",
        "bank_transactions",
        "bank_transfers",
    }
    assert state["invoices"][0]["Status"] == "PAID"
    assert state["invoices"][0]["Total"] == 12.0
    assert state["payments"][0]["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    assert not any(key.startswith("_") for key in state["invoices"][0])
    tenant = org.tenant_id
    org.reset()
    assert org.tenant_id == tenant
    after = org.state()
    assert (after["contacts"], after["invoices"], after["payments"]) == ([], [], [])
    assert len(after["accounts"]) == len(state["accounts"])


def test_seed_contacts_and_items_get_ids_and_bad_seeds_are_named(clock: Any) -> None:
    from shopxero.sandbox.seeds.xero_defaults import default_accounts, default_tax_rates

    base = {"accounts": default_accounts("UK"), "tax_rates": default_tax_rates("UK")}
    org = XeroOrg(
        {
            **base,
            "contacts": [{"Name": "Seeded"}],
            "items": [{"Code": "SEED-1", "SalesDetails": {"UnitPrice": 2.5}}],
        },
        clock=clock,
    )
    state = org.state()
    assert len(state["contacts"][0]["ContactID"]) == 36
    assert state["items"][0]["SalesDetails"]["UnitPrice"] == 2.5
    with pytest.raises(ValueError, match=r"seed contact #1 \('Seeded'\).*already assigned"):
        XeroOrg({**base, "contacts": [{"Name": "Seeded"}, {"Name": "Seeded"}]}, clock=clock)
