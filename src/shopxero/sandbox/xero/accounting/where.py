"""Xero's ``where`` filter: a small .NET-LINQ-like expression language, parsed into a predicate.

Supported (what integrators use, xero-api-notes §5.2-§5.4): ``Field == "text"`` with
backslash escapes (``\\"``), ``!=``/``<>``, ``<``, ``<=``, ``>``, ``>=``, ``AND``/``&&``,
``OR``/``||``, ``NOT``/``!``, parentheses, ``guid("...")``, ``DateTime(2026, 11, 26)``,
numbers, ``true``/``false``/``null``, dotted paths (``Contact.ContactID``) and
``.Contains("x")``, ``.StartsWith("x")``, ``.EndsWith("x")``.

Strictness that mirrors Xero: an unknown field, a syntax error, or comparing a Guid field with a
plain string (``Contact.ContactID=="..."`` without ``guid(...)``) is a 400 QueryParseException,
as on the real API. Optimised text fields (Name, EmailAddress, AccountNumber ...) compare
case-insensitively [xero-api-notes §5.2]; other text compares exactly.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from shopxero.sandbox.xero.accounting.problems import BadRequest

__all__ = ["Field", "FieldKind", "Predicate", "parse_where"]

FieldKind = Literal["text", "itext", "guid", "number", "date", "bool"]
Predicate = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Field:
    """A filterable field: how to read it from a record and what type Xero gives it."""

    getter: Callable[[Mapping[str, Any]], Any]
    kind: FieldKind


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|<>|>=|<=|&&|\|\||[=<>!(),.])
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)

_TYPE_NAMES = {
    "text": "String",
    "itext": "String",
    "guid": "Guid",
    "number": "Decimal",
    "date": "DateTime",
    "bool": "Boolean",
}


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


@dataclass(frozen=True)
class _Literal:
    kind: FieldKind | Literal["null"]
    value: Any


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise BadRequest.query_parse(f"Syntax error at position {pos} in where clause")
        kind = match.lastgroup or ""
        tokens.append(_Tok(kind, match.group(kind)))
        pos = match.end()
    return tokens


def _unescape(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


class _Parser:
    def __init__(self, text: str, fields: Mapping[str, Field], type_name: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.fields = {name.lower(): (name, f) for name, f in fields.items()}
        self.type_name = type_name

    # -- token helpers -------------------------------------------------------------------------
    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise BadRequest.query_parse("Syntax error: unexpected end of where clause")
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise BadRequest.query_parse(f"Syntax error: '{text}' expected, found '{tok.text}'")

    def at_word(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text.upper() in words and tok.kind in ("name", "op")

    # -- grammar -------------------------------------------------------------------------------
    def parse(self) -> Predicate:
        predicate = self.or_expr()
        if self.peek() is not None:
            raise BadRequest.query_parse(f"Syntax error: unexpected '{self.take().text}'")
        return predicate

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while self.at_word("OR", "||"):
            self.take()
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda record: any(part(record) for part in parts)

    def and_expr(self) -> Predicate:
        parts = [self.unary()]
        while self.at_word("AND", "&&"):
            self.take()
            parts.append(self.unary())
        if len(parts) == 1:
            return parts[0]
        return lambda record: all(part(record) for part in parts)

    def unary(self) -> Predicate:
        if self.at_word("NOT", "!"):
            self.take()
            inner = self.unary()
            return lambda record: not inner(record)
        tok = self.peek()
        if tok is not None and tok.text == "(":
            self.take()
            inner = self.or_expr()
            self.expect(")")
            return inner
        return self.comparison()

    def field_path(self) -> tuple[str, Field]:
        tok = self.take()
        if tok.kind != "name":
            raise BadRequest.query_parse(f"Syntax error: field name expected, found '{tok.text}'")
        path = tok.text
        while True:
            dot = self.peek()
            after = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
            nxt = self.tokens[self.pos + 2] if self.pos + 2 < len(self.tokens) else None
            if dot is None or dot.text != "." or after is None or after.kind != "name":
                break
            if nxt is not None and nxt.text == "(":  # a method call, not a deeper path
                break
            self.pos += 2
            path = f"{path}.{after.text}"
        found = self.fields.get(path.lower())
        if found is None:
            raise BadRequest.query_parse(
                f"No property or field '{path}' exists in type '{self.type_name}'"
            )
        return found

    def comparison(self) -> Predicate:
        name, field = self.field_path()
        tok = self.peek()
        if tok is not None and tok.text == ".":
            return self.method(name, field)
        if (
            tok is None
            or tok.kind != "op"
            or tok.text not in ("==", "=", "!=", "<>", "<", "<=", ">", ">=")
        ):
            # A bare boolean field: ``IsCustomer``.
            if field.kind == "bool":
                return lambda record: bool(field.getter(record))
            raise BadRequest.query_parse(f"Syntax error: operator expected after '{name}'")
        op = self.take().text
        literal = self.literal()
        return _compare(name, field, op, literal)

    def method(self, name: str, field: Field) -> Predicate:
        self.expect(".")
        method = self.take().text
        self.expect("(")
        literal = self.literal()
        self.expect(")")
        if field.kind not in ("text", "itext") or literal.kind not in ("text", "itext"):
            raise BadRequest.query_parse(
                f"No applicable method '{method}' exists in type '{_TYPE_NAMES[field.kind]}'"
            )
        needle = str(literal.value)
        fold = field.kind == "itext"
        functions: dict[str, Callable[[str, str], bool]] = {
            "contains": lambda hay, n: n in hay,
            "startswith": lambda hay, n: hay.startswith(n),
            "endswith": lambda hay, n: hay.endswith(n),
        }
        function = functions.get(method.lower())
        if function is None:
            raise BadRequest.query_parse(f"No applicable method '{method}' exists in type 'String'")

        def predicate(record: Mapping[str, Any]) -> bool:
            value = field.getter(record)
            if value is None:
                return False
            hay = str(value)
            return function(hay.casefold(), needle.casefold()) if fold else function(hay, needle)

        return predicate

    def literal(self) -> _Literal:
        tok = self.take()
        if tok.kind == "string":
            return _Literal("text", _unescape(tok.text))
        if tok.kind == "number":
            return _Literal("number", Decimal(tok.text))
        if tok.kind == "name":
            word = tok.text.lower()
            if word in ("true", "false"):
                return _Literal("bool", word == "true")
            if word == "null":
                return _Literal("null", None)
            if word == "guid":
                self.expect("(")
                inner = self.take()
                self.expect(")")
                if inner.kind != "string":
                    raise BadRequest.query_parse("Syntax error: guid() takes a quoted string")
                try:
                    return _Literal("guid", str(uuid.UUID(_unescape(inner.text))))
                except ValueError as exc:
                    raise BadRequest.query_parse(
                        "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-"
                        "xxxxxxxxxxxx)."
                    ) from exc
            if word == "datetime":
                return _Literal("date", self.datetime_args())
        raise BadRequest.query_parse(f"Syntax error: value expected, found '{tok.text}'")

    def datetime_args(self) -> datetime:
        self.expect("(")
        numbers: list[int] = []
        while True:
            tok = self.take()
            if tok.kind != "number":
                raise BadRequest.query_parse("Syntax error: DateTime() takes numbers")
            numbers.append(int(tok.text))
            sep = self.take()
            if sep.text == ")":
                break
            if sep.text != ",":
                raise BadRequest.query_parse("Syntax error: ',' or ')' expected in DateTime()")
        if not 3 <= len(numbers) <= 6:
            raise BadRequest.query_parse(f"Invalid DateTime{tuple(numbers)}")
        parts = numbers + [0] * (6 - len(numbers))
        try:
            return datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], tzinfo=UTC)
        except ValueError as exc:
            raise BadRequest.query_parse(f"Invalid DateTime{tuple(numbers)}") from exc


def _as_comparable(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "itext":
        return str(value).casefold()
    if kind == "guid":
        return str(value).lower()
    if kind == "date":
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if kind == "number":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return value


def _compare(name: str, field: Field, op: str, literal: _Literal) -> Predicate:
    compatible = (
        literal.kind == "null"
        or literal.kind == field.kind
        or {literal.kind, field.kind} <= {"text", "itext"}
    )
    if not compatible:
        left = _TYPE_NAMES[field.kind]
        right = _TYPE_NAMES[literal.kind] if literal.kind != "null" else "Object"
        raise BadRequest.query_parse(
            f"Operator '{op}' incompatible with operand types '{left}' and '{right}'"
        )
    ordering = op in ("<", "<=", ">", ">=")
    if ordering and (literal.kind == "null" or field.kind in ("text", "itext", "guid", "bool")):
        raise BadRequest.query_parse(
            f"Operator '{op}' incompatible with operand types '{_TYPE_NAMES[field.kind]}' and "
            f"'{_TYPE_NAMES[field.kind]}'"
        )
    wanted = _as_comparable(literal.value, field.kind)

    def predicate(record: Mapping[str, Any]) -> bool:
        value = _as_comparable(field.getter(record), field.kind)
        if op in ("==", "="):
            return bool(value == wanted)
        if op in ("!=", "<>"):
            return bool(value != wanted)
        if value is None:
            return False
        if op == "<":
            return bool(value < wanted)
        if op == "<=":
            return bool(value <= wanted)
        if op == ">":
            return bool(value > wanted)
        return bool(value >= wanted)

    return predicate


def parse_where(text: str, fields: Mapping[str, Field], type_name: str) -> Predicate:
    """Parse an (already percent-decoded) ``where`` into a predicate over records."""
    return _Parser(text, fields, type_name).parse()
