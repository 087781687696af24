"""A list row is written out directly (speed); it must equal DRF's generic walk exactly."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from rest_framework import serializers

from petitions import selectors, services
from petitions.models import PetitionField, PetitionKind
from petitions.serializers import PetitionListSerializer
from tests.petitions.factories import PetitionFactory


def _generic(row: Any, context: dict[str, Any]) -> dict[str, Any]:
    serializer = PetitionListSerializer(context=context)
    return dict(serializers.ModelSerializer.to_representation(serializer, row))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_list_row_equals_the_generic_serializer(tree, handler_a, language) -> None:
    area = PetitionField.objects.create(code="DD", name="Đất đai")
    first = PetitionFactory(actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.COMPLAINT)
    PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.DENUNCIATION, field=area
    )
    PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.FEEDBACK, is_anonymous=True
    )
    PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.RECOMMENDATION,
        petitioners=[
            services.PetitionerInput(full_name="Trần Thị Hoa"),
            services.PetitionerInput(full_name="Lê Văn An"),
        ],
    )
    selectors.Petition.objects.filter(pk=first.pk).update(assignee=handler_a)
    rows = list(selectors.petition_list(handler_a).order_by("id"))
    assert len(rows) == 4

    with translation.override(language):
        fast = PetitionListSerializer(rows, many=True, context={}).data
        generic = [_generic(row, {}) for row in rows]

    assert [dict(row) for row in fast] == generic
    assert [list(row) for row in fast] == [list(row) for row in generic]  # same key order
    assert any(row["field"] for row in fast) and any(row["identity_hidden"] for row in fast)
    assert fast[0]["assignee_name"]
