"""``store.redact`` on hand-made rows: what is cut, what is scrubbed, and what must stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from shopxero.store import StateStore
from shopxero.store.calls import StoredCall
from shopxero.store.mappings import MappingRecord
from shopxero.store.redact import REDACTED, cut_records

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _contact(number: str, name: str, email: str) -> dict[str, object]:
    first, last = name.split(" ", 1)
    return {
        "ContactNumber": number,
        "Name": name,
        "FirstName": first,
        "LastName": last,
        "EmailAddress": email,
        "Phones": [{"PhoneType": "MOBILE", "PhoneNumber": "+44 7700 900123"}],
        "Addresses": [{"AddressType": "STREET", "AddressLine1": "7 Quay's End", "City": "Leeds"}],
    }


def test_cut_records_handles_truncated_bodies_and_braces_in_strings() -> None:
    body = json.dumps(
        {
            "Contacts": [
                _contact("11", "Bo {Brace}", "bo@x.io"),
                _contact("12", "Anna Lee", "anna@x.io"),
            ]
        }
    )
    truncated = body[: body.index("anna@x.io") + 4]
    cut, values = cut_records(truncated, "12")
    assert "Anna" not in cut and "anna@" not in cut and "Bo {Brace}" in cut
    assert values == {}  # an incomplete record gives no values, but is cut all the same
    cut, values = cut_records(body, "12")
    assert values["anna@x.io"] == "email" and values["+44 7700 900123"] == "phone"
    assert cut_records(body, "1") == (body, {})  # 1 is not 11 or 12


def _seed_store(path: Path) -> None:
    with StateStore.open(path) as store, store.atomic():
        run = store.runs.start(started_at=NOW)
        store.runs.finish(
            run,
            status="ok",
            counts={},
            notes=["customer 12: email 'anna@x.io' is not accepted by Xero", "customer 11: ok"],
            message=None,
            finished_at=NOW,
        )
        for number, name, email in (
            ("11", "Annabel Lee", "annabel@x.io"),
            ("12", "Anna Lee", "anna@x.io"),
            ("13", "Anna Lee", "other@x.io"),
        ):
            store.mappings.upsert(
                MappingRecord(
                    entity="contact",
                    shopify_id=number,
                    xero_id=f"x-{number}",
                    natural_key=number,
                    checksum="c",
                    payload=_contact(number, name, email),
                    base_name=name,
                    chosen_name=name if number != "13" else f"{name} (13)",
                )
            )
        store.calls.add(
            StoredCall(
                time=NOW,
                service="xero",
                method="GET",
                path="/api.xro/2.0/Contacts",
                query="where=EmailAddress%3D%3D%22anna%40x.io%22",
                status=200,
                duration_ms=1.0,
                attempt=1,
                request_id=None,
                error=None,
            )
        )
        store.errors.record(
            operation="create",
            entity="orders",
            shopify_id="900",
            label="order #1001",
            error_class="ValidationError",
            message="order #1001: contact Anna Lee <anna@x.io> is archived",
            retryable=False,
            now=NOW,
        )


def test_only_the_customer_loses_its_values(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _seed_store(path)
    with StateStore.open(path) as store:
        result = store.redaction.redact_customer("12", {})
        assert result.mapping_found and {"email", "name", "phone", "address"} <= set(
            result.value_kinds
        )
        own = store.mappings.get("contact", "12")
        assert own is not None and own.payload is None and own.chosen_name is None
        assert own.checksum == "c" and own.xero_id == "x-12"  # the sync still knows its contact
        # Annabel is not Anna; customer 13 shares the name and keeps it.
        annabel = store.mappings.get("contact", "11")
        assert annabel is not None and annabel.payload and annabel.payload["Name"] == "Annabel Lee"
        namesake = store.mappings.get("contact", "13")
        assert namesake is not None and namesake.chosen_name == "Anna Lee (13)"
        (entry,) = store.errors.list_open()
        assert entry.message == f"order #1001: contact {REDACTED} <{REDACTED}> is archived"
        (run,) = store.runs.recent(1)
        assert run.notes == [f"customer 12: {REDACTED}", "customer 11: ok"]
        again = store.redaction.redact_customer("12", {})
        assert again.total == 0
    raw = path.read_bytes()
    assert b"anna%40x.io" not in raw and b"anna@x.io" not in raw
    assert b"900123" in raw  # customer 11 and 13 keep their (shared) phone in their mappings
