"""Notices to the citizen: drafted by the steps the law ties to them, edited, issued, scoped."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document

from petitions import services
from petitions.models import (
    EventAction,
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
