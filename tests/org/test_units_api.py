"""GET /api/v1/units/ and /api/v1/units/{id}/."""

import pytest

from tests.conftest import units
from tests.factories import UnitFactory

URL = "/api/v1/units/"


def codes(response):
    return {row["code"] for row in response.json()["results"]}


def test_anonymous_gets_401_in_the_error_shape(api, tree):
    response = api.get(URL)

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message"]
    assert body["fields"] == {}


def test_cadre_lists_own_commune_and_below(api_as, tree, cadre_a):
    response = api_as(cadre_a).get(URL)

    assert response.status_code == 200
    assert codes(response) == units(tree.commune_a1, tree.village_a1)


def test_sibling_cadre_cannot_list_or_open_commune_a(api_as, tree, cadre_b):
    client = api_as(cadre_b)

    assert tree.commune_a1.code not in codes(client.get(URL))
    response = client.get(f"{URL}{tree.commune_a1.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_supervisor_opens_a_commune_of_the_province(api_as, tree, supervisor):
    response = api_as(supervisor).get(f"{URL}{tree.commune_a1.pk}/")

    assert response.status_code == 200
    assert response.json()["name"] == "Xã Di Linh"
    assert response.json()["parent_name"] == "Lâm Đồng"


def test_filters_by_parent_level_and_code(api_as, tree, administrator):
    client = api_as(administrator)

    assert codes(client.get(URL, {"parent": tree.province_a.pk})) == units(
        tree.commune_a1, tree.commune_a2, tree.board_a
    )
    assert codes(client.get(URL, {"level": "province"})) == units(tree.province_a, tree.province_b)
    assert codes(client.get(URL, {"code": "25000"})) == units(tree.commune_a1)
    assert codes(client.get(URL, {"under": tree.commune_a1.pk})) == units(
        tree.commune_a1, tree.village_a1
    )


@pytest.mark.parametrize("term", ["lam dong", "LÂM ĐỒNG", "Lâm Đồng", "lam  DONG"])
def test_search_ignores_diacritics_and_case(api_as, tree, administrator, term):
    response = api_as(administrator).get(URL, {"search": term})

    assert codes(response) == units(tree.province_a, tree.board_a)


def test_units_come_in_tree_order_so_a_province_precedes_its_organisations(
    api_as, tree, administrator
):
    """The view orders by path; the cursor paginator must not replace it with newest-id-first."""
    client = api_as(administrator)

    listed = [row["path"] for row in client.get(URL, {"page_size": 100}).json()["results"]]
    assert listed == sorted(listed)
    found = client.get(URL, {"search": "lam dong"}).json()["results"]
    assert found[0]["code"] == tree.province_a.code


def test_tree_order_holds_across_cursor_pages(api_as, tree, administrator):
    client = api_as(administrator)
    seen, url, params = [], URL, {"page_size": 2}
    while url:
        body = client.get(url, params).json()
        seen += [row["path"] for row in body["results"]]
        url, params = body["next"], None

    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 8


def test_search_stays_inside_scope(api_as, tree, cadre_b):
    assert codes(api_as(cadre_b).get(URL, {"search": "di linh"})) == set()


def test_invalid_filter_is_400_naming_the_field(api_as, tree, administrator):
    response = api_as(administrator).get(URL, {"level": "galaxy"})

    assert response.status_code == 400
    assert "level" in response.json()["fields"]


def test_pages_are_cursor_based_and_complete(api_as, tree, administrator):
    client = api_as(administrator)
    seen, url, params = [], URL, {"page_size": 3}
    while url:
        body = client.get(url, params).json()
        seen += [row["code"] for row in body["results"]]
        url, params = body["next"], None

    assert len(seen) == len(set(seen)) == 8


def test_query_count_is_the_same_for_1_and_100_rows(api_as, tree, administrator, count_queries):
    for _n in range(120):
        UnitFactory(parent=tree.province_b)
    client = api_as(administrator)

    with count_queries() as one:
        assert len(client.get(URL, {"page_size": 1}).json()["results"]) == 1
    with count_queries() as hundred:
        assert len(client.get(URL, {"page_size": 100}).json()["results"]) == 100

    # 1: the user (token auth), 2: the user's membership paths (scope),
    # 3: the page of units joined to their parent.
    assert len(one) == len(hundred) == 3, hundred
