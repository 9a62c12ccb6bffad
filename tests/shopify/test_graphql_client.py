"""The GraphQL client against the simulator: every query it sends validates against Shopify's
2026-10 schema within the 1,000-point cap, its records parse to the same models as REST's, an
order's transactions cost no extra call, and pacing follows the cost bucket it reads at run time
(THROTTLED answers waited out, never the bucket assumed)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse, validate
from tests.sandbox.shopify.helpers import make_order, make_product, make_seed
from tests.stepping_clock import SteppingClock

from shopxero.checks.preflight import seen_in_orders
from shopxero.http.calllog import ListSink
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import SHOPIFY_ACCESS_TOKEN, shopify_credentials
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.sandbox.shopify.graphql.cost import MAX_QUERY_COST, QueryCost
from shopxero.sandbox.shopify.graphql.schema import admin_schema
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.shopify import graphql_client, graphql_queries, models
from shopxero.shopify.auth import StaticTokenAuth
from shopxero.shopify.client import ShopifyClient
from shopxero.shopify.graphql_client import ShopifyGraphQLClient

pytestmark = pytest.mark.anyio

SHOP_URL = "http://shop.test"
PAGE_SIZES = {
    "CUSTOMERS": graphql_queries.CUSTOMER_PAGE,
    "ORDERS": graphql_queries.ORDER_PAGE,
    "PRODUCTS": graphql_queries.PRODUCT_PAGE,
    "PAYOUTS": graphql_queries.PAYOUT_PAGE,
    "BALANCE_TRANSACTIONS": graphql_queries.BALANCE_TRANSACTION_PAGE,
    "TAX_SAMPLE": graphql_queries.TAX_SAMPLE_PAGE,
}
QUERIES = {
    name: getattr(graphql_queries, name)
    for name in graphql_queries.__all__
    if name.isupper()
    and isinstance(getattr(graphql_queries, name), str)
    and name not in ("CUSTOMER_PAGE", "ORDER_PAGE", "PRODUCT_PAGE")
}
QUERIES["TRANSACTIONS"] = graphql_client.TRANSACTIONS
# The documents made for the resources a run reads: every set of them.
for _size in (1, 2, 3):
    for _names in itertools.combinations(graphql_queries.RESOURCES, _size):
        QUERIES[f"run_bulks({','.join(_names)})"] = graphql_queries.run_bulks(list(_names))
        QUERIES[f"changed_ids({','.join(_names)})"] = graphql_queries.changed_ids(list(_names))

# What REST says that the GraphQL Admin API has no field for (shopify-api-notes §10).
REST_ONLY = {
    "orders": {
        ".number",
        ".total_line_items_price",
        ".refunds[].restock",
        ".refunds[].refund_duties",
        ".refunds[].total_duties_set",
        ".refunds[].total_additional_fees_set",
        ".refunds[].transactions[].source_name",
        ".refunds[].order_adjustments[].kind",
        ".refunds[].order_adjustments[].reason",
        # The demo seed's embedded customer carries a stale updated_at; GraphQL's is
        # the customer's own.
        ".customer.updated_at",
    },
    "customers": set(),
    "products": set(),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_validates_against_the_schema_under_the_cost_cap(name: str) -> None:
    schema = admin_schema()
    document = parse(QUERIES[name])
    assert validate(schema, document) == []
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = QueryCost(schema, operation, fragments, {"first": PAGE_SIZES.get(name, 1)})
    assert cost.requested() <= MAX_QUERY_COST


def _requested_cost(document: str, first: int) -> int:
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return QueryCost(admin_schema(), operation, fragments, {"first": first}).requested()


def test_the_tax_sample_is_the_most_orders_one_query_may_ask_for() -> None:
    # doctor's one query for the taxes charged: a page of 100 (REST's) would ask far more than
    # the 1,000-point cap, so the page is the largest that fits (shopify-api-notes §10).
    page = graphql_queries.TAX_SAMPLE_PAGE
    assert _requested_cost(graphql_queries.TAX_SAMPLE, page) <= MAX_QUERY_COST
    assert _requested_cost(graphql_queries.TAX_SAMPLE, page + 1) > MAX_QUERY_COST


def demo_sandbox(clock: Any, **options: Any) -> ShopifySandbox:
    return create_shopify_app(
        load_seed("demo")["shopify"], clock=clock, credentials=shopify_credentials(), **options
    )


def clients(
    sandbox: ShopifySandbox, sink: ListSink | None = None, *, use_bulk: bool = False
) -> tuple[ShopifyClient, ShopifyGraphQLClient]:
    transport = SandboxASGITransport(app=sandbox)
    auth = StaticTokenAuth(SHOPIFY_ACCESS_TOKEN)
    rest = ShopifyClient(shop_url=SHOP_URL, auth=auth, transport=transport, clock=sandbox.clock)
    graphql = ShopifyGraphQLClient(
        shop_url=SHOP_URL,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=transport,
        clock=sandbox.clock,
        call_sink=sink,
        use_bulk=use_bulk,
    )
    return rest, graphql


def differences(path: str, left: Any, right: Any, out: set[str]) -> None:
    if isinstance(left, dict) and isinstance(right, dict):
        for key in set(left) | set(right):
            differences(f"{path}.{key}", left.get(key), right.get(key), out)
    elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for a, b in zip(left, right, strict=True):
            differences(f"{path}[]", a, b, out)
    elif left != right:
        out.add(path)


@pytest.mark.parametrize(
    ("kind", "model"),
    [
        ("customers", models.Customer),
        ("products", models.Product),
        ("orders", models.Order),
    ],
)
@pytest.mark.parametrize("use_bulk", [False, True], ids=["paged", "bulk"])
async def test_records_parse_to_the_same_models_as_rest(
    kind: str, model: Any, use_bulk: bool
) -> None:
    sandbox = demo_sandbox(SteppingClock())
    rest, graphql = clients(sandbox, use_bulk=use_bulk)
    async with rest, graphql:
        by_rest = [r async for r in getattr(rest, f"iter_{kind}")()]
        by_graphql = [r async for r in getattr(graphql, f"iter_{kind}")()]
    left = {r["id"]: model.model_validate(r).model_dump() for r in by_rest}
    right = {r["id"]: model.model_validate(r).model_dump() for r in by_graphql}
    assert sorted(right) == sorted(left)
    found: set[str] = set()
    for record_id, record in left.items():
        differences("", record, right[record_id], found)
    assert found <= REST_ONLY[kind]


async def test_transactions_come_with_the_order() -> None:
    sandbox = demo_sandbox(SteppingClock())
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        orders = [o async for o in graphql.iter_orders()]
        calls = len(sandbox.log.entries())
        for order in orders:
            by_graphql = await graphql.list_transactions(order["id"])
            by_rest = await rest.list_transactions(order["id"])
            assert [t["id"] for t in by_graphql] == [t["id"] for t in by_rest]
        # Only REST's own calls were made: GraphQL answered from what it had read.
        assert len(sandbox.log.entries()) == calls + len(orders)
        transport = SandboxASGITransport(app=sandbox)
        fresh = ShopifyGraphQLClient(
            shop_url=SHOP_URL,
            auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
            transport=transport,
            clock=sandbox.clock,
        )
        async with fresh:
            alone = await fresh.list_transactions(orders[0]["id"])  # one small query
        assert len(sandbox.log.entries()) == calls + len(orders) + 1
        expected = await rest.list_transactions(orders[0]["id"])
    assert "transactions" not in orders[0]  # as on REST: served apart
    assert [(t["id"], t["kind"], t["amount"]) for t in alone] == [
        (t["id"], t["kind"], t["amount"]) for t in expected
    ]


async def test_pacing_reads_the_bucket_and_waits_instead_of_being_throttled() -> None:
    clock = SteppingClock()
    sandbox = demo_sandbox(clock, graphql_bucket=1000, graphql_restore_rate=50)
    sink = ListSink()
    _, graphql = clients(sandbox, sink)
    started = clock.time()
    async with graphql:
        orders = [o async for o in graphql.iter_orders()]
    assert len(orders) == 60
    assert graphql.throttled == 0  # every wait was the client's own, before sending
    assert graphql.bucket.maximum == 1000.0 and graphql.bucket.restore_rate == 50.0
    # 30 pages each asking 986 points of a 1,000-point bucket: the client had to wait, and
    # its model of the bucket is the simulator's.
    assert clock.time() - started > 0
    server = sandbox.graphql.costs.status("legacy-custom-app")
    assert graphql.bucket.available == pytest.approx(server.available, abs=1.0)


async def test_a_throttled_answer_is_waited_out_and_retried() -> None:
    clock = SteppingClock()
    sandbox = demo_sandbox(clock, graphql_bucket=1000, graphql_restore_rate=50)
    _, graphql = clients(sandbox)
    sandbox.graphql.costs.take("legacy-custom-app", 1000)  # another reader emptied the bucket
    started = clock.time()
    async with graphql:
        customers = [c async for c in graphql.iter_customers()]
    assert len(customers) == 25
    assert graphql.throttled == 1
    # The customers query asks 2 + 6 points a customer of the page: the bucket needed that many
    # points' worth of seconds at 50 a second to hold them.
    requested = 2 + 6 * graphql_queries.CUSTOMER_PAGE
    assert clock.time() - started == pytest.approx(requested / 50, abs=0.01)


class RecordingTransport(SandboxASGITransport):
    """Keeps each request's path and headers (to see what the bulk download sends)."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self.seen: list[tuple[str, dict[str, str]]] = []

    async def handle_async_request(self, request: Any) -> Any:
        self.seen.append((request.url.path, dict(request.headers)))
        return await super().handle_async_request(request)


def bulk_client(
    sandbox: ShopifySandbox, transport: Any, warnings: list[str]
) -> ShopifyGraphQLClient:
    return ShopifyGraphQLClient(
        shop_url=SHOP_URL,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=transport,
        clock=sandbox.clock,
        warn=warnings.append,
    )


async def test_a_full_read_is_one_bulk_operation_downloaded_without_the_token() -> None:
    sandbox = demo_sandbox(SteppingClock())
    transport = RecordingTransport(sandbox)
    warnings: list[str] = []
    async with bulk_client(sandbox, transport, warnings) as graphql:
        orders = [o async for o in graphql.iter_orders()]
    assert warnings == []
    assert len(orders) == 60
    downloads = [h for path, h in transport.seen if path.startswith("/bulk-operation-results/")]
    assert len(downloads) == 1
    assert "x-shopify-access-token" not in downloads[0]
    state = {o["id"]: o for o in sandbox.state()["orders"]}
    refunded = [o for o in orders if state[o["id"]]["refunds"]]
    graphql_calls = [p for p, _ in transport.seen if p.endswith("/graphql.json")]
    # One mutation, the polls, and one query for the refunds of every order that has any (the
    # simulator prices a list of nodes by its dearest one, so all of them fit one query).
    assert 0 < len(refunded) <= graphql_queries.MAX_IDS
    assert len(graphql_calls) == 1 + graphql.bulk.polls + 1
    assert all(o["refunds"] for o in refunded)


@pytest.mark.parametrize("fault", ["fail", "expire"])
async def test_a_failed_or_expired_bulk_read_falls_back_to_pages(fault: str) -> None:
    sandbox = demo_sandbox(SteppingClock())
    if fault == "fail":
        sandbox.graphql.bulk.fail_next("INTERNAL_SERVER_ERROR")
    else:
        sandbox.graphql.bulk.slow_next(8 * 24 * 3600)  # longer than the client waits
    warnings: list[str] = []
    graphql = bulk_client(sandbox, SandboxASGITransport(app=sandbox), warnings)
    graphql.bulk.max_wait = 3600.0
    async with graphql:
        customers = [c async for c in graphql.iter_customers()]
    assert sorted(c["id"] for c in customers) == sorted(
        c["id"] for c in sandbox.state()["customers"]
    )
    expected = (
        "ended FAILED (INTERNAL_SERVER_ERROR)" if fault == "fail" else "took over 3600 s; cancelled"
    )
    assert len(warnings) == 1 and expected in warnings[0], warnings
    assert warnings[0].endswith("reading page by page")


@pytest.mark.parametrize("use_bulk", [False, True], ids=["paged", "bulk"])
async def test_a_product_with_2048_variants_is_read_whole(use_bulk: bool) -> None:
    sandbox = create_shopify_app(
        make_seed(products=[make_product(10, variants=2048), make_product(20, variants=3)]),
        clock=SteppingClock(),
        credentials=shopify_credentials(),
    )
    warnings: list[str] = []
    graphql = ShopifyGraphQLClient(
        shop_url=SHOP_URL,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=SandboxASGITransport(app=sandbox),
        clock=sandbox.clock,
        warn=warnings.append,
        use_bulk=use_bulk,
    )
    async with graphql:
        products = {p["id"]: p async for p in graphql.iter_products()}
        single = await graphql.get_product(10)
    assert [v["sku"] for v in products[10]["variants"]] == [f"SKU-10-{n}" for n in range(2048)]
    assert single is not None and len(single["variants"]) == 2048
    assert len(products[20]["variants"]) == 3
    assert warnings == []  # REST's "exactly 100 variants" warning has no cause here


async def test_every_call_is_in_the_call_log_with_its_operation_and_cost() -> None:
    sandbox = demo_sandbox(SteppingClock())
    sink = ListSink()
    _, graphql = clients(sandbox, sink)
    async with graphql:
        [c async for c in graphql.iter_customers()]
        await graphql.get_order(5500000000011)
    graphql_calls = [r for r in sink.records if r.path.endswith("/graphql.json")]
    assert [r.query.split("&")[0] for r in graphql_calls] == [
        "operation=Customers",
        "operation=Order",
    ]
    # 25 customers of the 150 asked for: 902 requested, 132 charged, of a 2,000-point bucket.
    assert graphql_calls[0].query == "operation=Customers&cost=902/132&available=1868/2000"
    assert all(r.status == 200 and r.attempt == 1 for r in graphql_calls)
    assert SHOPIFY_ACCESS_TOKEN not in str(sink.records)


@pytest.mark.parametrize("use_bulk", [False, True], ids=["paged", "bulk"])
async def test_an_order_longer_than_a_page_is_read_whole_through_rest(use_bulk: bool) -> None:
    order = make_order(1001)
    template = order["shipping_lines"][0]
    order["shipping_lines"] = [{**template, "id": 900 + n, "title": f"Leg {n}"} for n in range(5)]
    refund = order["refunds"][0]
    refund["refund_line_items"] = [
        {**refund["refund_line_items"][0], "id": 700 + n} for n in range(12)
    ]
    sandbox = create_shopify_app(
        make_seed(orders=[order, make_order(1002)]),
        clock=SteppingClock(),
        credentials=shopify_credentials(),
    )
    warnings: list[str] = []
    transport = SandboxASGITransport(app=sandbox)
    graphql = ShopifyGraphQLClient(
        shop_url=SHOP_URL,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=transport,
        clock=sandbox.clock,
        warn=warnings.append,
        use_bulk=use_bulk,
    )
    rest = ShopifyClient(
        shop_url=SHOP_URL,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        transport=transport,
        clock=sandbox.clock,
    )
    async with graphql, rest:
        orders = {o["id"]: o async for o in graphql.iter_orders()}
        expected = await rest.get_order(1001)
        transactions = await graphql.list_transactions(1001)
        expected_transactions = await rest.list_transactions(1001)
    assert orders[1001] == expected  # REST's own record, every line of it
    assert len(orders[1001]["shipping_lines"]) == 5
    assert len(orders[1001]["refunds"][0]["refund_line_items"]) == 12
    assert transactions == expected_transactions
    assert len(warnings) == 1 and "read through REST" in warnings[0], warnings
    rest_reads = [
        e["path"]
        for e in sandbox.log.entries()
        if e["path"].endswith(".json") and not e["path"].endswith("graphql.json")
    ]
    # Only the long order went through REST (once by the client, once by this test).
    assert [p for p in rest_reads if "/orders/" in p and "transactions" not in p] == [
        "/admin/api/2026-10/orders/1001.json",
        "/admin/api/2026-10/orders/1001.json",
    ]


def _taxes_seen(orders: list[dict[str, Any]]) -> set[Any]:
    return {
        (region, tuple((t.title, t.rate, t.price) for t in lines))
        for region, lines in seen_in_orders(orders)
    }


async def test_the_tax_sample_gives_doctor_what_rest_gives_for_the_same_orders() -> None:
    sandbox = demo_sandbox(SteppingClock())
    rest, graphql = clients(sandbox)
    async with rest, graphql:
        calls = len(sandbox.log.entries())
        sample = await graphql.sample_order_taxes(100)
        assert len(sandbox.log.entries()) == calls + 1  # one query
        fields = ("id", "line_items", "shipping_lines", "shipping_address", "billing_address")
        by_rest = {o["id"]: o for o in await rest.sample_orders(250, fields=fields)}
    # The newest orders, as many as the cost cap lets one query ask for.
    assert [o["id"] for o in sample] == sorted(by_rest, reverse=True)[: len(sample)]
    assert len(sample) == graphql_queries.TAX_SAMPLE_PAGE
    # No demo order has more lines than the sample reads: the same taxes, places and prices.
    same = [by_rest[o["id"]] for o in sample]
    assert _taxes_seen(sample) == _taxes_seen(same)
    assert len(_taxes_seen(sample)) > 3  # several taxes, places and a shipping tax to compare
    for order in sample:
        assert _sampled(models.Order.model_validate(order)) == _sampled(
            models.Order.model_validate(by_rest[order["id"]])
        )


def _sampled(order: models.Order) -> Any:
    """What ``seen_in_orders`` reads of an order: every line's and shipping line's tax lines
    and where the order went."""
    lines = [li.tax_lines for li in order.line_items] + [
        sl.tax_lines for sl in order.shipping_lines
    ]
    places = [
        (a.country_code, a.province_code) if a else None
        for a in (order.shipping_address, order.billing_address)
    ]
    taxes = [[(t.title, t.rate, t.price, t.channel_liable) for t in tl] for tl in lines]
    return places, taxes
