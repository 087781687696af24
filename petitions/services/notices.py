"""
Notices to the citizen: drafted when a step that the law ties to a notice is taken (the
`_event` of that step calls `notice_draft`), edited and issued by a handler of the issuing
unit, rendered as a .docx in the legal form, recorded on the timeline and sent to the
citizen through the notify outbox.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.versions import check_version
from danvan.org.models import User
from danvan.org.permissions import Forbidden
from petitions import clock
from petitions.models import (
    EventAction,
    Notice,
    NoticeKind,
    NoticePolicy,
    NoticeStatus,
    Petition,
    PetitionEvent,
    PetitionKind,
)
from petitions.services.base import _event, _require_handler, today_local

# Which steps call for which notice. Filing without action calls for a notice of
# non-acceptance only when it is not a duplicate (a duplicate was answered already).
TRIGGERS: dict[str, str] = {
    EventAction.ACCEPTED: NoticeKind.ACCEPTANCE,
    EventAction.GUIDED: NoticeKind.REFUSAL,
    EventAction.FILED: NoticeKind.REFUSAL,
    EventAction.TRANSFERRED: NoticeKind.TRANSFER,
    EventAction.RESOLVED: NoticeKind.RESOLUTION,
}

EDITABLE_FIELDS = ("addressee", "body", "place", "number", "signer", "signer_title", "issued_on")

_KIND_NOUN: dict[str, str] = {
    PetitionKind.COMPLAINT: "đơn khiếu nại",
    PetitionKind.DENUNCIATION: "đơn tố cáo",
    PetitionKind.RECOMMENDATION: "đơn kiến nghị",
    PetitionKind.FEEDBACK: "đơn phản ánh",
}


def _dmy(value: date | str | None) -> str:
    if value is None or value == "":
        return "…"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def _noun(petition: Petition) -> str:
    return _KIND_NOUN.get(petition.kind, "đơn")


def draft_text(petition: Petition, kind: str, event: PetitionEvent, unit_name: str) -> str:
    """
    The body of the notice in the words of the legal form, from the petition and the step.
    It never names the petitioner (the document adds the name when it is made), nor, for a
    denunciation, anything the denouncer wrote about themselves.
    """
    data = event.data or {}
    noun = _noun(petition)
    received = (
        f"Ngày {_dmy(petition.received_on)}, {unit_name} nhận được {noun} "
        f"(mã số {petition.code}) về việc: {petition.summary}."
    )
    if kind == NoticeKind.ACCEPTANCE:
        laws: dict[str, str] = {
            PetitionKind.COMPLAINT: "Luật Khiếu nại năm 2011 và Nghị định số 124/2020/NĐ-CP",
            PetitionKind.DENUNCIATION: "Luật Tố cáo năm 2018 và Nghị định số 31/2019/NĐ-CP",
        }
        law = laws.get(petition.kind, "Thông tư số 05/2021/TT-TTCP")
        return (
            f"{received}\n"
            f"Căn cứ {law}, sau khi xem xét, {noun} đủ điều kiện và thuộc thẩm quyền giải quyết "
            f"của {unit_name}. {unit_name} đã thụ lý giải quyết từ ngày "
            f"{_dmy(data.get('accepted_on'))}; thời hạn giải quyết theo quy định đến ngày "
            f"{_dmy(data.get('due_date'))}.\n"
            f"{unit_name} thông báo để người gửi đơn biết."
        )
    if kind == NoticeKind.REFUSAL:
        guidance = (
            f" Đề nghị người gửi đơn gửi đơn đến {data['competent_body']} để được xem xét, "
            "giải quyết theo thẩm quyền."
            if data.get("competent_body")
            else ""
        )
        return (
            f"{received}\n"
            f"Sau khi xem xét, {unit_name} không thụ lý giải quyết vì lý do: "
            f"{event.reason}.{guidance}\n"
            f"{unit_name} thông báo để người gửi đơn biết."
        )
    if kind == NoticeKind.TRANSFER:
        return (
            f"{received}\n"
            f"Căn cứ Thông tư số 05/2021/TT-TTCP, {unit_name} chuyển đơn đến "
            f"{data.get('to_unit', '…')} để xem xét, giải quyết theo thẩm quyền; đề nghị thông "
            f"báo kết quả cho {unit_name} trước ngày {_dmy(data.get('due_on'))}.\n"
            f"Lý do chuyển đơn: {event.reason}."
        )
    result = petition.get_result_display() if petition.result else "…"
    return (
        f"{received}\n"
        f"{unit_name} đã giải quyết bằng văn bản số {data.get('answer_number', '…')} ngày "
        f"{_dmy(data.get('answer_issued_on'))}. Kết quả: {result}.\n"
        f"{unit_name} thông báo để người gửi đơn biết; nếu không đồng ý, người gửi đơn có "
        "quyền thực hiện các bước tiếp theo theo quy định của pháp luật."
    )


def _due_on(policy: NoticePolicy, on: date) -> date:
    if policy.amount == 0:
        return on
    return clock.deadline(on, policy.amount, policy.day_unit)


def notice_draft(petition: Petition, event: PetitionEvent) -> Notice | None:
    """The notice a step calls for, as a draft due by its policy's deadline (or nothing)."""
    kind = TRIGGERS.get(event.action)
    if kind is None:
        return None
    if event.action == EventAction.FILED and (event.data or {}).get("duplicate_of"):
        return None
    if kind != NoticeKind.TRANSFER and petition.is_anonymous:
        return None  # nobody to send it to
    policy = NoticePolicy.objects.filter(
        notice_kind=kind, petition_kind=petition.kind, is_active=True
    ).first()
    if policy is None:
        return None
    data = event.data or {}
    # The step's own date (a step may be recorded after the day it was taken).
    on = timezone.localdate(event.at) if event.at else today_local()
    unit = petition.handling_unit
    if kind == NoticeKind.TRANSFER:
        transfer = petition.transfers.select_related("from_unit").order_by("-id").first()
        if transfer is not None:
            unit, on = transfer.from_unit, transfer.sent_on
    elif kind == NoticeKind.ACCEPTANCE and data.get("accepted_on"):
        on = date.fromisoformat(data["accepted_on"])
    elif kind == NoticeKind.RESOLUTION and data.get("answer_issued_on"):
        on = date.fromisoformat(data["answer_issued_on"])
    elif kind == NoticeKind.REFUSAL and petition.finished_on:
        on = petition.finished_on
    # A step taken again (a reopened complaint accepted anew) withdraws the older draft.
    Notice.objects.filter(petition=petition, kind=kind, status=NoticeStatus.DRAFT).update(
        status=NoticeStatus.WITHDRAWN,
        withdraw_reason=_("Replaced by the notice of a later step."),
        updated_at=timezone.now(),
    )
    return Notice.objects.create(
        petition=petition,
        kind=kind,
        unit=unit,
        event=event,
        title=policy.title,
        form_reference=policy.form_reference,
        due_on=_due_on(policy, on),
        body=draft_text(petition, kind, event, unit.name),
    )


def require_notice_handler(actor: Any, notice: Notice) -> None:
    """petition.handle at the notice's issuing unit (or above)."""
    petition = notice.petition
    issuing = Petition(pk=petition.pk, handling_unit=notice.unit, kind=petition.kind)
    _require_handler(actor, issuing)


def _lock(notice: Notice) -> Notice:
    return (
        Notice.objects.select_for_update()
        .select_related("petition", "unit", "petition__handling_unit")
        .get(pk=notice.pk)
    )


def _require_draft(notice: Notice) -> None:
    if notice.status != NoticeStatus.DRAFT:
        raise Conflict(
            _("This notice was already %(status)s; only a draft can be changed.")
            % {"status": notice.get_status_display().lower()},
            code="invalid_transition",
        )


def _save(notice: Notice, *fields: str) -> None:
    notice.version += 1
    notice.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def notice_update(
    *,
    actor: User,
    notice: Notice,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Notice:
    """Edit a draft: its text, addressee, number, signer, place and date."""
    require_notice_handler(actor, notice)
    notice = _lock(notice)
    check_version(notice, expected_version)
    _require_draft(notice)
    fields = []
    for name in EDITABLE_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if isinstance(value, str):
            value = value.strip()
        if name == "body" and not value:
            raise ServiceError(_("The notice needs its text."), field="body")
        setattr(notice, name, value)
        fields.append(name)
    if notice.issued_on and notice.issued_on > today_local():
        raise ServiceError(_("The date cannot be in the future."), field="issued_on")
    if fields:
        _save(notice, *fields)
    return notice


@transaction.atomic
def notice_issue(
    *,
    actor: User,
    notice: Notice,
    number: str | None = None,
    signer: str | None = None,
    signer_title: str | None = None,
    issued_on: date | None = None,
    place: str | None = None,
    expected_version: int | None = None,
) -> Notice:
    """
    Issue the notice: the document is made in its legal form and kept, the timeline says so,
    and it goes to the citizen through the outbox (e-mail with the document; a text message).
    """
    from petitions.notice_documents import render_notice

    require_notice_handler(actor, notice)
    notice = _lock(notice)
    check_version(notice, expected_version)
    _require_draft(notice)
    for name, value in (
        ("number", number),
        ("signer", signer),
        ("signer_title", signer_title),
        ("place", place),
    ):
        if value is not None:
            setattr(notice, name, value.strip())
    notice.issued_on = issued_on or notice.issued_on or today_local()
    if not notice.number:
        raise ServiceError(_("Enter the notice's document number."), field="number")
    if not notice.signer:
        raise ServiceError(_("Enter who signs the notice."), field="signer")
    if not notice.signer_title:
        raise ServiceError(_("Enter the signer's position."), field="signer_title")
    if notice.issued_on > today_local():
        raise ServiceError(_("The date cannot be in the future."), field="issued_on")
    petition = notice.petition
    content = render_notice(notice)
    notice.document.save(f"{petition.code}-{notice.kind}.docx", ContentFile(content), save=False)
    notice.status = NoticeStatus.ISSUED
    notice.issued_by = actor
    notice.issued_at = timezone.now()
    _save(
        notice,
        "number",
        "signer",
        "signer_title",
        "place",
        "issued_on",
        "document",
        "status",
        "issued_by",
        "issued_at",
    )
    _event(
        petition,
        actor=actor,
        action=EventAction.NOTICE_ISSUED,
        data={
            "notice": notice.pk,
            "kind": notice.kind,
            "number": notice.number,
            "issued_on": notice.issued_on.isoformat(),
            "on_time": notice.issued_on <= notice.due_on,
        },
    )
    if notice.kind != NoticeKind.TRANSFER or not petition.is_anonymous:
        from citizen.messages import send_to_citizen

        send_to_citizen(
            petition=petition,
            key=f"notice:{notice.pk}",
            subject=f"{heading(notice)} – {petition.code}",
            body=citizen_message(notice),
            sms_text=citizen_sms(notice),
            attachment=(
                f"{petition.code}-{notice.kind}.docx",
                content,
                NOTICE_MIME,
            ),
        )
    return notice


def heading(notice: Notice) -> str:
    """The title on one line: "Thông báo Về việc thụ lý giải quyết khiếu nại"."""
    return " ".join(notice.title.split())


def citizen_message(notice: Notice) -> str:
    petition = notice.petition
    return (
        f"{notice.unit.name} gửi ông/bà {heading(notice).lower()} "
        f"(số {notice.number}, ngày {_dmy(notice.issued_on)}) về đơn mã số {petition.code}.\n\n"
        f"{notice.body}\n\n"
        "Văn bản được đính kèm thư này. Ông/bà có thể tra cứu tình trạng đơn bằng mã số đơn "
        "và 4 số cuối điện thoại đã cung cấp tại trang Tra cứu đơn."
    )


def citizen_sms(notice: Notice) -> str:
    petition = notice.petition
    label = {
        NoticeKind.ACCEPTANCE: "da duoc thu ly",
        NoticeKind.REFUSAL: "khong duoc thu ly",
        NoticeKind.TRANSFER: "da duoc chuyen den co quan co tham quyen",
        NoticeKind.RESOLUTION: "da co ket qua giai quyet",
    }[NoticeKind(notice.kind)]
    return f"{notice.unit.code or 'DV'}: Don {petition.code} {label} (van ban so {notice.number})."


@transaction.atomic
def notice_withdraw(
    *, actor: User, notice: Notice, reason: str, expected_version: int | None = None
) -> Notice:
    """A draft that is not needed (the step was a mistake and is being corrected)."""
    require_notice_handler(actor, notice)
    notice = _lock(notice)
    check_version(notice, expected_version)
    _require_draft(notice)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason."), field="reason")
    notice.status = NoticeStatus.WITHDRAWN
    notice.withdraw_reason = reason
    _save(notice, "status", "withdraw_reason")
    _event(
        notice.petition,
        actor=actor,
        action=EventAction.NOTICE_WITHDRAWN,
        reason=reason,
        data={"notice": notice.pk, "kind": notice.kind},
    )
    return notice


NOTICE_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def notice_document_open(actor: Any, notice: Notice, *, channel: str) -> Any:
    """
    The issued document, opened for reading. It names the citizen: a denunciation's opens
    only for a person granted the right to see denouncers, and every such opening is logged.
    """
    from petitions.models import IdentityAccessLog
    from petitions.selectors import user_may_see_denouncer

    if notice.status != NoticeStatus.ISSUED or not notice.document:
        raise ServiceError(_("The notice is not issued yet."), code="not_ready", status_code=409)
    petition = notice.petition
    if petition.identity_protected:
        if not user_may_see_denouncer(actor, petition):
            raise Forbidden(_("The notice names the denouncer: only those granted may open it."))
        IdentityAccessLog.objects.create(
            user=actor,
            petition=petition,
            reason=_("Opened the issued notice %(number)s") % {"number": notice.number},
            channel=channel,
        )
    return notice.document.open("rb")
