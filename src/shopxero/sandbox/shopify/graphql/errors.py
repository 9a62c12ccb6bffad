"""Shopify's shapes for GraphQL errors (shopify-api-notes §10).

Shopify's Admin API runs on graphql-ruby, whose validation messages differ from graphql-core's.
The commonest refusals are reworded the way Shopify words them (``Field 'x' doesn't exist on type
'QueryRoot'`` with ``extensions.code`` ``undefinedField``); the rest keep graphql-core's wording
with Shopify's envelope. Every refusal is HTTP 200 with a top-level ``errors`` list.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError

__all__ = [
    "ACCESS_DOCS",
    "RATE_LIMIT_DOCS",
    "NotSimulatedError",
    "access_denied",
    "max_cost_exceeded",
    "shopify_error",
    "throttled",
]

RATE_LIMIT_DOCS = "https://shopify.dev/api/usage/rate-limits"
ACCESS_DOCS = "https://shopify.dev/api/usage/access-scopes"

Error = dict[str, Any]


class NotSimulatedError(Exception):
    """A field of the real schema that the simulator does not fill (it names the field)."""


# graphql-core wording -> (graphql-ruby wording, code, extension keys from the match groups)
_REWORDS: list[tuple[re.Pattern[str], str, str, tuple[str, ...]]] = [
    (
        re.compile(r"^Cannot query field '([^']+)' on type '([^']+)'\."),
        "Field '{0}' doesn't exist on type '{1}'",
        "undefinedField",
        ("fieldName", "typeName"),
    ),
    (
        re.compile(r"^Unknown argument '([^']+)' on field '([^'.]+)\.([^']+)'\."),
        "Field '{2}' doesn't accept argument '{0}'",
        "argumentNotAccepted",
        ("argumentName", "typeName", "name"),
    ),
    (
        re.compile(r"^Field '([^']+)' argument '([^']+)' of type '[^']+' is required"),
        "Field '{0}' is missing required arguments: {1}",
        "missingRequiredArguments",
        ("name", "arguments"),
    ),
    (
        re.compile(r"^Field '([^']+)' of type '([^']+)' must have a selection of subfields\."),
        "Field must have selections (field '{0}' returns {1} but has no selections. "
        "Did you mean '{0} {{ ... }}'?)",
        "selectionMismatch",
        ("name", "returnType"),
    ),
]


def shopify_error(error: GraphQLError) -> Error:
    """One graphql-core error as Shopify shows it: message, locations, path, extensions."""
    message = error.message
    extensions: dict[str, Any] = dict(error.extensions or {})
    for pattern, wording, code, keys in _REWORDS:
        match = pattern.match(message)
        if match:
            groups = match.groups()
            message = wording.format(*groups)
            extensions = {"code": code, **dict(zip(keys, groups, strict=False))}
            break
    out: Error = {"message": message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    if extensions:
        out["extensions"] = extensions
    return out


def throttled() -> Error:
    """The answer when the bucket cannot pay the query's requested cost."""
    return {
        "message": "Throttled",
        "extensions": {"code": "THROTTLED", "documentation": RATE_LIMIT_DOCS},
    }


def max_cost_exceeded(cost: int, limit: int) -> Error:
    return {
        "message": (
            f"Query cost is {cost}, which exceeds the single query max cost limit ({limit}).\n\n"
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on "
            "how the\ncost of a query is calculated.\n\nTo query larger amounts of data with "
            "fewer limits, bulk operations should be used instead.\nSee "
            "https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n"
        ),
        "extensions": {
            "code": "MAX_COST_EXCEEDED",
            "cost": cost,
            "maxCost": limit,
            "documentation": RATE_LIMIT_DOCS,
        },
    }


def access_denied(field: str, scope: str) -> GraphQLError:
    """Raised by a root field whose read scope the token lacks; its value becomes null."""
    required = f"`{scope}` access scope."
    return GraphQLError(
        f"Access denied for {field} field. Required access: {required}",
        extensions={
            "code": "ACCESS_DENIED",
            "documentation": ACCESS_DOCS,
            "requiredAccess": required,
        },
    )
