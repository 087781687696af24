"""GeoReport v2's two formats: the same answers as JSON or XML, and its error list."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET  # nosec B405 (we only write XML)

from django.http import HttpResponse

# The XML element names the specification gives each answer: (root, item).
XML_NAMES = {
    "services": ("services", "service"),
    "service_definition": ("service_definition", None),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
    "tokens": ("service_requests", "request"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, key: str, value: Any) -> None:
    element = ET.SubElement(parent, key)
    if isinstance(value, list):
        item_name = key[:-1] if key.endswith("s") else "item"
        for item in value:
            if isinstance(item, dict):
                child = ET.SubElement(element, item_name)
                for k, v in item.items():
                    _append(child, k, v)
            else:
                ET.SubElement(element, item_name).text = _text(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _append(element, k, v)
    else:
        element.text = _text(value)


def to_xml(kind: str, data: Any) -> bytes:
    root_name, item_name = XML_NAMES[kind]
    root = ET.Element(root_name)
    if item_name is None:
        for key, value in data.items():
            _append(root, key, value)
    else:
        for row in data:
            item = ET.SubElement(root, item_name)
            for key, value in row.items():
                _append(item, key, value)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="unicode").encode()
    )


def respond(kind: str, data: Any, fmt: str, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            to_xml(kind, data), status=status, content_type="text/xml; charset=utf-8"
        )
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def error(fmt: str, status: int, description: str, **headers: str) -> HttpResponse:
    """The specification's error list: [{"code": 400, "description": "…"}]."""
    response = respond("errors", [{"code": status, "description": description}], fmt, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error_for_path(request: Any, status: int, description: str) -> HttpResponse:
    """The error list for a request refused before any view ran (danvan.core.middleware)."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error(fmt, status, description)
