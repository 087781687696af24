"""A choice stored blank is documented as a possible value, read-only fields included."""

from __future__ import annotations

from typing import Any

from tests.api.schema import openapi_schema


def _values(schema: dict[str, Any], prop: dict[str, Any]) -> set[Any]:
    """Every value a property's enum (or oneOf of enums) allows."""
    parts = prop.get("oneOf", [prop])
    values: set[Any] = set()
    for part in parts:
        if "$ref" in part:
            part = schema["components"]["schemas"][part["$ref"].rsplit("/", 1)[-1]]
        values.update(part.get("enum", []))
    return values


def test_a_read_only_choice_that_may_be_blank_allows_the_empty_string() -> None:
    schema = openapi_schema()
    components = schema["components"]["schemas"]
    # A petition is not resolved yet: its result is "" (the model field has blank=True).
    result = components["PetitionDetail"]["properties"]["result"]
    assert result.get("readOnly") is True
    assert {"", "right", "wrong", "partly_right"} <= _values(schema, result)
    # A choice that may not be blank stays without it.
    assert "" not in _values(schema, components["Task"]["properties"]["priority"])
