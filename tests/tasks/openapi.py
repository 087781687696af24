"""Validate real responses against the OpenAPI document the API publishes."""

from __future__ import annotations

import copy
import functools
from typing import Any

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def _document() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 `nullable` -> JSON Schema null type; refs stay pointing at components."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out or "allOf" in out or "oneOf" in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def assert_matches_schema(response: Any, method: str, path: str) -> None:
    """`path` is the template as documented, e.g. "/api/v1/tasks/{id}/"."""
    document = _document()
    operation = document["paths"][path][method.lower()]
    content = operation["responses"][str(response.status_code)]["content"]["application/json"]
    schema = copy.deepcopy(content["schema"])
    schema["components"] = copy.deepcopy(document["components"])
    jsonschema.validate(response.json(), _to_json_schema(schema))
