"""Every petitions endpoint: the sibling commune gets 404, an anonymous client 401."""

import pytest

from tests.petitions.factories import PetitionFactory

DETAIL_GETS = ["", "timeline/", "attachments/", "duplicates/", "notes/"]
DETAIL_POSTS = [
    "accept/",
    "guide/",
    "transfer/",
    "report-transfer/",
    "return-papers/",
    "file/",
    "start-resolution/",
    "resolve/",
    "close/",
    "reopen/",
    "suspend/",
    "resume/",
    "extend/",
    "assign/",
    "link/",
    "identity/",
    "attachments/",
    "notes/",
]


@pytest.fixture
def petition(tree, handler_a):
    return PetitionFactory(actor=handler_a, unit=tree.commune_a1)


@pytest.mark.parametrize("suffix", DETAIL_GETS)
def test_get_endpoints(api, api_as, cadre_a, cadre_b, supervisor, petition, suffix):
    url = f"/api/v1/petitions/{petition.pk}/{suffix}"

    assert api_as(cadre_a).get(url).status_code == 200
    assert api_as(supervisor).get(url).status_code == 200
    assert api_as(cadre_b).get(url).status_code == 404
    assert api.get(url).status_code == 401


@pytest.mark.parametrize("suffix", DETAIL_POSTS)
def test_post_endpoints_refuse_outsiders(api, api_as, cadre_b, petition, suffix):
    url = f"/api/v1/petitions/{petition.pk}/{suffix}"

    assert api_as(cadre_b).post(url, {"reason": "x"}).status_code == 404
    assert api.post(url, {"reason": "x"}).status_code == 401
    petition.refresh_from_db()
    assert petition.version == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions/",
        "/api/v1/petitions/sync/",
        "/api/v1/reception-sessions/",
        "/api/v1/petition-fields/",
    ],
)
def test_collection_endpoints(api, api_as, cadre_a, url):
    assert api_as(cadre_a).get(url).status_code == 200
    assert api.get(url).status_code == 401


def test_patch_refuses_outsiders(api, api_as, cadre_b, petition):
    url = f"/api/v1/petitions/{petition.pk}/"

    assert api_as(cadre_b).patch(url, {"summary": "x"}).status_code == 404
    assert api.patch(url, {"summary": "x"}).status_code == 401
