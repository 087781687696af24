"""A petition's own page: details, redaction, the timeline, transitions, identity, files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from petitions import services
from petitions.models import (
    Complexity,
    EventAction,
    IdentityAccessLog,
    LinkKind,
    Petition,
    PetitionEvent,
    PetitionKind,
    PetitionLink,
    Status,
)
from petitions.reminders import PetitionDeadlines
from petitions.services import PetitionerInput
from tests.petitions.factories import PDF_BYTES, AttachmentFactory, PetitionFactory

DENOUNCER = "Lê Thị Mai"
DENOUNCER_CCCD = "068190004321"


def url(petition: Petition, suffix: str = "") -> str:
    return f"/petitions/{petition.pk}/{suffix}"


def today() -> Any:
    return timezone.localdate()


@pytest.fixture
def complaint(tree: Any, handler_a: Any) -> Petition:
    return PetitionFactory(  # type: ignore[return-value]
        actor=handler_a,
        unit=tree.commune_a1,
        summary="Khiếu nại về việc chưa được giao đất ở",
        petitioners=[PetitionerInput(full_name="Nguyễn Văn Nam", citizen_id="068090001234")],
    )


@pytest.fixture
def denunciation(tree: Any, handler_a: Any) -> Petition:
    return PetitionFactory(  # type: ignore[return-value]
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary="Tố cáo cán bộ địa chính",
        petitioners=[
            PetitionerInput(full_name=DENOUNCER, citizen_id=DENOUNCER_CCCD, phone="0912000111")
        ],
    )


def post(client: Any, petition: Petition, action: str, **data: Any) -> Any:
    """Submit a transition form as the page does (prefixed fields, the version it showed)."""
    petition.refresh_from_db()
    fields = {f"{action}-version": petition.version}
    fields.update({f"{action}-{name}": value for name, value in data.items()})
    return client.post(url(petition, f"actions/{action}/"), fields)


def page_of(response: Any) -> str:
    return response.content.decode()


# --- Personas ---------------------------------------------------------------------------------
def test_cadre_of_the_commune_sees_the_page(client, complaint, cadre_a):
    client.force_login(cadre_a)

    response = client.get(url(complaint))

    page = page_of(response)
    assert response.status_code == 200
    assert complaint.code in page
    assert "Khiếu nại về việc chưa được giao đất ở" in page
    assert "Nguyễn Văn Nam" in page and "068090001234" in page
    assert "02/03/2026" in page  # received, dd/mm/yyyy
    assert "Quá hạn" in page  # the 10-working-day clock ran out long ago
    assert 'id="timeline"' in page and "Đã tiếp nhận" in page
    # A cadre records petitions but does not handle them: no step offered.
    assert 'id="actions"' not in page


def test_cadre_of_a_sibling_commune_gets_404(client, complaint, cadre_b):
    client.force_login(cadre_b)

    assert client.get(url(complaint)).status_code == 404
    assert post(client, complaint, "accept", reason="x").status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_anonymous_is_sent_to_log_in(client, complaint):
    response = client.get(url(complaint))

    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_province_supervisor_sees_it_and_may_extend_a_complex_denunciation(
    client, denunciation, supervisor, handler_a
):
    services.petition_update(
        actor=handler_a, petition=denunciation, changes={"complexity": Complexity.COMPLEX}
    )
    services.petition_accept(actor=handler_a, petition=denunciation, reason="Đủ điều kiện")
    client.force_login(supervisor)

    page = page_of(client.get(url(denunciation)))

    assert 'id="step-extend"' in page
    assert DENOUNCER not in page and "[đã ẩn]" in page
    assert "Hiện danh tính" not in page


def test_list_rows_link_to_the_page(client, complaint, cadre_a):
    client.force_login(cadre_a)

    assert f'href="/petitions/{complaint.pk}/"' in page_of(client.get("/petitions/"))


def test_unknown_or_deleted_petition_is_404(client, complaint, handler_a, administrator):
    client.force_login(handler_a)
    assert client.get("/petitions/999999/").status_code == 404
    services.petition_delete(actor=administrator, petition=complaint, reason="Nhập nhầm")
    assert client.get(url(complaint)).status_code == 404


# --- Denouncer protection ----------------------------------------------------------------------
def test_handler_without_the_permission_sees_it_redacted_and_no_button(
    client, denunciation, handler_a
):
    client.force_login(handler_a)

    page = page_of(client.get(url(denunciation)))

    assert DENOUNCER not in page
    assert DENOUNCER_CCCD not in page and "0912000111" not in page
    assert "[đã ẩn]" in page
    assert "Hiện danh tính" not in page
    response = client.post(url(denunciation, "identity/"), {"reason": "Tò mò"})
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này." in page_of(response)
    assert DENOUNCER not in page_of(response)
    assert not IdentityAccessLog.objects.exists()


def test_permitted_handler_reveals_with_a_reason_and_it_is_logged(
    client, denunciation, identity_officer
):
    client.force_login(identity_officer)
    page = page_of(client.get(url(denunciation)))
    assert "Hiện danh tính" in page
    assert DENOUNCER not in page  # the button first, the identity only when asked

    response = client.post(url(denunciation, "identity/"), {"reason": "Xác minh nội dung tố cáo"})

    assert response.status_code == 200
    assert DENOUNCER in page_of(response) and DENOUNCER_CCCD in page_of(response)
    assert "no-store" in response["Cache-Control"]
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.petition, log.channel) == (identity_officer, denunciation, "web")
    assert log.reason == "Xác minh nội dung tố cáo"
    # On that response only: the next visit is redacted again.
    assert DENOUNCER not in page_of(client.get(url(denunciation)))


def test_reveal_without_a_reason_is_400_and_not_logged(client, denunciation, identity_officer):
    client.force_login(identity_officer)

    response = client.post(url(denunciation, "identity/"), {"reason": "  "})

    assert response.status_code == 400
    assert "Hãy nêu lý do." in page_of(response)
    assert DENOUNCER not in page_of(response)
    assert not IdentityAccessLog.objects.exists()


def test_identity_officer_of_another_unit_gets_no_button(
    client, tree, denunciation, identity_officer, handler_a
):
    services.petition_transfer(
        actor=handler_a,
        petition=denunciation,
        to_unit=tree.province_a,
        reason="Vượt thẩm quyền",
        due_on=today() + timedelta(days=10),
    )
    client.force_login(identity_officer)

    response = client.get(url(denunciation))

    # Still visible (received here) but handled by the province now: no identity here.
    assert response.status_code == 200
    assert "Hiện danh tính" not in page_of(response)
    assert client.post(url(denunciation, "identity/"), {"reason": "x"}).status_code == 403


def test_timeline_never_shows_a_denouncers_name(client, denunciation, identity_officer):
    client.force_login(identity_officer)
    client.post(url(denunciation, "identity/"), {"reason": "Xác minh"})

    timeline = page_of(client.get(url(denunciation))).split('id="timeline"')[1]

    assert DENOUNCER not in timeline


# --- Transitions through the page ------------------------------------------------------------
def last_event(petition: Petition) -> PetitionEvent:
    return PetitionEvent.objects.filter(petition=petition).order_by("-id").first()  # type: ignore[return-value]


def test_accept_happy_path_shows_the_event_in_the_timeline(client, complaint, handler_a):
    client.force_login(handler_a)
    page = page_of(client.get(url(complaint)))
    assert 'id="step-accept"' in page and 'id="step-resolve"' not in page

    response = post(client, complaint, "accept", reason="Đủ điều kiện thụ lý")

    assert response.status_code == 302
    assert response["Location"] == url(complaint) + "#timeline"
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED
    followed = client.get(url(complaint))
    page = page_of(followed)
    assert "Đã thụ lý" in page
    assert "Đủ điều kiện thụ lý" in page.split('id="timeline"')[1]
    assert "Trạng thái của đơn nay là" in page


def test_accept_needs_no_reason(client, complaint, handler_a):
    """Thụ lý is the routine step: its reason field is optional and carries no marker."""
    client.force_login(handler_a)
    page = page_of(client.get(url(complaint)))
    accept = page.split('id="step-accept"')[1].split("</form>")[0]
    assert "required-mark" not in accept.split('data-field="reason"')[1]

    response = post(client, complaint, "accept", reason="")

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED
    assert last_event(complaint).reason == ""


def test_filing_without_a_reason_is_400_with_a_summary_and_the_message_at_the_field(
    client, complaint, handler_a
):
    """Lưu đơn (a refusal to act) is written down with its grounds."""
    client.force_login(handler_a)
    page = page_of(client.get(url(complaint)))
    filing = page.split('id="step-file"')[1].split("</form>")[0]
    assert "required-mark" in filing.split('data-field="reason"')[1].split("</div>")[0]
    assert "* bắt buộc" in " ".join(filing.replace("</span>", "").split()) or "bắt buộc" in filing

    response = post(client, complaint, "file", reason="  ")

    assert response.status_code == 400
    page = page_of(response)
    step = page.split('id="step-file"')[1].split("</form>")[0]
    assert 'role="alert"' in step and "Có 1 lỗi" in step
    assert 'href="#id_file-reason"' in step
    message = "Lý do là bắt buộc với bước này"
    assert message in step.split('data-field="reason"')[1]
    assert 'aria-invalid="true"' in step
    # The step that was refused is open, and so is the list of other steps around it.
    assert 'class="more-steps" open' in page
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED
    assert last_event(complaint).action == EventAction.CREATED


def test_invalid_transition_is_refused_with_a_message_and_nothing_changes(
    client, complaint, handler_a
):
    client.force_login(handler_a)

    response = post(client, complaint, "close", reason="Đóng")

    assert response.status_code == 409
    assert "Không thể kết thúc đơn đang ở trạng thái “Đã tiếp nhận”" in page_of(response)
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_a_stale_page_is_refused(client, complaint, handler_a):
    client.force_login(handler_a)
    stale = complaint.version
    services.petition_accept(actor=handler_a, petition=complaint, reason="Người khác đã thụ lý")

    response = client.post(
        url(complaint, "actions/start_resolution/"),
        {"start_resolution-version": stale, "start_resolution-reason": "Bắt đầu"},
    )

    assert response.status_code == 412
    assert "đã được người khác thay đổi" in page_of(response)
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED


def test_unknown_action_is_404(client, complaint, handler_a):
    client.force_login(handler_a)
    assert client.post(url(complaint, "actions/explode/"), {}).status_code == 404
    assert client.get(url(complaint, "actions/accept/")).status_code == 405


def test_cadre_cannot_post_a_step(client, complaint, cadre_a):
    client.force_login(cadre_a)

    response = post(client, complaint, "accept", reason="Thử")

    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_start_resolution_and_resolve(client, complaint, handler_a):
    client.force_login(handler_a)
    post(client, complaint, "accept", reason="Thụ lý")

    assert post(client, complaint, "start_resolution", reason="Xác minh").status_code == 302
    bad = post(
        client,
        complaint,
        "resolve",
        result="right",
        answer_number="",
        answer_issued_on=today().isoformat(),
        answer_signer="Chủ tịch UBND xã",
    )
    assert bad.status_code == 400
    assert 'data-field="answer_number"' in page_of(bad)
    future = post(
        client,
        complaint,
        "resolve",
        result="right",
        answer_number="12/QĐ-UBND",
        answer_issued_on=(today() + timedelta(days=5)).isoformat(),
        answer_signer="Chủ tịch UBND xã",
    )
    assert future.status_code == 400
    assert "Ngày không được sau ngày hôm nay." in page_of(future)
    assert 'data-field="answer_issued_on"' in page_of(future)
    complaint.refresh_from_db()
    assert complaint.status == Status.UNDER_RESOLUTION and not complaint.answers.exists()

    done = post(
        client,
        complaint,
        "resolve",
        result="partly_right",
        answer_number="12/QĐ-UBND",
        answer_issued_on=today().strftime("%d/%m/%Y"),
        answer_signer="Chủ tịch UBND xã",
        answer_summary="Đúng một phần",
    )

    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.result == "partly_right"
    page = page_of(client.get(url(complaint)))
    assert "12/QĐ-UBND" in page
    assert 'id="step-reopen"' in page and 'id="step-close"' in page


def test_start_resolution_on_a_received_petition_is_refused(client, complaint, handler_a):
    client.force_login(handler_a)

    response = post(client, complaint, "start_resolution", reason="Sớm quá")

    assert response.status_code == 409
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_transfer_and_the_receiver_reports_back(client, tree, complaint, handler_a, handler_a2):
    client.force_login(handler_a)
    past = post(
        client,
        complaint,
        "transfer",
        to_unit=tree.commune_a2.pk,
        due_on=(today() - timedelta(days=1)).isoformat(),
        reason="Thuộc thẩm quyền xã bên",
    )
    assert past.status_code == 400
    assert "Hạn báo cáo của nơi nhận phải sau ngày hôm nay." in page_of(past)
    own = post(client, complaint, "transfer", to_unit=tree.commune_a1.pk, reason="x")
    assert own.status_code == 400  # the handling unit itself is not offered
    assert 'data-field="to_unit"' in page_of(own)

    due = today() + timedelta(days=14)
    response = post(
        client,
        complaint,
        "transfer",
        to_unit=tree.commune_a2.pk,
        due_on=due.isoformat(),
        reason="Thuộc thẩm quyền xã bên",
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.TRANSFERRED
    assert complaint.handling_unit == tree.commune_a2
    assert due.strftime("%d/%m/%Y") in page_of(client.get(url(complaint)))

    client.force_login(handler_a2)
    assert post(client, complaint, "report_transfer", result="  ").status_code == 400
    reported = post(client, complaint, "report_transfer", result="Đã giải quyết xong")
    assert reported.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.transfers.get().result == "Đã giải quyết xong"


def test_guide(client, complaint, handler_a):
    client.force_login(handler_a)

    missing = post(client, complaint, "guide", reason="Không thuộc thẩm quyền")
    assert missing.status_code == 400
    assert "Nêu cơ quan có thẩm quyền." in page_of(missing)

    done = post(
        client, complaint, "guide", reason="Không thuộc thẩm quyền", competent_body="Tòa án"
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.GUIDED
    assert "Tòa án" in page_of(client.get(url(complaint)))


def test_return_papers_then_close(client, complaint, handler_a):
    client.force_login(handler_a)

    assert post(client, complaint, "return_papers", reason="").status_code == 400
    assert post(client, complaint, "return_papers", reason="Trả đơn gốc").status_code == 302
    # Closing a finished file is routine: no reason needed.
    assert post(client, complaint, "close", reason="").status_code == 302

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED


def test_file_as_a_duplicate_by_code(client, tree, complaint, handler_a):
    earlier = PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Đơn trước")
    client.force_login(handler_a)

    unknown = post(client, complaint, "file", reason="Trùng", duplicate_of="DT-1999-000001")
    assert unknown.status_code == 400
    assert "Không có đơn nào của đơn vị bạn có mã này." in page_of(unknown)

    done = post(client, complaint, "file", reason="Trùng đơn đã trả lời", duplicate_of=earlier.code)

    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.FILED
    link = PetitionLink.objects.get(petition=complaint)
    assert (link.target, link.kind) == (earlier, LinkKind.DUPLICATE_OF)
    assert f'href="/petitions/{earlier.pk}/"' in page_of(client.get(url(complaint)))
    assert f'href="/petitions/{complaint.pk}/"' in page_of(client.get(url(earlier)))


def test_suspend_and_resume(client, complaint, handler_a):
    client.force_login(handler_a)
    post(client, complaint, "accept", reason="Thụ lý", accepted_on=today().isoformat())

    early = post(
        client,
        complaint,
        "suspend",
        reason="Chờ giám định",
        suspended_on=(today() - timedelta(days=3)).isoformat(),
    )
    assert early.status_code == 400
    assert "Ngày tạm đình chỉ không được trước ngày bắt đầu tính thời hạn." in page_of(early)
    assert post(client, complaint, "suspend", reason="Chờ giám định").status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.SUSPENDED
    assert "Tạm dừng tính thời hạn" in page_of(client.get(url(complaint)))

    same_day = post(client, complaint, "resume", reason="Có kết quả giám định")
    assert same_day.status_code == 400
    assert "Ngày tiếp tục phải sau ngày tạm đình chỉ." in page_of(same_day)
    complaint.suspensions.update(started_on=today() - timedelta(days=2))
    assert post(client, complaint, "resume", reason="Có kết quả giám định").status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED


def test_extend_by_decision(client, denunciation, handler_a, leader_a1):
    services.petition_update(
        actor=handler_a, petition=denunciation, changes={"complexity": Complexity.COMPLEX}
    )
    services.petition_accept(actor=handler_a, petition=denunciation, reason="Thụ lý")
    client.force_login(handler_a)
    assert 'id="step-extend"' not in page_of(client.get(url(denunciation)))
    client.force_login(leader_a1)
    before = Petition.objects.get(pk=denunciation.pk).due_date

    too_long = post(
        client, denunciation, "extend", days=45, decision_number="5/QĐ-GH", reason="Phức tạp"
    )
    assert too_long.status_code == 400
    assert "Mỗi lần gia hạn từ 1 đến 30 ngày." in page_of(too_long)

    done = post(
        client, denunciation, "extend", days=30, decision_number="5/QĐ-GH", reason="Phức tạp"
    )

    assert done.status_code == 302
    denunciation.refresh_from_db()
    assert denunciation.due_date is not None and before is not None
    assert denunciation.due_date >= before + timedelta(days=30)
    page = page_of(client.get(url(denunciation)))
    assert "5/QĐ-GH" in page
    # The one extension the policy allows is used: no longer offered.
    assert 'id="step-extend"' not in page


def test_assign(client, complaint, handler_a, cadre_b):
    client.force_login(handler_a)

    wrong = post(client, complaint, "assign", assignee=cadre_b.pk, reason="")
    assert wrong.status_code == 400
    assert 'data-field="assignee"' in page_of(wrong)

    assert post(client, complaint, "assign", assignee=handler_a.pk).status_code == 302
    complaint.refresh_from_db()
    assert complaint.assignee == handler_a


def test_reopen_as_a_second_complaint(client, tree, complaint, handler_a):
    recommendation = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.RECOMMENDATION
    )
    for petition in (complaint, recommendation):
        services.petition_accept(actor=handler_a, petition=petition, reason="Thụ lý")
        services.petition_resolve(
            actor=handler_a,
            petition=petition,
            result="wrong",
            answer=services.AnswerInput(number="1/TL", issued_on=today(), signer="Chủ tịch"),
        )
    client.force_login(handler_a)
    assert 'id="step-reopen"' not in page_of(client.get(url(recommendation)))

    refused = post(client, recommendation, "reopen", reason="Khiếu nại lần hai")
    assert refused.status_code == 409
    assert "Chỉ đơn khiếu nại mới được mở lại để giải quyết lần hai." in page_of(refused)

    assert post(client, complaint, "reopen", reason="Khiếu nại lần hai").status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.instance) == (Status.RECEIVED, 2)


# --- Attachments ----------------------------------------------------------------------------
def test_attachment_download_is_scoped(client, tree, complaint, cadre_a, cadre_b, handler_a):
    attachment = AttachmentFactory(petition=complaint, original_name="don-goc.pdf")
    other = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client.force_login(cadre_a)
    page = page_of(client.get(url(complaint)))
    assert f'href="/petitions/{complaint.pk}/attachments/{attachment.pk}/"' in page
    assert "/media/" not in page

    response = client.get(url(complaint, f"attachments/{attachment.pk}/"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "don-goc.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    # The attachment through another petition's address: 404.
    assert client.get(url(other, f"attachments/{attachment.pk}/")).status_code == 404
    client.force_login(cadre_b)
    assert client.get(url(complaint, f"attachments/{attachment.pk}/")).status_code == 404
    client.logout()
    assert client.get(url(complaint, f"attachments/{attachment.pk}/")).status_code == 302


def test_a_denunciations_files_are_not_downloaded(client, denunciation, identity_officer):
    attachment = AttachmentFactory(
        petition=denunciation, original_name="don to cao - Tran Van Kin.pdf"
    )
    client.force_login(identity_officer)

    page = page_of(client.get(url(denunciation)))

    # A scanned letter is often named after its writer: the page names it by number only.
    assert "Tran Van Kin" not in page
    assert f"tệp-đính-kèm-{attachment.pk}.pdf" in page
    assert f"attachments/{attachment.pk}/" not in page
    assert client.get(url(denunciation, f"attachments/{attachment.pk}/")).status_code == 403
    # Beside a logged reveal, the real name is shown with the identity.
    revealed = client.post(url(denunciation, "identity/"), {"reason": "Xác minh nội dung tố cáo"})
    assert "don to cao - Tran Van Kin.pdf" in page_of(revealed)


def test_transfer_offers_nearby_units_not_villages_or_other_provinces(tree, complaint, handler_a):
    from petitions.forms import transfer_targets

    offered = set(transfer_targets(complaint))

    assert {
        tree.central,
        tree.province_a,
        tree.province_b,
        tree.commune_a2,
        tree.board_a,
    } <= offered
    assert not {tree.commune_a1, tree.village_a1, tree.commune_b1} & offered


# --- Cost ------------------------------------------------------------------------------------
def test_page_queries_do_not_grow_with_the_timeline(
    client, tree, complaint, handler_a, count_queries
):
    client.force_login(handler_a)
    AttachmentFactory(petition=complaint)
    client.get(url(complaint))  # warm the session and permission caches alike for both runs

    with count_queries() as few:
        assert client.get(url(complaint)).status_code == 200
    for i in range(40):
        services.petition_assign(
            actor=handler_a, petition=complaint, assignee=handler_a, reason=f"Lần {i}"
        )
        services.petition_link(
            actor=handler_a,
            petition=complaint,
            target=PetitionFactory(actor=handler_a, unit=tree.commune_a1),
        ) if i < 5 else None
    with count_queries() as many:
        assert client.get(url(complaint)).status_code == 200

    assert complaint.events.count() > 40
    assert len(many) == len(few), many
    # session, user, the user's memberships (roles and scope) and its units' ids (each read
    # once), the petition, its 8 prefetched relations (petitioners, respondents, attachments,
    # answers, suspensions, extensions, transfers, links), the petitions merged into it, the
    # timeline, links from other petitions, the user's identity grants, the citizen's history,
    # the duplicate suggestions a handler settles (dismissed ones, links either way, the same
    # petitioners, the location's commune, its recent petitions), its notices to the citizen,
    # its internal notes, and the choices of two forms (transfer targets, assignable people).
    # The steps offered ask the one authorization rule, which reads the cached memberships.
    assert len(many) == 27, many


# --- Reminders link here --------------------------------------------------------------------
def test_reminders_link_to_the_page_not_the_admin(client, complaint, handler_a):
    complaint.refresh_from_db()
    due = complaint.due_date
    assert due is not None

    batches = list(PetitionDeadlines().items([(due, due + timedelta(days=1))]))

    (item,) = [i for batch in batches for i in batch]
    assert item.url == f"/petitions/{complaint.pk}/"
    client.force_login(handler_a)
    assert client.get(item.url).status_code == 200
