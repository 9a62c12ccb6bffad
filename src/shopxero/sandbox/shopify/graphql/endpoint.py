"""``POST /admin/api/{version}/graphql.json``: the order every GraphQL request goes through.

Version (404 for an unknown one, as REST), access token (401), then the body: parsed, validated
against Shopify's 2026-10 schema, costed (``MAX_COST_EXCEEDED`` over 1,000 points), paid for from
the app's bucket (``THROTTLED`` when it cannot pay), run, and the unused points refunded.
Refusals of the query itself are HTTP 200 with ``errors``, as Shopify answers them; every answer
that ran carries ``extensions.cost`` (shopify-api-notes §10). The bulk operations' JSONL files are
served at ``/bulk-operation-results/{token}.jsonl`` with no token, like Shopify's signed URLs.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    get_operation_ast,
    parse,
    validate,
)
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.shopify.auth import Grant, TokenRegistry, has_scope
from shopxero.sandbox.shopify.filters import record_time
from shopxero.sandbox.shopify.graphql.bulk import DOWNLOAD_PREFIX, BulkOperations
from shopxero.sandbox.shopify.graphql.context import Context, Record
from shopxero.sandbox.shopify.graphql.cost import MAX_QUERY_COST, CostBuckets, QueryCost
from shopxero.sandbox.shopify.graphql.errors import max_cost_exceeded, shopify_error, throttled
from shopxero.sandbox.shopify.graphql.execution import run
from shopxero.sandbox.shopify.graphql.root import mutation_root, query_root
from shopxero.sandbox.shopify.graphql.schema import admin_schema
from shopxero.sandbox.shopify.oauth import json_response
from shopxero.sandbox.shopify.resources import (
    INVALID_TOKEN,
    NOT_FOUND,
    ORDER_WINDOW,
    resolve_version,
)
from shopxero.sandbox.shopify.store import ShopStore

__all__ = ["GraphQLEndpoint"]

BAD_BODY = {"errors": {"query": "Required parameter missing or invalid"}}


class GraphQLEndpoint:
    """The GraphQL route, its cost buckets and bulk operations, over one shop's store."""

    def __init__(
        self,
        store: ShopStore,
        tokens: TokenRegistry,
        clock: SandboxClock,
        *,
        bucket_size: float,
        restore_rate: float,
        bulk_objects_per_second: float = 1000.0,
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.clock = clock
        self.costs = CostBuckets(clock, maximum=bucket_size, restore_rate=restore_rate)
        self.bulk = BulkOperations(
            admin_schema, clock, None, objects_per_second=bulk_objects_per_second
        )
        self.query_root = query_root(self.bulk)
        self.bulk.query_root = self.query_root
        self.mutation_root = mutation_root(self.bulk)

    def routes(self) -> list[Route]:
        return [
            Route("/admin/api/{version}/graphql.json", self.endpoint, methods=["POST"]),
            Route(DOWNLOAD_PREFIX + "{token}.jsonl", self.download, methods=["GET"]),
        ]

    def reset(self) -> None:
        self.costs.reset()
        self.bulk.reset()

    async def download(self, request: Request) -> Response:
        body = self.bulk.download(request.path_params["token"])
        if body is None:
            return Response(
                "NoSuchKey: the specified key does not exist.",
                status_code=404,
                media_type="text/plain",
            )
        return Response(body, media_type="application/jsonl")

    async def endpoint(self, request: Request) -> Response:
        headers = {"X-Request-Id": str(uuid.uuid4())}
        version = resolve_version(request.path_params["version"])
        if version is None:
            return json_response(404, {"errors": NOT_FOUND}, headers)
        headers["X-Shopify-API-Version"] = version
        grant = self.tokens.authenticate(request.headers.get("x-shopify-access-token"))
        if grant is None:
            return json_response(401, {"errors": INVALID_TOKEN}, headers)
        parsed = await _read_body(request)
        if parsed is None:
            return json_response(400, BAD_BODY, headers)
        query, variables, operation_name = parsed
        # In a worker thread: a large answer (or a bulk operation's trial run) must not stop
        # the simulator's event loop from serving other requests meanwhile.
        body = await run_in_threadpool(
            self.answer,
            grant,
            version,
            query,
            variables,
            operation_name,
            f"{request.url.scheme}://{request.url.netloc}",
        )
        return json_response(200, body, headers)

    def answer(
        self,
        grant: Grant,
        version: str,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        base_url: str,
    ) -> Record:
        """One GraphQL request's JSON answer (the HTTP layer is ``endpoint``)."""
        schema = admin_schema()
        try:
            document = parse(query)
        except GraphQLError as exc:
            return {"errors": [shopify_error(exc)]}
        errors = validate(schema, document)
        if errors:
            return {"errors": [shopify_error(e) for e in errors]}
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return {
                "errors": [
                    {
                        "message": "An operation name is required"
                        if operation_name is None
                        else f'No operation named "{operation_name}"'
                    }
                ]
            }
        cost = QueryCost(schema, operation, _fragments(document), variables)
        requested = cost.requested()
        if requested > MAX_QUERY_COST:
            return {"errors": [max_cost_exceeded(requested, MAX_QUERY_COST)]}
        admitted, throttle = self.costs.take(grant.app, requested)
        if not admitted:
            return {
                "errors": [throttled()],
                "extensions": {
                    "cost": {
                        "requestedQueryCost": requested,
                        "actualQueryCost": None,
                        "throttleStatus": throttle.as_json(),
                    }
                },
            }
        ctx = Context(
            self.store,
            grant,
            self._order_window(grant),
            self.store.shop_zone(),
            extras={"bulk": self.bulk, "version": version, "base_url": base_url},
        )
        root = self.mutation_root if operation.operation.value == "mutation" else self.query_root
        result = run(schema, document, root, ctx, variables, operation_name)
        actual = min(requested, cost.actual(result.data))
        throttle = self.costs.refund(grant.app, requested - actual)
        body: Record = {}
        if result.errors:
            body["errors"] = [shopify_error(e) for e in result.errors]
        body["data"] = result.data
        extensions: Record = {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": throttle.as_json(),
            }
        }
        if ctx.search_warnings:
            extensions["search"] = ctx.search_warnings
        body["extensions"] = extensions
        return body

    def _order_window(self, grant: Grant) -> Any:
        if has_scope(grant, "read_all_orders"):
            return lambda order: True
        oldest = self.clock.now() - ORDER_WINDOW

        def visible(order: Record) -> bool:
            created = record_time(order, "created_at")
            return created is None or created >= oldest

        return visible


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


async def _read_body(request: Request) -> tuple[str, dict[str, Any] | None, str | None] | None:
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/graphql"):
        return raw.decode("utf-8", "replace"), None, None
    try:
        payload = json.loads(raw or b"null")
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return None
    name = payload.get("operationName")
    return payload["query"], variables, name if isinstance(name, str) else None
