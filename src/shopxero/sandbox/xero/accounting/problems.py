"""The Accounting API's failure answers: validation, no data, query parse errors and 404.

Bodies follow xero-api-notes §7: ``ValidationException`` (ErrorNumber 10) lists the failed
elements with their ``ValidationErrors``; ``NoDataProcessedException`` (17) answers an empty or
malformed body; ``QueryParseException`` (16) a ``where`` Xero cannot parse; 404 is a plain
text page, not JSON.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import PlainTextResponse, Response

from shopxero.sandbox.xero.accounting.serialize import JsonResponse

__all__ = [
    "NOT_FOUND_TEXT",
    "BadRequest",
    "ElementInvalid",
    "NotFound",
    "not_found_response",
    "validation_response",
]

NOT_FOUND_TEXT = "The resource you're looking for cannot be found"


class ElementInvalid(Exception):
    """One element of a request failed validation; ``messages`` are Xero's texts."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class NotFound(Exception):
    """The id or number in the path names no record."""


class BadRequest(Exception):
    """A whole-request 400 with Xero's error body (not element-level validation)."""

    def __init__(self, error_number: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.body: dict[str, Any] = {"ErrorNumber": error_number, "Type": kind, "Message": message}

    @classmethod
    def no_data(cls) -> BadRequest:
        # xero-api-notes §7 (I-php48): the answer to a body that holds no elements.
        return cls(
            17,
            "NoDataProcessedException",
            "No data has been processed for this endpoint. This endpoint is expecting "
            "data to be specified in the request body.",
        )

    @classmethod
    def too_many(cls, key: str, limit: int) -> BadRequest:
        # xero-api-notes §4 gives the limit, not Xero's wording: a whole-request refusal,
        # nothing saved.
        return cls(
            10,
            "ValidationException",
            f"A validation exception occurred: no more than {limit} {key} can be created or "
            "updated in one request",
        )

    @classmethod
    def query_parse(cls, message: str) -> BadRequest:
        return cls(16, "QueryParseException", message)

    @classmethod
    def validation(cls, message: str) -> BadRequest:
        return cls(10, "ValidationException", message)

    def response(self) -> Response:
        return JsonResponse(self.body, status_code=400)


def validation_response(elements: list[dict[str, Any]]) -> Response:
    """400 ValidationException listing the failed elements [xero-api-notes §7]."""
    return JsonResponse(
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": elements,
        },
        status_code=400,
    )


def not_found_response() -> Response:
    # Xero answers an unknown id with a plain page, not a JSON error [xero-api-notes §7 404].
    return PlainTextResponse(NOT_FOUND_TEXT, status_code=404, media_type="text/html")
