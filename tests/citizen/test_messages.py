"""Messages to citizens: one per key, channel and person, delivered once, retried, visible."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from citizen import messages
from citizen.models import CitizenMessage, CitizenMessageStatus
from citizen.providers import DeliveryError
from petitions import services
from petitions.models import Petitioner, PetitionKind
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import PetitionFactory


@pytest.fixture(autouse=True)
def text_files(settings, tmp_path, db):
    settings.CITIZEN_TEXT_DIR = str(tmp_path / "sms")
    settings.CITIZEN_SMS_PROVIDER = "citizen.providers.FileTextProvider"
    settings.CITIZEN_ZALO_PROVIDER = ""
    seed_petition_reference()
    return tmp_path / "sms"


@pytest.fixture
def petition(tree, handler_a):
    return PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[
            services.PetitionerInput(
                full_name="Nguyễn Văn Nam", phone="0912 345 678", email="nam@example.vn"
            )
        ],
    )


def _send(petition, key="notice:1", **kwargs):
    return messages.send_to_citizen(
        petition=petition,
        key=key,
        subject="Thông báo thụ lý – DT-2026-000001",
        body="Đơn của ông/bà đã được thụ lý.",
        sms_text="Don DT-2026-000001 da duoc thu ly.",
        attachment=("thong-bao.docx", b"PK\x03\x04 docx", "application/octet-stream"),
        **kwargs,
    )


def test_one_email_and_one_sms_per_key_and_the_same_key_writes_nothing(petition):
    first = _send(petition)
    again = _send(petition)

    assert sorted(m.channel for m in first) == ["email", "sms"]
    assert again == []
    assert CitizenMessage.objects.count() == 2
    sms = CitizenMessage.objects.get(channel="sms")
    assert sms.to == "0912345678"
    assert "/tin-nhan/tu-choi/" in sms.body  # every SMS says how to stop them


def test_the_address_is_encrypted_at_rest(petition):
    _send(petition)
    with connection.cursor() as cursor:
        cursor.execute('SELECT "to" FROM citizen_citizenmessage')
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("nam@example.vn" in s or "0912345678" in s for s in stored)


def test_delivery_sends_the_email_with_its_document_and_writes_the_sms_file(petition, text_files):
    _send(petition)
    result = messages.deliver()

    assert (result.sent, result.failed) == (2, 0)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["nam@example.vn"]
    assert email.subject == "Thông báo thụ lý – DT-2026-000001"
    assert email.attachments[0][0] == "thong-bao.docx"
    [file] = list(Path(text_files).iterdir())
    payload = json.loads(file.read_text(encoding="utf-8"))
    assert payload["to"] == "0912345678" and payload["text"].startswith("Don DT-2026-000001")
    # Delivered once: a second run (a retried job) sends nothing again.
    assert messages.deliver().sent == 0
    assert len(mail.outbox) == 1
    assert set(CitizenMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failing_provider_backs_off_then_gives_up_with_the_error_visible(petition, monkeypatch):
    calls = []

    def broken(self, to, text, *, key):
        calls.append(key)
        raise DeliveryError("gateway timeout")

    monkeypatch.setattr("citizen.providers.FileTextProvider.send", broken)
    _send(petition)
    now = timezone.now()
    messages.deliver(now=now)
    sms = CitizenMessage.objects.get(channel="sms")
    assert sms.status == CitizenMessageStatus.FAILED and sms.attempts == 1
    assert sms.last_error == "DeliveryError: gateway timeout"
    assert sms.next_attempt_at is not None
    first_wait = sms.next_attempt_at - now
    assert timedelta(minutes=1) <= first_wait <= timedelta(minutes=1, seconds=30)
    # Not due yet: nothing is tried.
    messages.deliver(now=now + timedelta(seconds=10))
    assert len(calls) == 1
    later = now
    for _ in range(messages.MAX_ATTEMPTS - 1):
        later += timedelta(hours=7)
        messages.deliver(now=later)
    sms.refresh_from_db()
    assert sms.status == CitizenMessageStatus.GAVE_UP
    assert sms.attempts == messages.MAX_ATTEMPTS and len(calls) == messages.MAX_ATTEMPTS
    # The e-mail went through meanwhile.
    assert CitizenMessage.objects.get(channel="email").status == CitizenMessageStatus.SENT


def test_a_permanent_failure_gives_up_at_once(petition, monkeypatch):
    def refused(self, to, text, *, key):
        raise DeliveryError("number unknown", permanent=True)

    monkeypatch.setattr("citizen.providers.FileTextProvider.send", refused)
    _send(petition)
    messages.deliver()
    assert CitizenMessage.objects.get(channel="sms").status == CitizenMessageStatus.GAVE_UP


def test_an_opted_out_citizen_gets_no_sms_and_pending_ones_are_skipped(petition, client):
    _send(petition)
    person = Petitioner.objects.get()
    url = messages.opt_out_url(person).removeprefix("http://127.0.0.1:8000")

    page = client.get(url)
    assert page.status_code == 200
    assert not Petitioner.objects.get().sms_opt_out  # a GET changes nothing
    done = client.post(url)
    assert done.status_code == 200
    assert Petitioner.objects.get().sms_opt_out
    assert CitizenMessage.objects.get(channel="sms").status == CitizenMessageStatus.SKIPPED

    later = _send(petition, key="notice:2")
    assert [m.channel for m in later] == ["email"]


def test_a_forged_opt_out_link_is_a_clear_404(client, petition):
    response = client.get("/tin-nhan/tu-choi/not-a-token/")
    assert response.status_code == 404
    assert "không hợp lệ" in response.content.decode()
    assert client.post("/tin-nhan/tu-choi/not-a-token/").status_code == 404


def test_committed_messages_are_handed_to_the_worker(
    petition, django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr("danvan.core.jobs.publish", lambda pk: published.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        _send(petition)
    from danvan.core.models import QueuedJob

    job = QueuedJob.objects.get(pk=published[0])
    assert job.task == "citizen.jobs.deliver_citizen_messages"
    assert sorted(job.args[0]) == sorted(CitizenMessage.objects.values_list("pk", flat=True))


def test_a_denouncers_address_is_never_on_the_petition_page(tree, handler_a, client):
    denunciation = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[
            services.PetitionerInput(full_name="Lê Thị Mai", phone="0977555666", email="mai@x.vn")
        ],
    )
    rows = messages.citizen_messages_for(denunciation, hidden=True)
    assert rows == []
    _send(denunciation)
    rows = messages.citizen_messages_for(denunciation, hidden=True)
    assert rows and all(row["to"] == "" for row in rows)


def test_the_worker_sweep_reads_a_bounded_number_of_queries(petition, count_queries):
    for key in range(5):
        _send(petition, key=f"notice:{key}")
    with count_queries() as queries:
        messages.deliver()
    # The list of due ids, then per message its own transaction (a savepoint inside the
    # test's): begin, the locked read with its petitioner, the update, commit.
    assert len(queries) == 1 + 10 * 4, queries
