"""Scoping: a person sees their units and everything below, never a sibling's."""

import pytest

from danvan.org import selectors
from danvan.org.models import Role
from tests.conftest import units
from tests.factories import UserFactory


def test_commune_cadre_sees_own_commune_and_villages_only(tree, cadre_a):
    visible = set(selectors.units_visible_to(cadre_a).values_list("code", flat=True))

    assert visible == units(tree.commune_a1, tree.village_a1)


def test_sibling_commune_cadre_does_not_see_commune_a(tree, cadre_b):
    visible = set(selectors.units_visible_to(cadre_b).values_list("code", flat=True))

    assert visible == units(tree.commune_a2)
    assert tree.commune_a1.code not in visible


def test_province_supervisor_sees_whole_province_but_not_other_province(tree, supervisor):
    visible = set(selectors.units_visible_to(supervisor).values_list("code", flat=True))

    assert visible == units(
        tree.province_a, tree.commune_a1, tree.commune_a2, tree.village_a1, tree.board_a
    )


def test_central_administrator_sees_everything(tree, administrator):
    assert selectors.units_visible_to(administrator).count() == 8


def test_anonymous_and_memberless_users_see_nothing(tree, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.units_visible_to(AnonymousUser()).exists()
    assert not selectors.units_visible_to(UserFactory()).exists()


def test_person_in_two_units_sees_both_subtrees(tree):
    user = UserFactory(
        memberships=[(tree.commune_a1, Role.COMMUNE_CADRE), (tree.commune_b1, Role.COMMUNE_CADRE)]
    )

    visible = set(selectors.units_visible_to(user).values_list("code", flat=True))

    assert visible == units(tree.commune_a1, tree.village_a1, tree.commune_b1)


def test_inactive_user_sees_nothing(tree, cadre_a):
    cadre_a.is_active = False
    cadre_a.save()

    assert not selectors.units_visible_to(cadre_a).exists()


def test_unit_get_for_hides_sibling_as_not_found(tree, cadre_b):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.unit_get_for(cadre_b, tree.commune_a1.pk)
    with pytest.raises(Http404):
        selectors.unit_get_for(cadre_b, "not-a-number")


def test_subtree_under_province_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = {u.code for u in selectors.subtree(tree.province_a)}

    assert codes == units(
        tree.province_a, tree.commune_a1, tree.commune_a2, tree.village_a1, tree.board_a
    )


def test_users_visible_to_supervisor_are_people_of_the_province(tree, supervisor, cadre_a, cadre_b):
    outsider = UserFactory(memberships=[(tree.commune_b1, Role.COMMUNE_CADRE)])

    visible = set(selectors.users_visible_to(supervisor))

    assert {supervisor, cadre_a, cadre_b} <= visible
    assert outsider not in visible


# --- The scope as unit ids (for big tables: filters on the unit columns' indexes) ----------
def test_scope_unit_ids_are_the_units_of_the_subtrees(tree, cadre_a, supervisor):
    ids = selectors.scope_unit_ids(cadre_a)
    assert isinstance(ids, list)
    assert sorted(ids) == sorted([tree.commune_a1.pk, tree.village_a1.pk])
    assert set(selectors.scope_unit_ids(supervisor)) == {
        u.pk
        for u in (tree.province_a, tree.commune_a1, tree.commune_a2, tree.village_a1, tree.board_a)
    }


def test_scope_unit_ids_keep_inactive_units_below_like_scope_q(tree, supervisor):
    # scope_q tests the row's unit path, whatever the unit's state: the ids must agree.
    tree.village_a1.is_active = False
    tree.village_a1.save()
    ids = selectors.scope_unit_ids(supervisor)
    assert isinstance(ids, list)
    assert tree.village_a1.pk in ids


def test_scope_unit_ids_for_superuser_memberless_and_anonymous(tree, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    root = UserFactory(is_superuser=True)
    assert selectors.scope_unit_ids(root) is None
    assert selectors.scope_ids_q(root, "unit") == selectors.Q()
    assert selectors.scope_unit_ids(UserFactory()) == []
    assert selectors.scope_unit_ids(AnonymousUser()) == []


def test_a_scope_past_the_limit_is_a_subquery_with_the_same_units(
    tree, administrator, monkeypatch, django_assert_num_queries
):
    everything = set(selectors.scope_unit_ids(administrator))
    assert len(everything) == 8
    monkeypatch.setattr(selectors, "SCOPE_IDS_LIMIT", 3)
    selectors.forget_scope(administrator)
    subquery = selectors.scope_unit_ids(administrator)
    assert not isinstance(subquery, list)
    assert {row["pk"] for row in subquery} == everything
    with django_assert_num_queries(0):  # the marker is cached, the subquery is not run here
        again = selectors.scope_unit_ids(administrator)
    assert not isinstance(again, list)


def test_scope_unit_ids_is_one_query(tree, supervisor, django_assert_num_queries):
    selectors.scope_paths(supervisor)  # memberships: read once per request, cached
    with django_assert_num_queries(1):
        selectors.scope_unit_ids(supervisor)


def test_scope_unit_ids_are_read_once_per_request_and_forgotten_with_the_scope(
    tree, supervisor, django_assert_num_queries
):
    first = selectors.scope_unit_ids(supervisor)
    with django_assert_num_queries(0):
        assert selectors.scope_unit_ids(supervisor) == first
    assert isinstance(first, list)
    first.clear()  # a caller changing its copy does not change the cache
    assert selectors.scope_unit_ids(supervisor)

    selectors.forget_scope(supervisor)
    with django_assert_num_queries(2):  # memberships, then the ids again
        assert set(selectors.scope_unit_ids(supervisor)) == set(
            selectors.scope_unit_ids(supervisor)
        )
