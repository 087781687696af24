"""The petitions admin: scoped lists, redacted identities, actions through the services."""

from datetime import date

import pytest

from petitions.models import IdentityAccessLog, PetitionKind, Status
from petitions.services import PetitionerInput
from tests.petitions.factories import PetitionFactory

LIST = "/admin/petitions/petition/"


@pytest.fixture
def denunciation(tree, handler_a):
    return PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        received_on=date(2026, 3, 2),
        summary="Tố cáo cán bộ thu tiền sai quy định",
        petitioners=[PetitionerInput(full_name="Lê Thị Mai", citizen_id="068190004321")],
    )


def test_list_is_scoped_and_redacts_denouncers(client, tree, handler_a, handler_a2, denunciation):
    other = PetitionFactory(actor=handler_a2, unit=tree.commune_a2, summary="Việc của xã khác")
    client.force_login(handler_a)

    page = client.get(LIST).content.decode()

    assert denunciation.code in page
    assert "Việc của xã khác" not in page
    assert other.summary not in page
    assert "Lê Thị Mai" not in page
    assert "[đã ẩn]" in page


def test_list_filters_and_search_work(client, tree, handler_a, denunciation):
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Khiếu nại về đất đai")
    client.force_login(handler_a)

    by_search = client.get(LIST, {"q": "khieu nai dat dai"}).content.decode()
    by_state = client.get(LIST, {"deadline_state": "overdue", "kind": "denunciation"})

    assert "Khiếu nại về đất đai" in by_search
    assert denunciation.summary[:20] not in by_search
    assert by_state.status_code == 200


def test_change_page_hides_identity_without_permission(client, handler_a, denunciation):
    client.force_login(handler_a)

    page = client.get(f"{LIST}{denunciation.pk}/change/").content.decode()

    assert "Lê Thị Mai" not in page
    assert "068190004321" not in page
    assert not IdentityAccessLog.objects.exists()


def test_change_page_shows_no_identity_on_opening_even_to_a_grant_holder(
    client, identity_officer, denunciation
):
    client.force_login(identity_officer)

    page = client.get(f"{LIST}{denunciation.pk}/change/").content.decode()

    assert "Lê Thị Mai" not in page
    assert "068190004321" not in page
    assert 'action="identity/"' in page  # the reveal form is offered…
    assert page.index('action="identity/"') < page.index('id="petition_form"')  # …not nested
    assert not IdentityAccessLog.objects.exists()


def test_reveal_in_the_admin_needs_a_typed_reason_and_is_logged(
    client, identity_officer, denunciation
):
    client.force_login(identity_officer)
    url = f"{LIST}{denunciation.pk}/change/identity/"

    refused = client.post(url, {"reason": "  "})
    shown = client.post(url, {"reason": "Xác minh nội dung tố cáo"})

    assert refused.status_code == 400
    assert "Lê Thị Mai" not in refused.content.decode()
    assert shown.status_code == 200
    assert "Lê Thị Mai" in shown.content.decode()
    assert "068190004321" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.channel, log.reason) == (
        identity_officer,
        "admin",
        "Xác minh nội dung tố cáo",
    )
    assert client.get(url).status_code == 405


def test_superuser_without_a_grant_sees_no_denouncer_in_the_admin(client, denunciation):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)

    page = client.get(f"{LIST}{denunciation.pk}/change/").content.decode()
    reveal = client.post(f"{LIST}{denunciation.pk}/change/identity/", {"reason": "Xem thử"})

    assert "Lê Thị Mai" not in page
    assert 'action="identity/"' not in page
    assert reveal.status_code == 403
    assert not IdentityAccessLog.objects.exists()


def test_sibling_gets_no_change_page(client, handler_a2, denunciation):
    client.force_login(handler_a2)

    response = client.get(f"{LIST}{denunciation.pk}/change/")

    assert response.status_code in (302, 404)


def test_transfer_action_goes_through_the_service(client, tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client.force_login(handler_a)

    client.post(
        LIST,
        {
            "action": "transfer",
            "_selected_action": [petition.pk],
            "to_unit": tree.commune_a2.code,
            "reason": "Không thuộc thẩm quyền",
        },
    )
    petition.refresh_from_db()

    assert petition.status == Status.TRANSFERRED
    assert petition.events.filter(action="transferred").exists()


def test_identity_log_is_visible_to_administrators(
    client, administrator, identity_officer, denunciation
):
    IdentityAccessLog.objects.create(
        user=identity_officer, petition=denunciation, reason="Xác minh", channel="api"
    )
    client.force_login(administrator)

    page = client.get("/admin/petitions/identityaccesslog/")

    assert page.status_code == 200
    assert "Xác minh" in page.content.decode()
