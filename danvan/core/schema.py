"""The OpenAPI schema generator, with one correction to drf-spectacular's reading of fields."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


def _model_allows_blank(field: serializers.ChoiceField) -> bool:
    """The model field behind a serializer field has blank=True ("" is a stored value)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = field.source or ""
    if model is None or not source or "." in source or source == "*":
        return False
    try:
        return bool(model._meta.get_field(source).blank)
    except FieldDoesNotExist:
        return False


class DanvanAutoSchema(AutoSchema):
    """
    DRF drops `allow_blank` from read-only model fields, so a choice field stored blank (a
    petition's result before it is resolved) was documented as never "": responses that send
    "" then broke the schema. Such a field is documented with "" among its values.
    """

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        if (
            isinstance(field, serializers.ChoiceField)
            and not isinstance(field, serializers.MultipleChoiceField)
            and field.read_only
            and not field.allow_blank
            and _model_allows_blank(field)
        ):
            field = copy.copy(field)
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        # A blank-allowed pattern field is documented as oneOf [pattern, empty]: its default
        # "" belongs to the whole field, not to the pattern's branch (where it contradicts the
        # pattern and openapi-spec-validator refuses the schema).
        for branch in schema.get("oneOf", []):
            if "default" in branch and "pattern" in branch:
                schema.setdefault("default", branch.pop("default"))


# --- Error responses on every operation ------------------------------------------------------
ERROR_COMPONENT = {
    "type": "object",
    "description": "The one error shape of the API (danvan.core.errors).",
    "properties": {
        "code": {"type": "string", "description": "A stable machine code, e.g. `invalid`."},
        "message": {"type": "string", "description": "A sentence in the request's language."},
        "fields": {
            "type": "object",
            "description": "For invalid input: the messages per field (nested for nested "
            "input, a list of strings per field otherwise); empty for other errors.",
            "additionalProperties": {},
        },
    },
    "required": ["code", "message", "fields"],
}
ERROR_DESCRIPTIONS = {
    "400": _("Invalid input (a body field, a query parameter or a header); `fields` names it."),
    "401": _("Not signed in, or the token is invalid, expired or revoked."),
    "403": _("Signed in, but not allowed to do this."),
    "404": _("No such record, or outside your units."),
    "409": _(
        "The record's state refuses this; `code` says why: invalid_transition, "
        "extension_not_allowed, client_id_taken, already_exists or has_children."
    ),
    "412": _("If-Match names another version: reload the record and retry."),
    "415": _("The body is not of a supported media type."),
    "422": _("This Idempotency-Key was already used with a different body."),
    "429": _("Too many requests: wait the seconds in Retry-After."),
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _names_a_unit(operation: dict[str, Any], components: dict[str, Any]) -> bool:
    """
    The operation takes a unit id (`?unit=`, a body's `unit`): a unit outside the person's
    units answers 404, exactly as a missing one (no existence leak), like an id in the path.
    """
    if any(p.get("name") == "unit" for p in operation.get("parameters", [])):
        return True
    for media in operation.get("requestBody", {}).get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        body = components.get(ref.rsplit("/", 1)[-1], {}) if ref else media.get("schema", {})
        if "unit" in body.get("properties", {}):
            return True
    return False


def _error_statuses(
    path: str, method: str, operation: dict[str, Any], components: dict[str, Any]
) -> list[str]:
    """The error statuses this operation can answer, from what it takes."""
    parameters = operation.get("parameters", [])
    has_path_id = any(p.get("in") == "path" for p in parameters)
    has_body = "requestBody" in operation
    public = {} in (operation.get("security") or [{}])
    statuses = ["401"]
    if has_body or parameters:
        statuses.append("400")
    if not public:
        statuses.append("403")
    if has_path_id or _names_a_unit(operation, components):
        statuses.append("404")
    if method in WRITE_METHODS and not public:
        statuses.append("409")
    if method in WRITE_METHODS and has_path_id:
        statuses.append("412")
    if has_body:
        statuses.append("415")
    if any(p.get("name") == "Idempotency-Key" for p in parameters):
        statuses.append("422")
    if method == "post":
        statuses.append("429")  # every POST counts against a throttle (danvan.core.throttling)
    return sorted(statuses)


def declare_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """
    drf-spectacular postprocessing hook: one `Error` component, and on every operation the
    error statuses it can answer, each with that body (429 with its Retry-After header).
    Responses an operation already documents keep their description; their body becomes
    `Error` when they had none.
    """
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "put", "patch", "post", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_statuses(path, method, operation, components["schemas"]):
                responses.setdefault(code, {"description": str(ERROR_DESCRIPTIONS[code])})
            for code, response in responses.items():
                if not str(code).startswith(("4", "5")):
                    continue
                if not response.get("description"):
                    response["description"] = str(ERROR_DESCRIPTIONS.get(code, ""))
                if not response.get("content"):
                    response["content"] = copy.deepcopy(reference)
                if code == "429":
                    headers = response.setdefault("headers", {})
                    headers["Retry-After"] = {
                        "description": str(_("Seconds to wait before trying again.")),
                        "schema": {"type": "integer", "minimum": 0},
                    }
    return result


# --- Stable enum names, typed parameters, ETag headers -----------------------------------------
# Query parameters whose choices are not a model's choice set: their own component names.
PARAMETER_ENUMS = {"period": "ReportPeriodKind", "file": "ReportFileFormat"}
# Enum components that share their values with a more general one are not parameter targets.
NOT_PARAMETER_TARGETS = {"BlankEnum", "NullEnum"}


def _drop_titles(node: Any) -> None:
    """
    drf-spectacular copies a filter's (Vietnamese) label into `title`; generators name classes
    after it (`PetitionsListTrẠNgThÁI`). Labels stay in `description`; titles go. A property
    that happens to be called "title" is a dict, not a string, and stays.
    """
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            del node["title"]
        for value in node.values():
            _drop_titles(value)
    elif isinstance(node, list):
        for value in node:
            _drop_titles(value)


# Enum components drf-spectacular names after a serializer field (no model choice set).
GENERATED_ENUMS = {
    "SourceEnum": "HolidaySource",
    # Another field named `source` (indicator reports) makes drf-spectacular qualify the name.
    "CalendarDaySourceEnum": "HolidaySource",
    "OutcomeEnum": "MovementReviewOutcome",
    "IssueToPetitionKindEnum": "DialogueIssuePetitionKind",
}


def _rename_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == old:
            node["$ref"] = new
        for value in node.values():
            _rename_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, old, new)


def _merge_generated_enums(result: dict[str, Any], schemas: dict[str, Any]) -> None:
    """
    An enum component still named after a field (`...Enum`, not in ENUM_NAME_OVERRIDES) is
    folded into the named component of the same values, or renamed (GENERATED_ENUMS).
    """
    named = {
        frozenset(schema["enum"]): name
        for name, schema in schemas.items()
        if "enum" in schema and not name.endswith("Enum")
    }
    for name in [n for n in schemas if n.endswith("Enum") and n not in NOT_PARAMETER_TARGETS]:
        schema = schemas[name]
        if "enum" not in schema:
            continue
        target = named.get(frozenset(schema["enum"])) or GENERATED_ENUMS.get(name)
        if target is None:
            continue
        schemas.setdefault(target, schemas[name])
        del schemas[name]
        _rename_refs(result, f"#/components/schemas/{name}", f"#/components/schemas/{target}")


def stable_enums(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """
    drf-spectacular postprocessing hook (after its own enum hook): a query parameter with
    choices refers to the enum component of the same values (`PetitionStatus`), or to a
    component of its own with a stable ASCII name, instead of an inline enum that generators
    name after the operation and the label.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _merge_generated_enums(result, schemas)
    by_values: dict[frozenset[Any], str] = {}
    for name, schema in sorted(schemas.items()):
        if "enum" in schema and name not in NOT_PARAMETER_TARGETS:
            by_values.setdefault(frozenset(schema["enum"]), name)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                holder = parameter.get("schema", {})
                if holder.get("type") == "array":
                    holder = holder.get("items", {})
                if "enum" not in holder:
                    continue
                values = frozenset(holder["enum"])
                name = by_values.get(values)
                if name is None and parameter.get("name") in PARAMETER_ENUMS:
                    name = PARAMETER_ENUMS[parameter["name"]]
                    schemas.setdefault(name, {"type": "string", "enum": sorted(values)})
                    by_values[values] = name
                if name is None:
                    continue
                holder.clear()
                holder["$ref"] = f"#/components/schemas/{name}"
    _drop_titles(result.get("paths", {}))
    _drop_titles(schemas)
    return result


def typed_parameters(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """
    A filter on a related record (`?unit=`, `?assignee=`, `?parent=`) takes the record's id:
    an integer. drf-spectacular leaves such filters untyped (a queryset built per request) or
    types them as a number (a float); every one of them is an id.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema")
                if parameter.get("in") in ("query", "path") and (
                    schema == {} or (schema or {}).get("type") == "number"
                ):
                    parameter["schema"] = {"type": "integer"}
                if parameter.get("in") == "query" and parameter.get("name") == "page_size":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 100}
    return result


ETAG_DESCRIPTION = _(
    "The record's version as an entity tag: send it back in If-Match to change it."
)


def _versioned_component(response: dict[str, Any], schemas: dict[str, Any]) -> bool:
    """The response's body is one versioned record (a component with a `version`)."""
    for media in response.get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref and "version" in schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}):
            return True
    return False


def declare_etag_headers(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """
    drf-spectacular postprocessing hook: a success response carrying one versioned record (a
    detail, a write returning the record) declares the `ETag` header it is sent with.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "put", "patch", "post"):
                continue
            for code, response in operation.get("responses", {}).items():
                if str(code) in ("200", "201") and _versioned_component(response, schemas):
                    response.setdefault("headers", {})["ETag"] = {
                        "description": str(ETAG_DESCRIPTION),
                        "schema": {"type": "string"},
                    }
    return result


def required_bodies(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """
    drf-spectacular postprocessing hook: every declared request body is required (send `{}`
    when no field is). drf-spectacular leaves a body of optional fields optional, and a
    generated client then cannot import the operation (openapi-python-client: `Unset`).
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["requestBody"]["required"] = True
    return result
