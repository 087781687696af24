"""Diacritic-insensitive search, on SQLite and (with its trigram index) on PostgreSQL."""

import pytest
from django.db import connection

from danvan.core.text import tsquery_text
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


def test_a_word_typed_in_part_and_a_code_are_found(tree, handler_a):
    land = PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Khiếu nại về Đất đai")
    other = PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Phản ánh ô nhiễm")

    assert codes(handler_a, "khieu na") == {land.code}
    assert codes(handler_a, land.code) == {land.code}
    assert codes(handler_a, land.code.lower()) == {land.code}
    assert codes(handler_a, other.code) == {other.code}


def test_a_search_inside_a_subquery_keeps_its_own_table(tree, handler_a):
    """The full-text condition names its table by alias: as a subquery it must not read the
    outer query's row."""
    land = PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Khiếu nại về Đất đai")
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Phản ánh ô nhiễm")
    inner = selectors.petitions_search(selectors.petitions_visible_to(handler_a), "dat dai")

    outer = selectors.Petition.objects.filter(pk__in=inner.values("pk"))

    assert {p.code for p in outer} == {land.code}


def test_the_query_side_splits_words_as_the_column_does():
    assert tsquery_text("Khiếu nại  Đất") == "khieu:* & nai:* & dat:*"
    assert tsquery_text("DT-2026-000123") == "dt <-> 2026 <-> 000123:*"
    assert tsquery_text("123/QĐ-UBND") == "123 <-> qd <-> ubnd:*"
    assert tsquery_text("' & !") == ""


@pytest.mark.postgres
def test_postgres_search_uses_the_full_text_index(tree, handler_a):
    for i in range(30):
        PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary=f"Phản ánh việc số {i}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'petitions_search_fts'")
        (indexdef,) = cursor.fetchone()
        cursor.execute("SET enable_seqscan = off")
        query = (
            selectors.petitions_search(selectors.Petition.objects.all(), "khieu nai dat dai")
            .order_by()
            .only("id")
        )
        plan = query.explain()
        cursor.execute("SET enable_seqscan = on")

    assert "gin (search_vector)" in indexdef
    assert "petitions_search_fts" in plan


@pytest.mark.postgres
def test_the_search_column_follows_the_text(tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Phản ánh ô nhiễm")
    assert codes(handler_a, "o nhiem") == {petition.code}

    # The services rebuild search_text; the database keeps the vector in step with it.
    selectors.Petition.objects.filter(pk=petition.pk).update(
        search_text=f"{petition.code.lower()} kien nghi ve duong giao thong"
    )

    assert codes(handler_a, "o nhiem") == set()
    assert codes(handler_a, "duong giao") == {petition.code}


@pytest.mark.postgres
def test_a_search_of_common_words_walks_the_date_order_with_the_same_rows(
    tree, handler_a, monkeypatch
):
    """Only common words: the test is written so the GIN index does not serve it (the
    date-ordered walk meets matches soon); a rare word keeps the index. Same rows."""
    land = PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Khiếu nại về Đất đai")
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Phản ánh ô nhiễm")
    visible = selectors.petitions_visible_to(handler_a)
    monkeypatch.setattr(selectors, "_word_shares", lambda: {"dat": 0.3, "dai": 0.2})

    common = selectors.petitions_search(visible, "dat dai")
    rare = selectors.petitions_search(visible, "khieu dat")

    assert "ts_match_vq" in str(common.query) and "@@" not in str(common.query)
    assert "@@" in str(rare.query)
    assert {p.code for p in common} == {p.code for p in rare} == {land.code}
