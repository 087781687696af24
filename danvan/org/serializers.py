"""
The one way every API answer names a unit: `{id, code, name}` (component `UnitRef`), and the
one way an input names one of the person's units (`ScopedUnitField`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from danvan.org.models import Unit
from danvan.org.selectors import units_visible_to


@extend_schema_field(OpenApiTypes.INT)
class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id the requesting user may see; anything else reads as "does not exist"."""

    default_error_messages = {
        "does_not_exist": _("This unit does not exist or is outside your units."),
        "incorrect_type": _("Give the unit's numeric id."),
    }

    def get_queryset(self) -> QuerySet[Unit]:
        return units_visible_to(self.context["request"].user)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        ref_name = "UnitRef"
