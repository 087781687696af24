"""The OpenAPI schema generator, with one correction to drf-spectacular's reading of fields."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
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
