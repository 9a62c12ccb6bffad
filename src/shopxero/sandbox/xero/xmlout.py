"""JSON answers turned into Xero-style XML, for requests that do not ask for JSON.

Xero answers XML unless the request sends ``Accept: application/json`` [xero-api-notes §5.1,
§12 #1]. The accounting routes speak JSON only; this module renders the same body the way
Xero's XML looks: a ``<Response>`` (or ``<ApiException>`` for errors) root, collections as a
plural element holding singular children (``<Contacts><Contact>…``), ``/Date(ms)/`` values as
ISO timestamps, booleans as ``true``/``false``, nulls left out.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET  # we only build XML, never parse input

from shopxero.xero.dates import parse_xero_date

__all__ = ["json_to_xml", "singular", "wants_json"]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

# Plural collection names whose item element is not the plural minus its "s".
_SINGULAR: dict[str, str] = {
    "Addresses": "Address",
    "Tracking": "TrackingCategory",
    "TaxComponents": "TaxComponent",
    "Elements": "DataContractBase",  # Xero's XML names validation elements this way
    "Options": "Option",
    "Phones": "Phone",
    "Statuses": "Status",
}
_MS_DATE = re.compile(r"^/Date\(-?\d+([+-]\d{4})?\)/$")
_BAD_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]")


def wants_json(accept: str | None) -> bool:
    """Only an explicit JSON media type gets JSON; ``*/*`` or nothing gets Xero's default, XML."""
    if not accept:
        return False
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media == "application/json" or (media.startswith("application/") and "+json" in media):
            return True
    return False


def singular(name: str) -> str:
    """``Contacts`` -> ``Contact``, ``Addresses`` -> ``Address``, ``HistoryRecords`` -> ..."""
    if name in _SINGULAR:
        return _SINGULAR[name]
    if name.endswith(("ches", "shes", "xes", "sses")):
        return name[:-2]
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name + "Item"


def _tag(name: str) -> str:
    tag = _BAD_NAME_CHARS.sub("_", name) or "Value"
    return tag if not tag[0].isdigit() else f"_{tag}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and _MS_DATE.match(value):
        parsed = parse_xero_date(value)
        if parsed is not None:
            text = parsed.strftime("%Y-%m-%dT%H:%M:%S")
            return text + (f".{parsed.microsecond:06d}" if parsed.microsecond else "")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _fill(parent: ET.Element, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, list):
        holder = ET.SubElement(parent, _tag(name))
        child_name = singular(name)
        for item in value:
            _fill(holder, child_name, item)
        return
    node = ET.SubElement(parent, _tag(name))
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(node, str(key), inner)
    else:
        node.text = _text(value)


def json_to_xml(body: bytes, *, status: int) -> bytes:
    """Render a JSON body as Xero-style XML; raises ``ValueError`` when it is not JSON."""
    payload = json.loads(body, parse_float=Decimal)
    root = ET.Element("Response" if status < 400 else "ApiException")
    root.set("xmlns:xsi", XSI)
    root.set("xmlns:xsd", XSD)
    if isinstance(payload, dict):
        for key, value in payload.items():
            _fill(root, str(key), value)
    elif isinstance(payload, list):
        for item in payload:
            _fill(root, "Item", item)
    else:
        root.text = _text(payload)
    rendered: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return rendered
