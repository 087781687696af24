"""Diacritic-insensitive search, on SQLite and (with its trigram index) on PostgreSQL."""

import pytest
from django.db import connection

from petitions import selectors, services
from petitions.models import PetitionKind
from tests.petitions.factories import PetitionFactory


def codes(user, term):
    return {p.code for p in selectors.petitions_search(selectors.petitions_visible_to(user), term)}


def test_folded_words_match_in_any_order_and_case(tree, handler_a):
    land = PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Khiếu nại về Đất đai")
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Phản ánh ô nhiễm nguồn nước")

    assert codes(handler_a, "khieu nai dat dai") == {land.code}
    assert codes(handler_a, "ĐẤT ĐAI khiếu") == {land.code}
    assert codes(handler_a, "dat dai nuoc") == set()


def test_petitioner_names_are_searchable_except_denouncers(tree, handler_a):
    complaint = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[services.PetitionerInput(full_name="Trần Văn Lộc")],
    )
    PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[services.PetitionerInput(full_name="Trần Văn Lộc")],
    )

    assert codes(handler_a, "tran van loc") == {complaint.code}


def test_search_stays_inside_the_users_scope(tree, handler_a, handler_a2):
    PetitionFactory(actor=handler_a2, unit=tree.commune_a2, summary="Khiếu nại về đất đai")

    assert codes(handler_a, "dat dai") == set()


@pytest.mark.postgres
def test_postgres_search_uses_the_trigram_index(tree, handler_a):
    for i in range(30):
        PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary=f"Phản ánh việc số {i}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'petitions_search_trgm'")
        (indexdef,) = cursor.fetchone()
        cursor.execute("SET enable_seqscan = off")
        query = (
            selectors.petitions_search(selectors.Petition.objects.all(), "khieu nai dat dai")
            .order_by()
            .only("id")
        )
        plan = query.explain()
        cursor.execute("SET enable_seqscan = on")

    assert "gin_trgm_ops" in indexdef
    assert "petitions_search_trgm" in plan
