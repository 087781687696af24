"""
A client generated from the live schema works as it is: openapi-python-client builds a Python
client from /api/v1/schema/ of a running server, every generated module imports, and the
field cadre's day runs through it unpatched (sign in, refresh, me, units, an idempotent
petition with petitioners, sync, If-Match and a stale 412, a photo, the handler's
transitions, a progress report with figures approved by the supervisor, notifications).

Any mismatch between what the server sends and what the schema says breaks the generated
parsers (`from_dict`), so this is also a check of the responses against the contract.
"""

from __future__ import annotations

import datetime
import importlib
import io
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from danvan.notify.models import Notification
from tests.petitions.factories import JPEG_BYTES
from tests.tasks.factories import make_task

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
PACKAGE = "danvan_api_client"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _generate(schema_url: str, into: Path) -> Path:
    """Run openapi-python-client against the live schema; the generated package's path."""
    executable = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert executable, "openapi-python-client is in the dev extras (requirements-dev.lock)"
    config = into / "config.yaml"
    # No post hooks: the generated code is used exactly as generated (ruff would only
    # reformat it).
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    output = into / PACKAGE
    result = subprocess.run(
        [
            executable,
            "generate",
            "--url",
            schema_url,
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator warns about what it had to skip: nothing may be skipped.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    return output


@pytest.fixture
def generated(live_server: Any, tmp_path: Path) -> Any:
    output = _generate(f"{live_server.url}/api/v1/schema/", tmp_path)
    sys.path.insert(0, str(output.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(output.parent))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _module(generated: Any, name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.parsed


def test_every_generated_module_imports(generated: Any) -> None:
    names = [m.name for m in pkgutil.walk_packages(generated.__path__, PACKAGE + ".")]
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # every failure is reported, not only the first
            failures[name] = repr(exc)

    assert failures == {}
    operations = [n for n in names if ".api." in n and not n.endswith("__init__")]
    assert len(operations) > 90, len(operations)
    # Models are named after the schema's components: ASCII, no Vietnamese label in a name.
    assert all(name.isascii() for name in names)
    assert f"{PACKAGE}.models.petition_status" in names


def test_the_field_cadres_day_through_the_generated_client(
    generated: Any, live_server: Any, tree: Any, cadre_a: Any, handler_a: Any, supervisor: Any
) -> None:
    api = lambda name: _module(generated, f"api.{name}")  # noqa: E731
    m = _module(generated, "models")
    types = _module(generated, "types")
    anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    def sign_in(username: str) -> Any:
        tokens = _ok(
            api("auth.auth_token_create").sync_detailed(
                client=anonymous, body=m.TokenObtainRequest(username=username, password=PASSWORD)
            )
        )
        assert isinstance(tokens, m.TokenObtain)
        return tokens

    # Sign in, refresh, who am I, my units.
    tokens = sign_in("cadre_a")
    refreshed = _ok(
        api("auth.auth_token_refresh_create").sync_detailed(
            client=anonymous, body=m.TokenRefreshRequest(refresh=tokens.refresh)
        )
    )
    assert isinstance(refreshed, m.TokenRefresh) and refreshed.access
    cadre = generated.AuthenticatedClient(
        base_url=live_server.url, token=refreshed.access, raise_on_unexpected_status=True
    )
    me = _ok(api("me.me_retrieve").sync_detailed(client=cadre))
    assert me.username == "cadre_a"
    assert [ms.unit.id for ms in me.memberships] == [tree.commune_a1.pk]
    units = _ok(api("units.units_list").sync_detailed(client=cadre, page_size=100))
    assert tree.commune_a1.pk in {u.id for u in units.results}

    # A petition with its petitioner, sent twice with one idempotency key: one petition.
    body = m.PetitionCreateRequest(
        receiving_unit=tree.commune_a1.pk,
        location_unit=tree.village_a1.pk,
        received_on=timezone.localdate(),
        channel=m.PetitionChannel.MOBILE_APP,
        kind=m.PetitionKind.COMPLAINT,
        summary="Khiếu nại về đất đai",
        content="Chưa được giao đất ở",
        petitioners=[
            m.PetitionerInRequest(
                full_name="Nguyễn Văn Nam", citizen_id="068090001234", phone="0912345678"
            )
        ],
    )
    create = api("petitions.petitions_create")
    first = create.sync_detailed(client=cadre, body=body, idempotency_key="cadre-a-day-1")
    again = create.sync_detailed(client=cadre, body=body, idempotency_key="cadre-a-day-1")
    petition = _ok(first, 201)
    assert _ok(again, 200).id == petition.id
    # The same key with another body is refused, naming the key: a new petition needs a new key.
    body.summary = "Một đơn khác"
    reused = create.sync_detailed(client=cadre, body=body, idempotency_key="cadre-a-day-1")
    assert reused.status_code == 422, reused.content
    assert "Idempotency-Key" in reused.parsed.fields.additional_properties
    assert petition.status == m.PetitionStatus.RECEIVED
    assert [p.full_name for p in petition.petitioners] == ["Nguyễn Văn Nam"]

    # Sync: the new petition is among the changes.
    synced = _ok(api("petitions.petitions_sync_retrieve").sync_detailed(client=cadre))
    assert petition.id in {row.id for row in synced.changed}
    assert [row.id for row in synced.results] == [row.id for row in synced.changed]  # alias

    # The commune's petition handler corrects it with If-Match (a commune cadre records
    # petitions but does not correct them); the same, now stale, ETag again is a 412.
    handler = generated.AuthenticatedClient(
        base_url=live_server.url, token=sign_in("handler_a").access
    )
    update = api("petitions.petitions_partial_update")
    etag = first.headers["ETag"]
    updated = update.sync_detailed(
        petition.id,
        client=handler,
        body=m.PatchedPetitionUpdateRequest(summary="Khiếu nại về giao đất ở"),
        if_match=etag,
    )
    assert _ok(updated).summary == "Khiếu nại về giao đất ở"
    stale = update.sync_detailed(
        petition.id,
        client=handler,
        body=m.PatchedPetitionUpdateRequest(summary="Ghi đè"),
        if_match=etag,
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, m.Error) and stale.parsed.code == "precondition_failed"

    # A photo from the phone (multipart, the one body type of the upload).
    photo = api("petitions.petitions_attachments_create").sync_detailed(
        petition.id,
        client=handler,
        body=m.AttachmentUploadRequest(
            file=types.File(
                payload=io.BytesIO(JPEG_BYTES), file_name="anh.jpg", mime_type="image/jpeg"
            )
        ),
        if_match=updated.headers["ETag"],
    )
    assert _ok(photo, 201).id
    attachments = _ok(
        api("petitions.petitions_attachments_list").sync_detailed(petition.id, client=handler)
    )
    assert len(attachments) == 1

    # The handler of the commune takes it on: accept, then start resolving it.
    detail = api("petitions.petitions_retrieve").sync_detailed(petition.id, client=handler)
    assert isinstance(_ok(detail), m.PetitionDetail)
    accepted = api("petitions.petitions_accept_create").sync_detailed(
        petition.id,
        client=handler,
        body=m.AcceptRequest(reason="Đủ điều kiện thụ lý", accepted_on=timezone.localdate()),
        if_match=detail.headers["ETag"],
    )
    assert _ok(accepted).status == m.PetitionStatus.ACCEPTED
    started = api("petitions.petitions_start_resolution_create").sync_detailed(
        petition.id,
        client=handler,
        body=m.ReasonRequest(reason="Bắt đầu giải quyết"),
        if_match=accepted.headers["ETag"],
    )
    assert _ok(started).status == m.PetitionStatus.UNDER_RESOLUTION
    timeline = _ok(
        api("petitions.petitions_timeline_list").sync_detailed(petition.id, client=cadre)
    )
    assert len(timeline.results) >= 3

    # A task of the commune: a progress report with figures, approved by the supervisor.
    task = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Sơ kết 5 năm thực hiện Quyết định 217-QĐ/TW",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    report = api("tasks.tasks_progress_create").sync_detailed(
        task.pk,
        client=cadre,
        body=m.TaskProgressRequest(
            text="Đã tổ chức hội nghị", percent=100, figures={"meetings_held": 3}
        ),
    )
    assert _ok(report, 201).figures == {"meetings_held": 3}
    # Its photo goes after it (multipart, the upload's one body type).
    evidence = api("tasks.tasks_evidence_create").sync_detailed(
        task.pk,
        client=cadre,
        body=m.EvidenceUploadRequest(
            report=report.parsed.id,
            file=types.File(
                payload=io.BytesIO(JPEG_BYTES), file_name="hoi-nghi.jpg", mime_type="image/jpeg"
            ),
        ),
    )
    assert [e.name for e in _ok(evidence, 201).evidence] == ["hoi-nghi.jpg"]
    boss = generated.AuthenticatedClient(
        base_url=live_server.url, token=sign_in("supervisor").access
    )
    approved = api("tasks.tasks_approve_create").sync_detailed(task.pk, client=boss)
    assert _ok(approved).status == m.TaskStatus.DONE_ON_TIME
    reports = _ok(api("tasks.tasks_progress_list").sync_detailed(task.pk, client=cadre))
    assert [r.state for r in reports] == [m.ProgressReportState.APPROVED]

    # Notifications: a reminder delivered to the cadre is read, then all are marked read.
    for title in ("Sắp đến hạn", "Quá hạn"):
        Notification.objects.create(user=cadre_a, title=title, body="Đơn 1", url="/x/")
    unread = api("notifications.notifications_unread_count_retrieve")
    assert _ok(unread.sync_detailed(client=cadre)).unread == 2
    listed = _ok(api("notifications.notifications_list").sync_detailed(client=cadre))
    assert [n.title for n in listed.results] == ["Quá hạn", "Sắp đến hạn"]
    read = api("notifications.notifications_read_create").sync_detailed(
        listed.results[0].id, client=cadre
    )
    assert _ok(read).read_at is not None
    assert _ok(unread.sync_detailed(client=cadre)).unread == 1
    _ok(api("notifications.notifications_read_all_create").sync_detailed(client=cadre))
    assert _ok(unread.sync_detailed(client=cadre)).unread == 0
