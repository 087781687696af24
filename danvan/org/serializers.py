"""The one way every API answer names a unit: `{id, code, name}` (component `UnitRef`)."""

from __future__ import annotations

from rest_framework import serializers


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        ref_name = "UnitRef"
