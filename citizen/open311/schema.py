"""
The OpenAPI description of danvan's Open311 GeoReport v2 (the JSON forms; each path also
answers .xml with the same fields). Served at /open311/v2/openapi.json; schemathesis checks the
server against it (tests/citizen/test_open311_schema.py).
"""

from __future__ import annotations

from typing import Any

_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": "string", "nullable": True}
_ERRORS = {
    "description": "The specification's error list.",
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {"code": {"type": "integer"}, "description": _TEXT},
                },
            }
        }
    },
}
_SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": _TEXT,
        "service_name": _TEXT,
        "description": _TEXT,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": _TEXT,
        "group": _TEXT,
    },
}
_REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": _TEXT,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": _TEXT,
        "service_name": _TEXT,
        "service_code": _TEXT,
        "agency_responsible": _TEXT,
        "service_notice": _TEXT,
        "requested_datetime": _TEXT,
        "updated_datetime": _NULLABLE_TEXT,
        "expected_datetime": _NULLABLE_TEXT,
        "address": _TEXT,
        "address_id": _TEXT,
        "zipcode": _TEXT,
        "lat": {"type": "number", "nullable": True},
        "long": {"type": "number", "nullable": True},
        "media_url": _TEXT,
    },
}
_TOKEN = {
    "type": "object",
    "required": ["service_request_id", "token"],
    "properties": {
        "service_request_id": _TEXT,
        "token": _TEXT,
        "service_notice": _TEXT,
        "account_id": _NULLABLE_TEXT,
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _ERRORS for code in codes}


def _query(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": _TEXT,
        "description": description,
    }


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _TEXT}


_JURISDICTION = _query("jurisdiction_id", "A commune's 5-digit code.")
_REPORT_FIELDS = [
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
]

SCHEMA: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "danvan Open311 GeoReport v2",
        "version": "2",
        "description": "Public reports (phản ánh) to communes; docs/open311.md.",
        "license": {"name": "AGPL-3.0-or-later"},
    },
    "paths": {
        "/open311/v2/services.json": {
            "get": {
                "operationId": "services",
                "parameters": [_JURISDICTION],
                "responses": {
                    "200": _json({"type": "array", "items": _SERVICE}, "The services."),
                    **_errors(400, 404, 405, 414, 429, 431),
                },
            }
        },
        "/open311/v2/services/{service_code}.json": {
            "get": {
                "operationId": "service_definition",
                "parameters": [_path("service_code"), _JURISDICTION],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["service_code", "attributes"],
                            "properties": {
                                "service_code": _TEXT,
                                "attributes": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                        "The service's definition (no attributes).",
                    ),
                    **_errors(400, 404, 405, 414, 429, 431),
                },
            }
        },
        "/open311/v2/requests.json": {
            "get": {
                "operationId": "requests",
                "parameters": [
                    _JURISDICTION,
                    _query("service_request_id", "Comma-separated codes."),
                    _query("service_code", "Comma-separated service codes."),
                    _query("start_date", "W3C date-time."),
                    _query("end_date", "W3C date-time, at most 90 days after start_date."),
                    _query("status", "open, closed or both, comma-separated."),
                ],
                "responses": {
                    "200": _json({"type": "array", "items": _REQUEST}, "Public status."),
                    **_errors(400, 404, 405, 414, 429, 431),
                },
            },
            "post": {
                "operationId": "file_request",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": [
                                    "api_key",
                                    "jurisdiction_id",
                                    "service_code",
                                    "description",
                                ],
                                "properties": {name: _TEXT for name in _REPORT_FIELDS},
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json({"type": "array", "items": _TOKEN}, "Filed."),
                    "200": _json({"type": "array", "items": _TOKEN}, "Filed before (a retry)."),
                    **_errors(400, 403, 405, 413, 414, 429, 431),
                },
            },
        },
        "/open311/v2/requests/{service_request_id}.json": {
            "get": {
                "operationId": "request",
                "parameters": [_path("service_request_id"), _JURISDICTION],
                "responses": {
                    "200": _json({"type": "array", "items": _REQUEST}, "One request."),
                    **_errors(400, 404, 405, 414, 429, 431),
                },
            }
        },
        "/open311/v2/tokens/{token}.json": {
            "get": {
                "operationId": "token",
                "parameters": [_path("token"), _JURISDICTION],
                "responses": {
                    "200": _json({"type": "array", "items": _TOKEN}, "The request's id."),
                    **_errors(400, 404, 405, 414, 429, 431),
                },
            }
        },
    },
}
