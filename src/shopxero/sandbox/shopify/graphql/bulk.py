"""Bulk operations (shopify-api-notes §3, §10): ``bulkOperationRunQuery`` runs a query over whole
connections and leaves its answer as a JSONL file, one object a line, the nodes of a nested
connection after their parent with ``__parentId``.

The simulator runs the query when it is submitted (a snapshot of the store at that moment) and
lets the operation's status follow the sandbox clock: ``CREATED``, then ``RUNNING`` while
``objects / objects_per_second`` seconds pass, then ``COMPLETED`` with ``url`` (served by the
simulator itself, no Shopify token needed), ``EXPIRED`` seven days later. Limits checked before
running: a query operation, at least one connection, at most five, nested at most two deep, no
top-level ``node``/``nodes``, no connection inside a list field, a parent of a nested
connection selecting ``id``; one running query
per app before API 2026-01, five from 2026-01. A test can make the next operation fail or run
slowly (``fail_next``, ``slow_next``). ``groupObjects: true`` puts each node's nested lines
right after it; without it (Shopify's default from 2026-01) the file is ungrouped: here, every
top-level line first, then the nested ones, each still after its parent.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    parse,
    validate,
)

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.shopify.graphql.connections import connection
from shopxero.sandbox.shopify.graphql.context import Context, Record, gid, parse_gid
from shopxero.sandbox.shopify.graphql.errors import shopify_error
from shopxero.sandbox.shopify.graphql.execution import run

__all__ = ["DOWNLOAD_PREFIX", "BulkOperations"]

DOWNLOAD_PREFIX = "/bulk-operation-results/"
RESULTS_KEPT_SECONDS = 7 * 24 * 3600
MAX_CONNECTIONS = 5
MAX_DEPTH = 2
CONCURRENT_FROM_2026_01 = 5
_TERMINAL = {"COMPLETED", "FAILED", "CANCELED", "EXPIRED"}


class _Invalid(Exception):
    """The bulk query breaks a rule; the message is the userError's."""


@dataclass
class _Fault:
    error_code: str | None = None  # the next operation FAILS with this code
    extra_seconds: float = 0.0  # ... or runs this much longer


@dataclass
class _Operation:
    number: int
    app: str
    query: str
    created: float
    extra_seconds: float
    token: str
    error_code: str | None = None
    canceled: float | None = None
    seconds: float = 1.0  # known once the run has finished
    lines: bytes = b""
    objects: int = 0
    roots: int = 0
    grouped: bool = False  # groupObjects: each node's nested lines right after it
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def gid(self) -> str:
        return gid("BulkOperation", self.number)

    def status(self, now: float) -> str:
        if self.canceled is not None:
            return "CANCELED" if now >= self.canceled else "CANCELING"
        if now < self.created + min(0.5, self.seconds / 2):
            return "CREATED"
        if not self.finished.is_set() or now < self.created + self.seconds:
            return "RUNNING"
        if self.error_code:
            return "FAILED"
        if now >= self.created + self.seconds + RESULTS_KEPT_SECONDS:
            return "EXPIRED"
        return "COMPLETED"


class BulkOperations:
    """Every bulk operation of one shop, by app."""

    def __init__(
        self,
        schema_source: Any,
        clock: SandboxClock,
        query_root: Any,
        *,
        objects_per_second: float = 1000.0,
    ) -> None:
        self._schema_source = schema_source
        self.clock = clock
        self.query_root: Any = query_root
        self.objects_per_second = objects_per_second
        self._lock = threading.Lock()
        self._ops: dict[int, _Operation] = {}
        self._faults: list[_Fault] = []
        self._next = 1

    # -- faults a test can inject -----------------------------------------------------------------

    def fail_next(self, error_code: str = "INTERNAL_SERVER_ERROR") -> None:
        """The next operation ends ``FAILED`` with this ``errorCode`` (and no ``url``)."""
        with self._lock:
            self._faults.append(_Fault(error_code=error_code))

    def slow_next(self, seconds: float) -> None:
        """The next operation stays ``RUNNING`` this many sandbox seconds longer."""
        with self._lock:
            self._faults.append(_Fault(extra_seconds=seconds))

    def reset(self) -> None:
        with self._lock:
            self._ops.clear()
            self._faults.clear()

    # -- the mutation ------------------------------------------------------------------------------

    def run_query(self, ctx: Context, query: str, group_objects: bool) -> Record:
        schema: GraphQLSchema = self._schema_source()
        try:
            document = parse(query)
        except GraphQLError as exc:
            return _user_error(f"Invalid bulk query: {exc.message}")
        errors = validate(schema, document)
        if errors:
            return _user_error(f"Invalid bulk query: {shopify_error(errors[0])['message']}")
        try:
            _check_shape(schema, document)
        except _Invalid as exc:
            return _user_error(str(exc))
        limit = 1 if str(ctx.extras.get("version", "")) < "2026-01" else CONCURRENT_FROM_2026_01
        now = self.clock.time()
        with self._lock:
            running = [
                op
                for op in self._ops.values()
                if op.app == ctx.grant.app and op.status(now) not in _TERMINAL
            ]
        if len(running) >= limit:
            return _user_error(
                "A bulk query operation for this app and shop is already in progress: "
                f"{running[0].gid}.",
                code="OPERATION_IN_PROGRESS",
            )
        # A trial run over the first record of each list finds fields the simulator does not
        # fill while the client can still be told (as a userError); the whole run happens in a
        # thread, so a big shop's answer does not hold up the simulator's other requests.
        trial = self._context(ctx, sample=True)
        tried = run(schema, document, self.query_root, trial, None, None)
        codes = [(e.extensions or {}).get("code") for e in tried.errors or []]
        if tried.errors and codes[0] != "ACCESS_DENIED":
            return _user_error(f"Invalid bulk query: {tried.errors[0].message}")
        with self._lock:
            fault = self._faults.pop(0) if self._faults else _Fault()
            op = _Operation(
                number=self._next,
                app=ctx.grant.app,
                query=query,
                created=now,
                extra_seconds=fault.extra_seconds,
                token=secrets.token_urlsafe(24),
                error_code="ACCESS_DENIED" if tried.errors else fault.error_code,
                grouped=group_objects,
            )
            self._next += 1
            self._ops[op.number] = op
        worker = threading.Thread(
            target=self._execute,
            args=(op, schema, document, self._context(ctx, sample=False)),
            name=f"bulk-operation-{op.number}",
            daemon=True,
        )
        worker.start()
        return {"bulkOperation": self._shape(op, ctx), "userErrors": []}

    def _context(self, ctx: Context, *, sample: bool) -> Context:
        extras = {**ctx.extras, "sample": sample}
        return Context(ctx.store, ctx.grant, ctx.visible_order, ctx.zone, bulk=True, extras=extras)

    def _execute(self, op: _Operation, schema: GraphQLSchema, document: Any, ctx: Context) -> None:
        try:
            if op.error_code is None:
                result = run(schema, document, self.query_root, ctx, None, None)
                if result.errors:
                    op.error_code = "INTERNAL_SERVER_ERROR"
                else:
                    lines, op.roots = _jsonl(result.data or {}, grouped=op.grouped)
                    op.lines = b"".join(line + b"\n" for line in lines)
                    op.objects = len(lines)
        except Exception:  # a simulator bug must not leave the operation RUNNING for ever
            op.error_code = "INTERNAL_SERVER_ERROR"
            raise
        finally:
            op.seconds = max(1.0, op.objects / self.objects_per_second) + op.extra_seconds
            op.finished.set()

    def wait(self, timeout: float = 120.0) -> None:
        """Wait (real time) until every submitted operation has been run (tests use this)."""
        with self._lock:
            ops = list(self._ops.values())
        for op in ops:
            op.finished.wait(timeout)

    def cancel(self, ctx: Context, value: str) -> Record:
        op = self._own(ctx, value)
        if op is None:
            return {
                "bulkOperation": None,
                "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}],
            }
        now = self.clock.time()
        status = op.status(now)
        if status in _TERMINAL:
            return {
                "bulkOperation": self._shape(op, ctx),
                "userErrors": [
                    {
                        "field": None,
                        "message": "A bulk operation cannot be canceled when it is "
                        + status.lower(),
                    }
                ],
            }
        op.canceled = now + 0.5
        return {"bulkOperation": self._shape(op, ctx), "userErrors": []}

    # -- reads ----------------------------------------------------------------------------------

    def node(self, ctx: Context, value: str) -> Record | None:
        op = self._own(ctx, value)
        return self._shape(op, ctx) if op else None

    def current(self, ctx: Context, kind: str) -> Record | None:
        if kind != "QUERY":
            return None
        with self._lock:
            mine = [op for op in self._ops.values() if op.app == ctx.grant.app]
        return self._shape(mine[-1], ctx) if mine else None

    def listing(self, ctx: Context, args: dict[str, Any]) -> Record:
        with self._lock:
            mine = [op for op in self._ops.values() if op.app == ctx.grant.app]
        now = self.clock.time()
        wanted = _status_filter(args.get("query"))
        if wanted:
            mine = [op for op in mine if op.status(now) in wanted]
        reverse = bool(args.get("reverse"))
        mine.sort(key=lambda op: (op.created, op.number), reverse=reverse)
        keyed = [((op.created, op.number), self._shape(op, ctx)) for op in mine]
        return connection(keyed, args, descending=reverse, bulk=False)

    def download(self, token: str) -> bytes | None:
        """The JSONL of a completed operation by its URL's token (None: unknown, not ready,
        failed or expired)."""
        now = self.clock.time()
        with self._lock:
            op = next((o for o in self._ops.values() if o.token == token), None)
        if op is None or op.status(now) != "COMPLETED":
            return None
        return op.lines

    # -- helpers -------------------------------------------------------------------------------

    def _own(self, ctx: Context, value: str) -> _Operation | None:
        _, number = parse_gid(value, "BulkOperation")
        with self._lock:
            op = self._ops.get(number)
        return op if op is not None and op.app == ctx.grant.app else None

    def _shape(self, op: _Operation, ctx: Context) -> Record:
        now = self.clock.time()
        status = op.status(now)
        done = status in ("COMPLETED", "EXPIRED")
        progress = {"RUNNING": max(0.0, (now - op.created) / op.seconds)}.get(
            status, 1.0 if status in _TERMINAL else 0.0
        )
        finished_at = op.created + op.seconds
        base = str(ctx.extras.get("base_url", ""))
        return {
            "__typename": "BulkOperation",
            "id": op.gid,
            "type": "QUERY",
            "status": status,
            "errorCode": op.error_code if status == "FAILED" else None,
            "createdAt": _iso(op.created),
            "completedAt": _iso(finished_at) if done else None,
            "objectCount": str(int(op.objects * min(progress, 1.0))) if not op.error_code else "0",
            "rootObjectCount": str(op.roots if done else int(op.roots * min(progress, 1.0))),
            "fileSize": str(len(op.lines)) if status == "COMPLETED" else None,
            "url": f"{base}{DOWNLOAD_PREFIX}{op.token}.jsonl" if status == "COMPLETED" else None,
            "partialDataUrl": None,
            "query": op.query,
        }


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _user_error(message: str, code: str = "INVALID") -> Record:
    return {
        "bulkOperation": None,
        "userErrors": [{"field": ["query"], "message": message, "code": code}],
    }


def _status_filter(query: Any) -> set[str]:
    if not isinstance(query, str):
        return set()
    return {
        part.split(":", 1)[1].upper()
        for part in query.split()
        if part.lower().startswith("status:")
    }


# -- the query's shape ---------------------------------------------------------------------------


def _check_shape(schema: GraphQLSchema, document: Any) -> None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        raise _Invalid("Invalid bulk query: a bulk query must be a single query operation")
    roots = _fields(operations[0].selection_set, fragments)
    if any(f.name.value in ("node", "nodes") for f in roots):
        raise _Invalid("Bulk queries cannot contain a top level `node` or `nodes` field.")
    assert schema.query_type is not None
    found = _connections(roots, schema.query_type, fragments, depth=0)
    if not found:
        raise _Invalid("Bulk queries must contain at least one connection.")
    if len(found) > MAX_CONNECTIONS:
        raise _Invalid(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections.")
    if max(depth for depth, _ in found) > MAX_DEPTH:
        raise _Invalid(
            "Bulk queries cannot contain connections with a nesting depth greater than "
            f"{MAX_DEPTH}."
        )


def _fields(
    selection: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    out: list[FieldNode] = []
    for node in selection.selections:
        if isinstance(node, FieldNode):
            out.append(node)
        elif isinstance(node, InlineFragmentNode):
            out += _fields(node.selection_set, fragments)
        else:
            out += _fields(fragments[node.name.value].selection_set, fragments)  # type: ignore[attr-defined]
    return out


def _connections(
    fields: list[FieldNode],
    parent: GraphQLNamedType,
    fragments: dict[str, FragmentDefinitionNode],
    depth: int,
) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in fields:
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None or node.selection_set is None:
            continue
        named = get_named_type(definition.type)
        children = _fields(node.selection_set, fragments)
        if named.name.endswith("Connection") and "edges" in getattr(named, "fields", {}):
            found.append((depth + 1, node.name.value))
            node_type = get_named_type(named.fields["nodes"].type)
            for wrapper in children:
                inner = _node_selection(wrapper, fragments)
                if inner is None:
                    continue
                nested = _connections(inner, node_type, fragments, depth + 1)
                if nested and not any(f.name.value == "id" and f.alias is None for f in inner):
                    raise _Invalid(
                        "The parent 'node' field for a nested connection must select the 'id' "
                        "field without an alias and must be of 'Node' type. Connection field: "
                        f"'{nested[0][1]}'"
                    )
                found += nested
        else:
            below = _connections(children, named, fragments, depth)
            if below and is_list_type(get_nullable_type(definition.type)):
                raise _Invalid(
                    "Queries that contain a connection field within a list field are not "
                    "currently supported."
                )
            found += below
    return found


def _node_selection(
    wrapper: FieldNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode] | None:
    if wrapper.selection_set is None:
        return None
    if wrapper.name.value == "nodes":
        return _fields(wrapper.selection_set, fragments)
    if wrapper.name.value == "edges":
        for inner in _fields(wrapper.selection_set, fragments):
            if inner.name.value == "node" and inner.selection_set is not None:
                return _fields(inner.selection_set, fragments)
    return None


# -- the JSONL -----------------------------------------------------------------------------------


def _is_connection(value: Any) -> bool:
    return isinstance(value, dict) and (
        isinstance(value.get("edges"), list) or isinstance(value.get("nodes"), list)
    )


def _connection_nodes(value: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(value.get("edges"), list):
        return [e["node"] for e in value["edges"] if isinstance(e, dict) and e.get("node")]
    return [n for n in value.get("nodes") or [] if isinstance(n, dict)]


def _jsonl(data: dict[str, Any], *, grouped: bool) -> tuple[list[bytes], int]:
    leveled: list[tuple[int, bytes]] = []  # (nesting depth, line) in grouped order
    roots = 0

    def emit(value: dict[str, Any], parent: str | None, depth: int = 0) -> int:
        count = 0
        for node in _connection_nodes(value):
            line = {k: v for k, v in node.items() if not _is_connection(v)}
            if parent is not None:
                line["__parentId"] = parent
            leveled.append((depth, json.dumps(line, separators=(",", ":")).encode()))
            count += 1
            for child in node.values():
                if _is_connection(child):
                    emit(child, str(node.get("id")), depth + 1)
        return count

    for value in data.values():
        if _is_connection(value):
            roots += emit(value, None)
        elif isinstance(value, dict):
            for child in value.values():
                if _is_connection(child):
                    roots += emit(child, str(value.get("id")))
    if not grouped:
        leveled.sort(key=lambda pair: pair[0])  # stable: each depth keeps its order
    return [line for _, line in leveled], roots
