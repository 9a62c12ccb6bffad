"""Calculated query cost and the leaky bucket that pays for it (shopify-api-notes §3, §10).

Requested cost is found before running the query, from the query alone: a scalar or enum field
costs 0, an object 1 plus its fields, a connection 2 plus ``first``/``last`` times the cost of one
node, an interface or union the dearest of its fragments, and a mutation 10. Actual cost walks the
answer instead: a connection costs 2 plus what its returned nodes cost, a null object nothing.
The requested cost is taken from the bucket up front and the difference refunded after the run.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInt,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    value_from_ast,
)

from shopxero.sandbox.clock import SandboxClock

__all__ = ["MAX_QUERY_COST", "MUTATION_COST", "CostBuckets", "QueryCost", "Throttle"]

MAX_QUERY_COST = 1000  # a single query may cost at most this (shopify-api-notes §3)
MUTATION_COST = 10
_WRAPPERS = ("edges", "node", "nodes")


@dataclass(frozen=True)
class Throttle:
    """``extensions.cost.throttleStatus``: the bucket as it stands after the request."""

    maximum: float
    available: float
    restore_rate: float

    def as_json(self) -> dict[str, Any]:
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": math.floor(self.available),
            "restoreRate": float(self.restore_rate),
        }


class QueryCost:
    """The cost of one operation of a parsed, validated document."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.variables = variables or {}

    def _root(self) -> GraphQLObjectType:
        root = (
            self.schema.mutation_type
            if self.operation.operation == OperationType.MUTATION
            else self.schema.query_type
        )
        assert root is not None
        return root

    def requested(self) -> int:
        if self.operation.operation == OperationType.MUTATION:
            fields = [
                s
                for s in self.operation.selection_set.selections
                if isinstance(s, FieldNode) and not s.name.value.startswith("__")
            ]
            return MUTATION_COST * len(fields)
        return self._selection(self.operation.selection_set, self._root(), None)

    def actual(self, data: Any) -> int:
        if self.operation.operation == OperationType.MUTATION:
            return self.requested()
        if not isinstance(data, dict):
            return 0
        return self._selection(self.operation.selection_set, self._root(), data)

    # -- the walk: data None means "requested" (sizes from arguments), else the answer's --------

    def _selection(self, selection: SelectionSetNode, parent: GraphQLNamedType, data: Any) -> int:
        direct = 0
        by_type: dict[str, int] = {}
        for node in selection.selections:
            if isinstance(node, FieldNode):
                direct += self._field(node, parent, data)
                continue
            if isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                assert isinstance(node, InlineFragmentNode)
                condition, inner = node.type_condition, node.selection_set
            target = self.schema.get_type(condition.name.value) if condition else parent
            assert target is not None
            by_type[target.name] = by_type.get(target.name, 0) + self._selection(
                inner, target, data
            )
        if is_abstract_type(parent):
            return direct + max(by_type.values(), default=0)
        return direct + sum(by_type.values())

    def _field(self, node: FieldNode, parent: GraphQLNamedType, data: Any) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None)
        if name.startswith("__") or not fields or name not in fields:
            return 0
        named = get_named_type(fields[name].type)
        if is_leaf_type(named) or node.selection_set is None:
            return 0
        value: Any = None
        if data is not None:
            value = data.get(node.alias.value if node.alias else name)
            if value is None:
                return 0
        if _is_connection(named):
            return self._connection(node, named, value)
        if isinstance(value, list):
            costs = [self._selection(node.selection_set, named, item) for item in value]
            return 1 + max(costs, default=0)
        return 1 + self._selection(node.selection_set, named, value)

    def _connection(self, node: FieldNode, connection: GraphQLNamedType, value: Any) -> int:
        nodes_field = getattr(connection, "fields", {})["nodes"]
        node_type: GraphQLNamedType = get_named_type(nodes_field.type)
        per_node: list[tuple[SelectionSetNode, str]] = []
        assert node.selection_set is not None
        for sub in node.selection_set.selections:
            if not isinstance(sub, FieldNode) or sub.selection_set is None:
                continue
            if sub.name.value == "nodes":
                per_node.append((sub.selection_set, "nodes"))
            elif sub.name.value == "edges":
                for inner in sub.selection_set.selections:
                    if (
                        isinstance(inner, FieldNode)
                        and inner.name.value == "node"
                        and inner.selection_set
                    ):
                        per_node.append((inner.selection_set, "edges"))
        if value is None:
            size = self._size(node)
            one = max((1 + self._selection(s, node_type, None) for s, _ in per_node), default=0)
            return 2 + size * one
        total = 0
        for selection, via in per_node:
            items = (
                value.get("nodes")
                if via == "nodes"
                else [
                    edge.get("node") for edge in value.get("edges") or [] if isinstance(edge, dict)
                ]
            )
            cost = sum(
                (1 + self._selection(selection, node_type, item))
                for item in items or []
                if isinstance(item, dict)
            )
            total = max(total, cost)
        return 2 + total

    def _size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                size = value_from_ast(argument.value, GraphQLInt, self.variables)
                if isinstance(size, int):
                    return max(size, 0)
        return 0


def _is_connection(named: GraphQLNamedType) -> bool:
    fields = getattr(named, "fields", None)
    return bool(
        named.name.endswith("Connection") and fields and "edges" in fields and "nodes" in fields
    )


class CostBuckets:
    """One bucket of points per app, refilled at ``restore_rate`` a second of sandbox time."""

    def __init__(self, clock: SandboxClock, *, maximum: float, restore_rate: float) -> None:
        if maximum < 1 or restore_rate <= 0:
            raise ValueError("the GraphQL bucket needs a size >= 1 and a positive restore rate")
        self.clock = clock
        self.maximum = float(maximum)
        self.restore_rate = float(restore_rate)
        self._lock = threading.Lock()
        self._levels: dict[str, tuple[float, float]] = {}  # app -> (available, at)

    def _available(self, key: str, now: float) -> float:
        available, at = self._levels.get(key, (self.maximum, now))
        return min(self.maximum, available + max(0.0, now - at) * self.restore_rate)

    def take(self, key: str, cost: int) -> tuple[bool, Throttle]:
        """Charge ``cost`` if the bucket holds it; else charge nothing (THROTTLED)."""
        with self._lock:
            now = self.clock.time()
            available = self._available(key, now)
            admitted = cost <= available + 1e-9
            if admitted:
                available -= cost
            self._levels[key] = (available, now)
            return admitted, Throttle(self.maximum, available, self.restore_rate)

    def refund(self, key: str, points: int) -> Throttle:
        with self._lock:
            now = self.clock.time()
            available = min(self.maximum, self._available(key, now) + max(points, 0))
            self._levels[key] = (available, now)
            return Throttle(self.maximum, available, self.restore_rate)

    def status(self, key: str) -> Throttle:
        with self._lock:
            return Throttle(
                self.maximum, self._available(key, self.clock.time()), self.restore_rate
            )

    def reset(self) -> None:
        with self._lock:
            self._levels.clear()
