"""Shopify's GraphQL Admin schema (2026-10), built once per process.

The vendored introspection result (``sandbox/specs``) holds 3,546 types; decompressing, decoding
and building it takes about 2.5 s and 50 MB, so it is built on first use and kept for the life
of the process (every simulator in the process shares it: a schema is read-only). Custom
scalars get Shopify's serialisation: ``DateTime`` in UTC with ``Z``, ``UnsignedInt64`` as a
string.
"""

from __future__ import annotations

import gzip
import json
import threading
from datetime import UTC, datetime
from functools import cache
from typing import Any

from graphql import GraphQLScalarType, GraphQLSchema, build_client_schema

from shopxero.sandbox.specs import SHOPIFY_ADMIN_GRAPHQL_2026_10

__all__ = ["SCHEMA_VERSION", "admin_schema"]

SCHEMA_VERSION = "2026-10"
_LOCK = threading.Lock()


@cache
def _build() -> GraphQLSchema:
    data = json.loads(gzip.decompress(SHOPIFY_ADMIN_GRAPHQL_2026_10.read_bytes()))
    schema = build_client_schema(data["data"])
    _scalar(schema, "DateTime").serialize = _utc  # type: ignore[method-assign]
    _scalar(schema, "UnsignedInt64").serialize = _text  # type: ignore[method-assign]
    return schema


def _scalar(schema: GraphQLSchema, name: str) -> GraphQLScalarType:
    scalar = schema.get_type(name)
    assert isinstance(scalar, GraphQLScalarType)
    return scalar


def _text(value: Any) -> str:
    return str(value)


def _utc(value: Any) -> str:
    """GraphQL's DateTime is UTC with a ``Z`` (REST writes the shop's offset): Shopify's
    ``2026-09-12T11:17:00Z`` for REST's ``2026-09-12T12:17:00+01:00``."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def admin_schema() -> GraphQLSchema:
    """The Admin API schema; the first call builds it (two threads never build it twice)."""
    with _LOCK:
        return _build()
