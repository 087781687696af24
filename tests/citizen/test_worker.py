"""A notice issued on the web reaches the citizen through a REAL Celery worker process, once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from citizen.models import CitizenMessage, CitizenMessageStatus
from petitions import services
from petitions.models import Notice
from seeds.petitions import seed_petition_reference
from tests.conftest import wait_for
from tests.petitions.factories import PetitionFactory


def test_an_issued_notice_is_delivered_by_the_worker_exactly_once(
    celery_worker_process: Any, tree: Any, handler_a: Any
) -> None:
    seed_petition_reference()
    sms_dir = Path(settings.CITIZEN_TEXT_DIR)
    before = set(sms_dir.glob("*.json")) if sms_dir.exists() else set()
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[
            services.PetitionerInput(
                full_name="Nguyễn Văn Nam", phone="0912345678", email="nam@example.vn"
            )
        ],
    )
    services.petition_accept(
        actor=handler_a, petition=petition, reason="Đủ điều kiện", accepted_on=date(2026, 3, 5)
    )
    notice = Notice.objects.get(petition=petition)
    services.notice_issue(
        actor=handler_a, notice=notice, number="15", signer="Trần Văn Bình", signer_title="Chủ tịch"
    )

    def delivered() -> bool:
        return not CitizenMessage.objects.exclude(status=CitizenMessageStatus.SENT).exists()

    wait_for(delivered)
    rows = list(CitizenMessage.objects.values_list("channel", "attempts", "status"))
    assert sorted(rows) == [("email", 1, "sent"), ("sms", 1, "sent")]
    new = set(sms_dir.glob("*.json")) - before
    assert len(new) == 1
    payload = json.loads(next(iter(new)).read_text(encoding="utf-8"))
    assert payload["to"] == "0912345678" and petition.code in payload["text"]
