"""
Who sees a petitioner: per-unit identity grants for denouncers (superusers too), reveals with a
typed reason, and CCCD / phone in full only for those who work with the petition.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from danvan.audit.models import AuditEvent, AuditKind
from danvan.core.errors import ServiceError
from danvan.org.models import Role
from petitions import selectors, services
from petitions.models import IdentityAccessLog, IdentityGrant, PetitionKind
from petitions.services import PetitionerInput
from tests.factories import UserFactory
from tests.petitions.factories import IdentityGrantFactory, PetitionFactory

CCCD = "068190004321"
PHONE = "0977555666"
NAME = "Lê Thị Mai"
LIST = "/admin/petitions/petition/"
GRANTS = "/admin/petitions/identitygrant/"


def _person() -> PetitionerInput:
    return PetitionerInput(full_name=NAME, citizen_id=CCCD, phone=PHONE, address="Thôn 3")


@pytest.fixture
def denunciation(tree: Any, handler_a: Any) -> Any:
    return PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary="Tố cáo cán bộ thu tiền sai quy định",
        petitioners=[_person()],
    )


@pytest.fixture
def complaint(tree: Any, handler_a: Any) -> Any:
    return PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=[_person()])


@pytest.fixture
def root(db: Any) -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _reveal(api_as: Any, user: Any, petition: Any, reason: str = "Xác minh") -> Any:
    return api_as(user).post(f"/api/v1/petitions/{petition.pk}/identity/", {"reason": reason})


# --- Grants --------------------------------------------------------------------------------
def test_the_global_permission_is_gone(db: Any) -> None:
    assert not Permission.objects.filter(codename="view_denouncer_identity").exists()


def test_a_grant_covers_its_unit_and_below_until_it_ends_or_is_revoked(
    tree: Any, handler_a: Any
) -> None:
    grant = IdentityGrantFactory(user=handler_a, unit=tree.province_a)

    assert selectors.identity_grant_covers(handler_a, tree.commune_a1)
    assert selectors.identity_grant_covers(handler_a, tree.province_a)
    assert not selectors.identity_grant_covers(handler_a, tree.commune_b1)  # another province
    assert not selectors.identity_grant_covers(handler_a, tree.central)  # above it

    grant.valid_until = timezone.localdate() - timedelta(days=1)
    grant.save()
    assert not selectors.identity_grant_covers(handler_a, tree.commune_a1)

    grant.valid_until = timezone.localdate()  # the last day still counts
    grant.save()
    assert selectors.identity_grant_covers(handler_a, tree.commune_a1)
    grant.revoked_at = timezone.now()
    grant.save()
    assert not selectors.identity_grant_covers(handler_a, tree.commune_a1)


def test_a_grant_in_one_commune_reveals_nobody_in_another(
    tree: Any, handler_a: Any, api_as: Any
) -> None:
    """The issue's case: the right held for one unit used to act in every unit seen."""
    officer = UserFactory(
        memberships=[
            (tree.commune_a1, Role.PETITION_HANDLER),
            (tree.commune_a2, Role.PETITION_HANDLER),
        ]
    )
    IdentityGrantFactory(user=officer, unit=tree.commune_a2)
    here = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[_person()],
    )

    response = _reveal(api_as, officer, here)

    assert response.status_code == 403
    assert NAME not in response.content.decode()
    assert not IdentityAccessLog.objects.exists()


def test_a_superuser_needs_a_grant_too(
    tree: Any, denunciation: Any, root: Any, api_as: Any, supervisor: Any
) -> None:
    refused = _reveal(api_as, root, denunciation)
    detail = api_as(root).get(f"/api/v1/petitions/{denunciation.pk}/")

    assert refused.status_code == 403
    assert NAME not in refused.content.decode()
    assert NAME not in detail.content.decode() and CCCD not in detail.content.decode()

    IdentityGrantFactory(user=root, unit=tree.province_a, granted_by=supervisor)
    shown = _reveal(api_as, root, denunciation, "Thanh tra theo quyết định 12/QĐ")

    assert shown.status_code == 200
    assert shown.json()["petitioners"][0]["full_name"] == NAME
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.reason, log.channel) == (root, "Thanh tra theo quyết định 12/QĐ", "api")
    assert AuditEvent.objects.filter(kind=AuditKind.IDENTITY_VIEW, user=root).count() == 1


def test_who_may_grant(tree: Any, supervisor: Any, administrator: Any, handler_a: Any) -> None:
    until = timezone.localdate() + timedelta(days=90)
    officer = UserFactory(memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    leader_b = UserFactory(memberships=[(tree.province_b, Role.SUPERVISOR)])

    # A supervisor of the province grants in one of its communes; an administrator above too.
    services.identity_grant_create(
        actor=supervisor,
        user=officer,
        unit=tree.commune_a1,
        reason="Tổ xác minh",
        valid_until=until,
    )
    services.identity_grant_create(
        actor=administrator,
        user=officer,
        unit=tree.commune_a2,
        reason="Tổ xác minh",
        valid_until=until,
    )
    # A handler may not; nor a supervisor of another province; nor anyone for themselves.
    for actor, unit in ((handler_a, tree.commune_a1), (leader_b, tree.commune_a1)):
        with pytest.raises(ServiceError):
            services.identity_grant_create(
                actor=actor, user=officer, unit=unit, reason="x", valid_until=until
            )
    with pytest.raises(ServiceError):
        services.identity_grant_create(
            actor=supervisor, user=supervisor, unit=tree.commune_a1, reason="x", valid_until=until
        )
    with pytest.raises(ServiceError):
        services.identity_grant_create(
            actor=supervisor, user=officer, unit=tree.commune_a1, reason=" ", valid_until=until
        )
    assert IdentityGrant.objects.count() == 2
    assert AuditEvent.objects.filter(kind=AuditKind.IDENTITY_GRANTED).count() == 2


def test_granting_and_revoking_in_the_admin_are_logged(
    client: Any, tree: Any, supervisor: Any, denunciation: Any, api_as: Any
) -> None:
    officer = UserFactory(
        username="officer", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    client.force_login(supervisor)
    until = (timezone.localdate() + timedelta(days=30)).isoformat()

    response = client.post(
        f"{GRANTS}add/",
        {
            "user": officer.pk,
            "unit": tree.commune_a1.pk,
            "reason": "Xác minh đơn tố cáo DT-2026-000001",
            "valid_until": until,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    grant = IdentityGrant.objects.get()
    assert (grant.user, grant.unit, grant.granted_by) == (officer, tree.commune_a1, supervisor)
    event = AuditEvent.objects.get(kind=AuditKind.IDENTITY_GRANTED)
    assert event.user == supervisor
    assert event.detail["granted_to"] == "officer"
    assert event.detail["reason"] == "Xác minh đơn tố cáo DT-2026-000001"
    assert _reveal(api_as, officer, denunciation).status_code == 200

    client.post(GRANTS, {"action": "revoke", "_selected_action": [grant.pk]})

    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == supervisor
    assert AuditEvent.objects.filter(kind=AuditKind.IDENTITY_GRANT_REVOKED).count() == 1
    assert _reveal(api_as, officer, denunciation).status_code == 403


def test_the_admin_refuses_a_grant_outside_the_granters_units(
    client: Any, tree: Any, supervisor: Any
) -> None:
    officer = UserFactory(memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    client.force_login(supervisor)

    response = client.post(
        f"{GRANTS}add/",
        {
            "user": supervisor.pk,  # themselves
            "unit": tree.commune_b1.pk,  # not theirs: not even offered
            "reason": "x",
            "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    assert not IdentityGrant.objects.exists()
    assert officer.identity_grants.count() == 0


# --- Numbers: in full to those who work with the petition, masked to everyone else -----------
def test_numbers_in_full_to_the_handlers_and_receiving_cadre_masked_above(
    tree: Any, complaint: Any, handler_a: Any, cadre_a: Any, supervisor: Any, api_as: Any
) -> None:
    def row(user: Any) -> dict[str, Any]:
        response = api_as(user).get(f"/api/v1/petitions/{complaint.pk}/")
        assert response.status_code == 200
        return response.json()["petitioners"][0]

    assert (row(handler_a)["citizen_id"], row(handler_a)["phone"]) == (CCCD, PHONE)
    assert row(cadre_a)["citizen_id"] == CCCD
    masked = row(supervisor)
    assert (masked["citizen_id"], masked["phone"]) == ("*********321", "*******666")
    assert masked["full_name"] == NAME  # a complainant's name is not a secret


def test_a_supervisor_reveals_the_numbers_with_a_reason_and_it_is_logged(
    complaint: Any, supervisor: Any, handler_a: Any, api_as: Any
) -> None:
    without = api_as(supervisor).post(f"/api/v1/petitions/{complaint.pk}/identity/", {})
    shown = _reveal(api_as, supervisor, complaint, "Kiểm tra hồ sơ khiếu nại")
    own = _reveal(api_as, handler_a, complaint)  # nothing was hidden from the handler

    assert without.status_code == 400
    assert shown.status_code == 200
    assert shown.json()["petitioners"][0]["citizen_id"] == CCCD
    assert own.status_code == 200
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.reason) == (supervisor, "Kiểm tra hồ sơ khiếu nại")
    assert AuditEvent.objects.get(kind=AuditKind.NUMBERS_VIEW).user == supervisor


def test_a_superuser_without_membership_sees_numbers_masked(
    complaint: Any, root: Any, api_as: Any
) -> None:
    row = api_as(root).get(f"/api/v1/petitions/{complaint.pk}/").json()["petitioners"][0]

    assert row["citizen_id"] == "*********321"


def test_the_detail_page_masks_and_reveals_the_numbers(
    client: Any, complaint: Any, supervisor: Any
) -> None:
    client.force_login(supervisor)
    url = f"/petitions/{complaint.pk}/"

    page = client.get(url).content.decode()
    refused = client.post(f"{url}identity/", {"reason": ""})
    shown = client.post(f"{url}identity/", {"reason": "Kiểm tra"}).content.decode()

    assert CCCD not in page and PHONE not in page
    assert "*********321" in page
    assert "Hiện số CCCD, điện thoại" in page
    assert refused.status_code == 400 and CCCD not in refused.content.decode()
    assert CCCD in shown and PHONE in shown
    assert IdentityAccessLog.objects.get().channel == "web"


def test_the_admin_change_page_masks_the_numbers_for_a_supervisor(
    client: Any, complaint: Any, supervisor: Any, handler_a: Any
) -> None:
    client.force_login(supervisor)

    page = client.get(f"{LIST}{complaint.pk}/change/").content.decode()
    shown = client.post(f"{LIST}{complaint.pk}/change/identity/", {"reason": "Kiểm tra"})

    assert CCCD not in page and "*********321" in page
    assert CCCD in shown.content.decode()
    client.force_login(handler_a)
    assert CCCD in client.get(f"{LIST}{complaint.pk}/change/").content.decode()
    assert IdentityAccessLog.objects.count() == 1  # the supervisor's reveal only


def test_mask_number() -> None:
    assert selectors.mask_number("068190004321") == "*********321"
    assert selectors.mask_number("0977 555 666") == "*******666"
    assert selectors.mask_number("12") == "**"
    assert selectors.mask_number("") == ""


# --- Duplicates of denunciations, by keyed hashes -------------------------------------------
def test_a_denunciation_is_matched_by_hashes_only_for_a_grant_holder(
    tree: Any, denunciation: Any, handler_a: Any
) -> None:
    later = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary="Việc khác hẳn",
        petitioners=[PetitionerInput(full_name="LE THI MAI", phone="+84977555666")],
    )
    person = later.parties.get().petitioner

    def found(user: Any) -> list[int]:
        return [
            p.pk
            for p, why in selectors.duplicate_candidates(
                user, petitioners=[person], exclude_id=later.pk
            )
            if why == "same_petitioner"
        ]

    assert found(handler_a) == []
    IdentityGrantFactory(user=handler_a, unit=tree.commune_a1)
    assert found(handler_a) == [denunciation.pk]


def test_grant_valid_until_is_checked(tree: Any, supervisor: Any, handler_a: Any) -> None:
    with pytest.raises(ServiceError):
        services.identity_grant_create(
            actor=supervisor,
            user=handler_a,
            unit=tree.commune_a1,
            reason="x",
            valid_until=date(2020, 1, 1),
        )
    with pytest.raises(ServiceError):
        services.identity_grant_create(
            actor=supervisor,
            user=handler_a,
            unit=tree.commune_a1,
            reason="x",
            valid_until=timezone.localdate() + timedelta(days=800),
        )
