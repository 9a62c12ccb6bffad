"""The router under uvicorn in a thread: real sockets, concurrent writers, a reader in another
thread. Uniqueness must hold when requests race (the org is guarded by one lock)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.xero.accounting import XeroOrg, accounting_router

pytestmark = pytest.mark.anyio


async def test_racing_puts_create_one_contact_and_readers_see_consistent_state(
    org: XeroOrg, spec_hooks: dict[str, Any]
) -> None:
    app = Starlette(routes=[Mount("/api.xro/2.0", app=accounting_router(lambda _r: org))])
    seen: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(len(org.state()["contacts"]))

    with serve_in_thread(app) as server:
        thread = threading.Thread(target=reader)
        thread.start()
        try:
            async with httpx.AsyncClient(
                base_url=f"{server.url}/api.xro/2.0", event_hooks=spec_hooks
            ) as client:

                async def put(index: int) -> httpx.Response:
                    return await client.put(
                        "/Contacts",
                        json={
                            "Contacts": [{"Name": f"Racer {index}", "ContactNumber": "shopify-42"}]
                        },
                    )

                responses = await asyncio.gather(*(put(i) for i in range(12)))
                listed = await client.get("/Contacts", params={"page": "1"})
                missing = await client.get("/Invoices/NOPE")
        finally:
            stop.set()
            thread.join()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [400] * 11
    assert listed.json()["pagination"]["itemCount"] == 1
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert set(seen) <= {0, 1}


def test_state_is_safe_to_read_while_writing(org: XeroOrg) -> None:
    from shopxero.sandbox.xero.accounting.contacts import save_contact

    errors: list[Any] = []

    def writer(offset: int) -> None:
        try:
            for index in range(50):
                with org.lock:
                    save_contact(org, {"Name": f"W{offset}-{index}"}, create_only=True)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        org.state()
    for thread in threads:
        thread.join()
    assert errors == [] and len(org.state()["contacts"]) == 150
