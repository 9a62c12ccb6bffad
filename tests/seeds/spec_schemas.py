"""Validate seed records against the schemas of Xero's OpenAPI spec (openapi-schema-validator).

The spec is the vendored copy in ``src/shopxero/sandbox/specs`` (source and licence in its README).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from tests.vendored import XERO_ACCOUNTING

SPEC = XERO_ACCOUNTING
_URI = "urn:xero-accounting"


@cache
def _spec() -> dict[str, Any]:
    with SPEC.open(encoding="utf-8") as handle:
        # The C loader parses the 1 MB spec several times faster than the pure-Python one.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        spec: dict[str, Any] = yaml.load(handle, Loader=loader)
    return spec


@cache
def _validator(schema_name: str) -> OAS30Validator:
    spec = _spec()
    registry: Registry[Any] = Registry().with_resource(
        _URI, Resource.from_contents(spec, default_specification=DRAFT4)
    )
    schema = {"$ref": f"{_URI}#/components/schemas/{schema_name}"}
    return OAS30Validator(schema, registry=registry)


def schema_errors(schema_name: str, record: dict[str, Any]) -> list[str]:
    """Every violation of ``components/schemas/<schema_name>`` by ``record``, as text."""
    return [
        f"{'/'.join(str(p) for p in err.absolute_path)}: {err.message}"
        for err in _validator(schema_name).iter_errors(record)
    ]
