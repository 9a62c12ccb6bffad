"""OpenAPI conformance for the Accounting simulator: validate answers against xero_accounting.yaml.

The spec (``src/shopxero/sandbox/specs/xero_accounting.yaml``, vendored) is parsed once per
session. For each answer we find the operation (method + path template), take the JSON schema
the spec declares for that status, and validate the body with the OpenAPI 3.0 schema validator
(``openapi-schema-validator``, which openapi-core itself uses), including ``format: uuid``.
Validating the response schema directly, rather than through openapi-core's request/response
wrappers, keeps one check per answer cheap on the 25,000-line spec.

Where the spec is silent or wrong about real behaviour:
- 404: Xero answers a plain text page; the spec declares no 404, so only the content type is
  checked (``text/html``).
- summarizeErrors=false echoes refused elements as sent: a too-long value there is not checked
  against maxLength, nor a property the spec requires but the refused element lacked, nor a value
  outside the spec's enum (see ``_echoed_invalid_input``).
- A GET answered 400 (a ``where`` Xero cannot parse, QueryParseException): the spec declares no
  400 on most GETs; the body is checked against its ``Error`` schema.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import httpx
import jsonschema
import yaml
from openapi_schema_validator import OAS30Validator
from tests.vendored import XERO_ACCOUNTING

__all__ = ["SPEC_PATH", "check_response", "validate_answer"]

SPEC_PATH = XERO_ACCOUNTING
API_PREFIX = "/api.xro/2.0"


@cache
def _spec() -> dict[str, Any]:
    # The C loader parses the 900 kB spec in a fraction of the pure-Python loader's time.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=loader)
    return loaded


@cache
def _templates() -> list[tuple[re.Pattern[str], str, int]]:
    compiled = []
    for template in _spec()["paths"]:
        pattern = re.sub(
            r"\{[^}]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
        )
        compiled.append((re.compile(f"^{pattern}$", re.IGNORECASE), template, template.count("{")))
    return compiled


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    matches = [
        (params, template)
        for regex, template, params in _templates()
        if regex.match(path) and method.lower() in _spec()["paths"][template]
    ]
    if not matches:
        raise AssertionError(f"no operation in the spec for {method} {path}")
    _params, template = min(matches)  # literal segments beat parameters
    return template, _spec()["paths"][template][method.lower()]


@cache
def _validator(schema_json: str) -> OAS30Validator:
    import json

    schema = json.loads(schema_json)
    full = {**schema, "components": _spec()["components"]}
    return OAS30Validator(full, format_checker=jsonschema.FormatChecker(formats=("uuid",)))


def validate_answer(method: str, path: str, status: int, content_type: str, body: Any) -> None:
    """Raise AssertionError if the answer does not fit the spec's operation and status."""
    import json

    if status == 404:
        assert content_type.startswith("text/html"), content_type
        return
    if status == 204:
        return
    template, operation = _operation(method, path)
    declared = operation.get("responses", {})
    response = declared.get(str(status))
    if response is None and status == 400:
        response = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        }
    if response is None:
        raise AssertionError(f"{method} {template}: status {status} is not in the spec")
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = _spec()["components"]["responses"][name]
    content = response.get("content", {}).get("application/json")
    if content is None:
        return
    assert content_type.startswith("application/json"), content_type
    errors = sorted(
        _validator(json.dumps(content["schema"], sort_keys=True)).iter_errors(body),
        key=lambda e: list(e.absolute_path),
    )
    errors = [e for e in errors if not _echoed_invalid_input(body, e)]
    if errors:
        details = "\n".join(f"  at {list(e.absolute_path)}: {e.message[:300]}" for e in errors[:10])
        raise AssertionError(f"{method} {template} {status} does not match the spec:\n{details}")


def _echoed_invalid_input(body: Any, error: jsonschema.ValidationError) -> bool:
    """A refused element is echoed back as sent (summarizeErrors=false), so a too-long value the
    sandbox rejected, a required property the element lacked (a bank transaction without its
    Type) or a value outside an enum (Type "PAY") shows up in a 200 answer. The spec's maxLength,
    required and enum describe saved records, not these echoes; that is the one place its schema
    and Xero's behaviour part."""
    path = list(error.absolute_path)
    if error.validator not in ("maxLength", "required", "enum") or len(path) < 2:
        return False
    if not isinstance(body, dict):
        return False
    collection = body.get(path[0])
    if not isinstance(collection, list) or not isinstance(path[1], int):
        return False
    element = collection[path[1]]
    return isinstance(element, dict) and element.get("StatusAttributeString") == "ERROR"


async def check_response(response: httpx.Response) -> None:
    """httpx response hook: every answer a test provokes is checked against the spec."""
    await response.aread()
    path = response.request.url.path
    if not path.startswith(API_PREFIX):
        return
    body = (
        response.json()
        if response.headers.get("content-type", "").startswith("application/json")
        else response.text
    )
    validate_answer(
        response.request.method,
        path[len(API_PREFIX) :],
        response.status_code,
        response.headers.get("content-type", ""),
        body,
    )
