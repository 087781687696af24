"""
The pages' writes share the API's per-user allowance (scope "create"): past it, a signed-in
person's POST gets a 429 page in Vietnamese with Retry-After and nothing is saved; reads,
other people and the API's own limit are unaffected.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.test import Client, override_settings
from django.utils import timezone

from petitions.models import Petition
from seeds.petitions import seed_petition_reference


def _intake(tree: Any, n: int = 0) -> dict[str, Any]:
    # A different citizen and matter each time: the same one again would be shown as a
    # possible duplicate before saving.
    matters = ["sửa đường liên thôn", "nạo vét kênh mương", "lắp đèn chiếu sáng"]
    names = ["Nguyễn Văn Nam", "Trần Thị Hoa", "Lê Văn Bình"]
    return {
        "client_id": str(uuid.uuid4()),
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "reception",
        "kind": "recommendation",
        "summary": f"Kiến nghị {matters[n % 3]}",
        "full_name": names[n % 3],
        "head_count": 1,
    }


@override_settings(CREATE_THROTTLE_RATE="2/min")
def test_the_third_intake_within_the_minute_is_a_429_and_saves_nothing(
    tree: Any, cadre_a: Any, cadre_b: Any
) -> None:
    seed_petition_reference()
    client = Client()
    client.force_login(cadre_a)

    first = [client.post("/petitions/new/", _intake(tree, n)).status_code for n in range(2)]
    third = client.post("/petitions/new/", _intake(tree, 2))

    assert first == [302, 302]
    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    page = third.content.decode()
    assert "<h1>Quá nhiều yêu cầu</h1>" in page
    assert "Quá nhiều yêu cầu. Hãy thử lại sau" in page
    assert Petition.objects.count() == 2
    # Reading is not held back, and the allowance is per person.
    assert client.get("/petitions/").status_code == 200
    other = Client()
    other.force_login(cadre_b)
    assert other.post("/i18n/setlang/", {"language": "vi"}).status_code == 302


@override_settings(CREATE_THROTTLE_RATE="2/min")
def test_pages_and_api_draw_on_one_allowance(tree: Any, cadre_a: Any, api_as: Any) -> None:
    seed_petition_reference()
    client = Client()
    client.force_login(cadre_a)
    api = api_as(cadre_a)

    page = client.post("/petitions/new/", _intake(tree))
    from_api = api.post("/api/v1/reception-sessions/", {}, format="json")
    again = client.post("/petitions/new/", _intake(tree))

    assert page.status_code == 302
    assert from_api.status_code == 400  # counted (an empty body), not throttled
    assert again.status_code == 429


@override_settings(CREATE_THROTTLE_RATE="1/min")
def test_signing_in_is_left_to_its_own_limit(db: Any) -> None:
    """Anonymous POSTs (the admin's sign-in form) are not counted here: axes guards them."""
    client = Client()
    codes = [
        client.post("/admin/login/", {"username": "nobody", "password": "x"}).status_code
        for _ in range(3)
    ]
    assert 429 not in codes
