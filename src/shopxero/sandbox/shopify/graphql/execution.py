"""Running a validated document against the simulator's shapes (graphql-core's executor).

Shapes are dicts keyed by field name; a callable value is called with the field's arguments.
A field missing from a shape is refused by name (``NOT_SIMULATED``): the real schema has
thousands of fields, and "null" for one the simulator never filled would be a lie.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    execute,
)

from shopxero.sandbox.shopify.graphql.context import Context

__all__ = ["resolve_field", "run"]


def resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    if not isinstance(source, dict):
        return None
    name = info.field_name
    if name not in source:
        raise GraphQLError(
            f"{info.parent_type.name}.{name} is not simulated by the shopxero Shopify sandbox",
            extensions={"code": "NOT_SIMULATED"},
        )
    value = source[name]
    return value(info, **args) if callable(value) else value


def run(
    schema: GraphQLSchema,
    document: DocumentNode,
    root: dict[str, Any],
    ctx: Context,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> ExecutionResult:
    result = execute(
        schema,
        document,
        root_value=root,
        context_value=ctx,
        variable_values=variables,
        operation_name=operation_name,
        field_resolver=resolve_field,
    )
    assert isinstance(result, ExecutionResult)  # no async resolvers: execution is synchronous
    return result
