"""
The schema is a contract for errors too: it validates, one `Error` component describes what
danvan.core.errors answers, and every operation declares the error statuses it can give.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.api.schema import openapi_schema, operations

ERROR_REF = "#/components/schemas/Error"


def _operation(method: str, path: str) -> dict[str, Any]:
    return openapi_schema()["paths"][path][method.lower()]


def test_the_schema_validates() -> None:
    validate(openapi_schema())


@pytest.mark.parametrize(("method", "path"), operations())
def test_every_operation_declares_its_errors_with_the_error_body(method: str, path: str) -> None:
    operation = _operation(method, path)
    responses = operation["responses"]
    expected = {"401"}
    if operation.get("parameters") or "requestBody" in operation:
        expected.add("400")
    if "{" in path:
        expected.add("404")
    if "requestBody" in operation:
        expected.add("415")
    if method == "POST":
        expected.add("429")
    if method in ("POST", "PATCH", "PUT", "DELETE") and "{id}" in path:
        expected.add("412")
    missing = expected - set(responses)
    assert not missing, f"{method} {path} does not declare {sorted(missing)}"
    for code, response in responses.items():
        if code >= "400":
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, (code, schema)
    if "429" in responses:
        assert "Retry-After" in responses["429"]["headers"]


def _error_schema() -> dict[str, Any]:
    return openapi_schema()["components"]["schemas"]["Error"]


def test_a_validation_error_matches_the_error_component(api_as, cadre_a) -> None:
    response = api_as(cadre_a).post(
        "/api/v1/petitions/", {"petitioners": [{"full_name": 5}]}, format="json"
    )

    assert response.status_code == 400
    jsonschema.validate(response.json(), _error_schema())
    assert response.json()["fields"]


def test_a_not_found_matches_the_error_component(api_as, cadre_a) -> None:
    response = api_as(cadre_a).get("/api/v1/tasks/2000000000/")

    assert response.status_code == 404
    jsonschema.validate(response.json(), _error_schema())


def test_the_error_component_refuses_another_shape() -> None:
    """Control: the component is strict enough that DRF's default `{"detail": ...}` fails."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"detail": "Not found."}, _error_schema())
