"""The audit log: sign-ins, failed sign-ins, sign-outs, identity views and exports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from danvan.audit.models import AuditEvent, AuditKind
from tests.petitions.factories import PetitionFactory

PASSWORD = "correct horse battery staple"
BROWSER = "Mozilla/5.0 (Linux; Android 14) danvan-test"


def _kinds() -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.order_by("id").values_list("kind", "username", "channel"))


def test_admin_sign_in_and_out_are_logged_with_address_and_browser(cadre_a: Any) -> None:
    client = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.7")

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "cadre_a", "password": PASSWORD}
    )
    client.post("/admin/logout/")

    assert response.status_code == 302
    assert _kinds() == [("login", "cadre_a", "web"), ("logout", "cadre_a", "web")]
    login = AuditEvent.objects.get(kind=AuditKind.LOGIN)
    assert (login.user, login.ip_address, login.user_agent) == (cadre_a, "192.0.2.7", BROWSER)


def test_failed_sign_in_is_logged_with_the_name_typed(cadre_a: Any) -> None:
    Client().post("/admin/login/?next=/admin/", {"username": "cadre_a", "password": "wrong one"})
    Client().post("/admin/login/?next=/admin/", {"username": "nobody", "password": "x" * 12})

    assert _kinds() == [("login_failed", "cadre_a", "web"), ("login_failed", "nobody", "web")]
    assert AuditEvent.objects.filter(user__isnull=False).count() == 0


def test_token_sign_in_failure_and_revocation_are_logged(api: Any, cadre_a: Any) -> None:
    url = "/api/v1/auth/token/"
    refused = api.post(url, {"username": "cadre_a", "password": "wrong one"}, format="json")
    tokens = api.post(url, {"username": "cadre_a", "password": PASSWORD}, format="json").json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    revoked = api.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json")

    assert (refused.status_code, revoked.status_code) == (401, 204)
    assert _kinds() == [
        ("login_failed", "cadre_a", "api"),
        ("login", "cadre_a", "api"),
        ("logout", "cadre_a", "api"),
    ]
    assert AuditEvent.objects.get(kind=AuditKind.LOGIN).user == cadre_a


def test_identity_view_is_logged(api_as: Any, tree: Any, handler_a: Any) -> None:
    from petitions import services
    from petitions.models import PetitionKind
    from tests.petitions.factories import IdentityGrantFactory

    IdentityGrantFactory(user=handler_a, unit=tree.commune_a1)
    denunciation = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[services.PetitionerInput(full_name="Lê Thị Mai", citizen_id="068190004321")],
    )

    response = api_as(handler_a).post(
        f"/api/v1/petitions/{denunciation.pk}/identity/", {"reason": "Xác minh"}
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=AuditKind.IDENTITY_VIEW)
    assert (event.user, event.object_type, event.object_id) == (
        handler_a,
        "petitions.petition",
        str(denunciation.pk),
    )
    assert event.channel == "api" and event.ip_address == "127.0.0.1"


def test_export_is_logged(api_as: Any, supervisor: Any) -> None:
    response = api_as(supervisor).get("/api/v1/reports/exports/petitions.csv")
    b"".join(response.streaming_content)

    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert (event.user, event.object_type, event.channel) == (
        supervisor,
        "reports.exportrecord",
        "api",
    )
    assert event.detail == {"subject": "petitions", "format": "csv"}


# --- The admin: administrators read, nobody writes ---------------------------------------------
def test_administrator_reads_the_audit_log_and_filters_it(
    administrator: Any, cadre_a: Any, count_queries: Any
) -> None:
    for _ in range(3):
        Client().post("/admin/login/?next=/admin/", {"username": "cadre_a", "password": "no!"})
    client = Client()
    client.force_login(administrator)

    with count_queries() as queries:
        listing = client.get("/admin/audit/auditevent/", {"kind__exact": "login_failed"})
    event = AuditEvent.objects.first()
    assert event is not None
    detail = client.get(f"/admin/audit/auditevent/{event.pk}/change/")

    assert listing.status_code == 200
    assert listing.content.decode().count("cadre_a") >= 3
    assert len(queries) <= 8, queries
    assert detail.status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("persona", ["cadre_a", "handler_a", "supervisor"])
def test_others_cannot_see_the_audit_log(request: Any, persona: str) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/admin/audit/auditevent/").status_code in (302, 403)


def test_anonymous_is_sent_to_the_login_page(db: Any) -> None:
    response = Client().get("/admin/audit/auditevent/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
