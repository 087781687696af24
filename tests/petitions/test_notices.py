"""Notices to the citizen: drafted by the steps the law ties to them, edited, issued, scoped."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document

from petitions import services
from petitions.models import (
    EventAction,
    IdentityAccessLog,
    Notice,
    NoticeKind,
    NoticeStatus,
    PetitionKind,
)
from tests.petitions.factories import PetitionFactory


def _petition(actor, unit, **kwargs):
    kwargs.setdefault("received_on", date(2026, 3, 2))
    kwargs.setdefault(
        "petitioners",
        [
            services.PetitionerInput(
                full_name="Nguyễn Văn Nam", phone="0912345678", email="nam@example.vn"
            )
        ],
    )
    return PetitionFactory(actor=actor, unit=unit, **kwargs)


@pytest.fixture
def complaint(tree, handler_a):
    return _petition(handler_a, tree.commune_a1, summary="Khiếu nại việc thu hồi đất ở thôn 3")


def _text(content: bytes) -> str:
    document = Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_accepting_a_complaint_drafts_the_acceptance_notice_due_the_same_day(complaint, handler_a):
    services.petition_accept(
        actor=handler_a,
        petition=complaint,
        reason="Đủ điều kiện",
        accepted_on=date(2026, 3, 5),
        today=date(2026, 3, 5),
    )
    notice = Notice.objects.get(petition=complaint)
    assert notice.kind == NoticeKind.ACCEPTANCE
    assert notice.status == NoticeStatus.DRAFT
    assert notice.form_reference.endswith("Nghị định 124/2020/NĐ-CP")
    assert notice.title.startswith("Thông báo\nVề việc thụ lý giải quyết khiếu nại")
    assert "05/03/2026" in notice.body and complaint.code in notice.body
    # The stored text never names the citizen (the document adds the name when made).
    assert "Nguyễn Văn Nam" not in notice.body
    assert notice.unit == complaint.handling_unit


def test_a_denunciation_acceptance_notice_is_due_in_five_working_days(tree, handler_a):
    petition = _petition(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    # Thursday 05/03/2026 + 5 working days = Thursday 12/03/2026.
    services.petition_accept(
        actor=handler_a,
        petition=petition,
        reason="Đủ điều kiện",
        accepted_on=date(2026, 3, 5),
        today=date(2026, 3, 5),
    )
    notice = Notice.objects.get(petition=petition)
    assert notice.due_on == date(2026, 3, 12)
    assert "Luật Tố cáo" in notice.body


def test_guide_drafts_a_refusal_naming_the_competent_body(complaint, handler_a):
    services.petition_guide(
        actor=handler_a,
        petition=complaint,
        reason="Không thuộc thẩm quyền",
        competent_body="UBND huyện Di Linh",
    )
    notice = Notice.objects.get(petition=complaint)
    assert notice.kind == NoticeKind.REFUSAL
    assert "UBND huyện Di Linh" in notice.body and "Không thuộc thẩm quyền" in notice.body


def test_filing_a_duplicate_drafts_nothing_and_anonymous_petitions_get_no_citizen_notice(
    tree, complaint, handler_a
):
    other = _petition(handler_a, tree.commune_a1)
    services.petition_file(
        actor=handler_a, petition=other, reason="Trùng đơn", duplicate_of=complaint.pk
    )
    anonymous = PetitionFactory(actor=handler_a, unit=tree.commune_a1, is_anonymous=True)
    services.petition_accept(actor=handler_a, petition=anonymous, reason="Đủ điều kiện")
    assert not Notice.objects.filter(petition__in=[other, anonymous]).exists()


def test_transfer_slip_is_the_senders(tree, complaint, handler_a):
    services.petition_transfer(
        actor=handler_a, petition=complaint, to_unit=tree.commune_a2, reason="Đúng thẩm quyền"
    )
    notice = Notice.objects.get(petition=complaint)
    assert notice.kind == NoticeKind.TRANSFER
    assert notice.unit == tree.commune_a1  # the sender issues it, not the receiver
    assert tree.commune_a2.name in notice.body


def test_an_inactive_policy_drafts_nothing(complaint, handler_a):
    from petitions.models import NoticePolicy

    NoticePolicy.objects.filter(notice_kind=NoticeKind.ACCEPTANCE).update(is_active=False)
    services.petition_accept(actor=handler_a, petition=complaint, reason="Đủ điều kiện")
    assert not Notice.objects.exists()


def test_editing_checks_the_version_and_only_a_draft_changes(complaint, handler_a):
    services.petition_accept(actor=handler_a, petition=complaint, reason="Đủ điều kiện")
    notice = Notice.objects.get()
    services.notice_update(
        actor=handler_a, notice=notice, changes={"number": "12"}, expected_version=1
    )
    from danvan.core.versions import PreconditionFailed

    with pytest.raises(PreconditionFailed):
        services.notice_update(
            actor=handler_a, notice=notice, changes={"number": "13"}, expected_version=1
        )
    with pytest.raises(services.ServiceError) as refused:
        services.notice_update(actor=handler_a, notice=notice, changes={"body": "  "})
    assert refused.value.field == "body"


def test_only_the_issuing_units_handlers_edit_or_issue(complaint, handler_a, cadre_a, handler_a2):
    services.petition_accept(actor=handler_a, petition=complaint, reason="Đủ điều kiện")
    notice = Notice.objects.get()
    for person in (cadre_a, handler_a2):
        with pytest.raises(services.Forbidden):
            services.notice_update(actor=person, notice=notice, changes={"number": "1"})
        with pytest.raises(services.Forbidden):
            services.notice_withdraw(actor=person, notice=notice, reason="x")


def test_issue_refuses_without_number_signer_and_position(complaint, handler_a):
    services.petition_accept(actor=handler_a, petition=complaint, reason="Đủ điều kiện")
    notice = Notice.objects.get()
    with pytest.raises(services.ServiceError) as refused:
        services.notice_issue(actor=handler_a, notice=notice)
    assert refused.value.field == "number"
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not notice.document


def test_withdrawing_a_draft_is_on_the_timeline(complaint, handler_a):
    services.petition_accept(actor=handler_a, petition=complaint, reason="Đủ điều kiện")
    notice = Notice.objects.get()
    services.notice_withdraw(actor=handler_a, notice=notice, reason="Thụ lý nhầm, sẽ sửa")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.WITHDRAWN
    assert complaint.events.filter(action=EventAction.NOTICE_WITHDRAWN).exists()
    with pytest.raises(services.Conflict):
        services.notice_withdraw(actor=handler_a, notice=notice, reason="again")


def test_the_document_is_in_the_legal_form(complaint, handler_a):
    from petitions.notice_documents import render_notice

    services.petition_accept(actor=handler_a, petition=complaint, reason="Đủ điều kiện")
    notice = Notice.objects.get()
    notice.number, notice.signer, notice.signer_title = "15", "Trần Văn Bình", "Chủ tịch"
    notice.issued_on = date(2026, 3, 6)
    text = _text(render_notice(notice))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ngày 06 tháng 3 năm 2026" in text
    assert "Số: 15/TB-" in text
    assert "THÔNG BÁO" in text and "Về việc thụ lý giải quyết khiếu nại" in text
    assert "Kính gửi: Ông/Bà Nguyễn Văn Nam" in text
    assert "Mẫu số" in text and "CHỦ TỊCH" in text and "Trần Văn Bình" in text


def _issue_ready(complaint, handler_a):
    services.petition_accept(
        actor=handler_a,
        petition=complaint,
        reason="Đủ điều kiện",
        accepted_on=date(2026, 3, 5),
        today=date(2026, 3, 5),
    )
    return Notice.objects.get()


def test_issuing_keeps_the_document_writes_the_timeline_and_tells_the_citizen(
    complaint, handler_a, settings, tmp_path
):
    from django.core import mail

    from citizen import messages

    settings.CITIZEN_TEXT_DIR = str(tmp_path)
    notice = _issue_ready(complaint, handler_a)
    services.notice_issue(
        actor=handler_a,
        notice=notice,
        number="15",
        signer="Trần Văn Bình",
        signer_title="Chủ tịch UBND xã",
        issued_on=date(2026, 3, 6),
        expected_version=1,
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and notice.issued_by == handler_a
    with notice.document.open("rb") as handle:
        text = _text(handle.read())
    assert "Kính gửi: Ông/Bà Nguyễn Văn Nam" in text and "Số: 15/TB-" in text
    event = complaint.events.get(action=EventAction.NOTICE_ISSUED)
    assert event.data["number"] == "15" and event.data["on_time"] is False  # due 05/03
    assert sorted(complaint.citizen_messages.values_list("channel", flat=True)) == [
        "email",
        "sms",
    ]
    messages.deliver()
    [email] = mail.outbox
    assert email.to == ["nam@example.vn"]
    assert email.attachments[0][0] == f"{complaint.code}-acceptance.docx"
    assert "Về việc thụ lý giải quyết khiếu nại".lower() in email.body
    # Issued once: a second issue is refused and sends nothing more.
    with pytest.raises(services.Conflict):
        services.notice_issue(actor=handler_a, notice=notice, number="16")
    assert complaint.citizen_messages.count() == 2


def test_a_denunciations_document_opens_only_for_a_grant_holder_and_is_logged(
    tree, handler_a, identity_officer
):
    from danvan.org.permissions import Forbidden
    from petitions.services.notices import notice_document_open

    petition = _petition(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    services.petition_accept(actor=handler_a, petition=petition, reason="Đủ điều kiện")
    notice = Notice.objects.get(petition=petition)
    services.notice_issue(
        actor=handler_a, notice=notice, number="3", signer="B", signer_title="Chủ tịch"
    )
    notice.refresh_from_db()
    with pytest.raises(Forbidden):
        notice_document_open(handler_a, notice, channel="web")
    handle = notice_document_open(identity_officer, notice, channel="web")
    assert "Nguyễn Văn Nam" in _text(handle.read())
    assert IdentityAccessLog.objects.filter(user=identity_officer, petition=petition).count() == 1


def test_the_api_edits_issues_and_downloads(complaint, handler_a, cadre_a, api_as):
    notice = _issue_ready(complaint, handler_a)
    client = api_as(handler_a)
    url = f"/api/v1/notices/{notice.pk}/"

    detail = client.get(url)
    assert detail.status_code == 200 and detail["ETag"] == f'"{notice.pk}-1"'
    assert detail.json()["available_actions"] == ["update", "issue", "withdraw"]
    stale = client.patch(url, {"number": "7"}, format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412
    assert client.get(f"{url}document/").status_code == 409  # not issued yet
    refused = client.post(f"{url}issue/", {"number": "7"}, format="json")
    assert refused.status_code == 400 and "signer" in refused.json()["fields"]
    issued = client.post(
        f"{url}issue/",
        {"number": "7", "signer": "Trần Văn Bình", "signer_title": "Chủ tịch"},
        format="json",
        HTTP_IF_MATCH=detail["ETag"],
    )
    assert issued.status_code == 200, issued.json()
    assert issued.json()["status"] == "issued" and issued.json()["available_actions"] == []
    download = client.get(f"{url}document/")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(f'{complaint.code}-acceptance.docx"')
    # A cadre of the receiving commune reads it, but does not issue notices.
    assert api_as(cadre_a).get(url).status_code == 200
    overdue = client.get("/api/v1/notices/?overdue=true").json()["results"]
    assert overdue == []


def test_the_list_of_drafts_counts_due_and_overdue(tree, complaint, handler_a, client):
    from petitions.selectors import notice_counts

    _issue_ready(complaint, handler_a)
    other = _petition(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    services.petition_accept(
        actor=handler_a,
        petition=other,
        reason="Đủ điều kiện",
        accepted_on=date(2026, 12, 1),
        today=date(2026, 12, 1),
    )
    # 05/03: overdue on 04/12; the denunciation's (01/12 + 5 working days) is still due.
    assert notice_counts(handler_a, date(2026, 12, 4)) == {"due": 1, "overdue": 1}
    client.force_login(handler_a)
    page = client.get("/petitions/notices/?show=overdue")
    assert page.status_code == 200
    assert complaint.code in page.content.decode() and other.code not in page.content.decode()


def test_an_overdue_notice_reminds_the_issuing_units_handlers_and_then_the_leaders(
    complaint, handler_a, supervisor
):
    from danvan.notify import services as notify
    from danvan.notify.models import Reminder
    from seeds.notify import seed_reminder_stages

    seed_reminder_stages()
    notice = _issue_ready(complaint, handler_a)  # due 05/03/2026, the day of acceptance
    notify.sweep(today=date(2026, 3, 6))  # one working day late

    rows = Reminder.objects.filter(item_key=f"notice:{notice.pk}")
    assert {(r.recipient.username, r.is_escalation) for r in rows} == {
        ("handler_a", False),
        ("supervisor", True),
    }
    reminder = rows.get(recipient=handler_a)
    assert reminder.url == f"/petitions/notices/{notice.pk}/"
    assert (reminder.target_type, reminder.target_id) == ("petition", complaint.pk)
    assert reminder.title == f"{complaint.code}: Thông báo thụ lý"
    # Issued: nothing more is due.
    services.notice_issue(actor=handler_a, notice=notice, number="1", signer="B", signer_title="C")
    assert notify.sweep(today=date(2026, 3, 20)).reminders == 0
