"""
A living office for the demo: this year's petitions in every state and kind, this year's
tasks cascaded from a directive with progress reports waiting for approval, and the
reminders and e-mails they cause, all dated relative to the day the seed runs.

The articles' facts (seeds/petitions.py DEMO, seeds/tasks.py) are left as they are; this
module only adds records of its own.

How the records stay current (decided for issue #15):
- Every record carries a marker in its client id: "danvan:demo-office:<batch>:<key>".
- The *year* batch (batch = the seed day's year) spreads petitions and tasks over the twelve
  months before the seed day: resolved on time and late, guided, filed, suspended, accepted
  and overdue. It is written once per year.
- The *week* batch (batch = the ISO week of the seed day) is the fresh intake placed exactly
  where the reminder stages look (3 and 1 working days to go, due today, 1 working day
  overdue). It is written once per week, so `make run` on a later day in the same week adds
  nothing, and in a later week tops the office up with a new batch while the older ones have
  aged naturally (their clocks kept running: due soon became overdue).
- Nothing is ever deleted or rewritten: a second run finds each client id and skips it.

Dates go through the services' own parameters (received_on, accepted_on, answer.issued_on,
today=…, reported_on); deadlines are computed by the services from the real working-day
calendar (petitions.clock / danvan.calendar). Only the audit timestamps (created_at of the
events) carry the real moment of seeding.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from danvan.org.models import Unit, UnitLevel, User
from petitions import clock
from petitions import services as petition_services
from petitions.models import (
    Channel,
    Complexity,
    Notice,
    NoticeStatus,
    Petition,
    PetitionField,
    PetitionKind,
    Result,
    Stage,
)
from petitions.services.deadlines import policy_for
from tasks import services as task_services
from tasks.models import ProgressReport, Task
from tasks.services import SYSTEM, Deadline

MARK = "danvan:demo-office"
COMMUNES = ("25000", "23089")  # Xã Di Linh, Xã Hàm Thuận Bắc (both in Lâm Đồng today)
K = PetitionKind


def client_uuid(batch: str, key: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{MARK}:{batch}:{key}")


def week_batch(today: date) -> str:
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def seed_actor() -> User:
    """The superuser who records demo data, or a system account that cannot sign in."""
    actor = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    if actor is None:
        actor, created = User.objects.get_or_create(
            username="seed", defaults={"is_superuser": True, "full_name": "Dữ liệu mẫu"}
        )
        if created:
            actor.set_unusable_password()
            actor.save(update_fields=["password"])
    return actor


@dataclass(frozen=True)
class Demo:
    key: str
    unit: str
    kind: str
    field: str
    summary: str
    name: str
    phone: str
    # "received": (working days left on the intake clock) → placed where reminders look;
    # otherwise the number of calendar days ago it was received.
    ago: int = 0
    left: int | None = None
    outcome: str = ""  # "", accept, start, suspend, resolve_on_time, resolve_late, guide, …
    channel: str = Channel.RECEPTION


# The week's intake: placed at the reminder stages' positions (working days left).
WEEK: list[Demo] = [
    Demo(
        "w-phan-anh-den-duong",
        "25000",
        K.FEEDBACK,
        "hanh-chinh-khac",
        "Phản ánh đèn chiếu sáng đường liên thôn hư hỏng nhiều tháng",
        "Nguyễn Thị Lan",
        "0912000101",
        left=3,
    ),
    Demo(
        "w-kien-nghi-nuoc-sach",
        "23089",
        K.RECOMMENDATION,
        "chinh-sach-che-do",
        "Kiến nghị đầu tư công trình nước sạch cho thôn Lâm Hòa",
        "Trần Văn Tâm",
        "0912000102",
        left=1,
        channel=Channel.VOTERS,
    ),
    Demo(
        "w-khieu-nai-boi-thuong",
        "25000",
        K.COMPLAINT,
        "dat-dai",
        "Khiếu nại mức bồi thường khi mở rộng đường giao thông nông thôn",
        "Lê Văn Phúc",
        "0912000103",
        left=0,
    ),
    Demo(
        "w-to-cao-thu-phi",
        "25000",
        K.DENUNCIATION,
        "tham-nhung",
        "Tố cáo việc thu phí vệ sinh môi trường không có biên lai",
        "Phạm Thị Hạnh",
        "0912000104",
        left=-1,
        channel=Channel.POST,
    ),
    Demo(
        "w-phan-anh-rac-thai",
        "23089",
        K.FEEDBACK,
        "hanh-chinh-khac",
        "Phản ánh rác thải tập kết gần trường học",
        "Võ Thị Thu",
        "0912000105",
        left=2,
        channel=Channel.HOTLINE,
    ),
]

# The year: one petition per state and outcome, spread over the last twelve months.
YEAR: list[Demo] = [
    Demo(
        "y-khieu-nai-dung-han",
        "25000",
        K.COMPLAINT,
        "dat-dai",
        "Khiếu nại quyết định thu hồi đất làm đường nội thôn",
        "Đinh Văn Hòa",
        "0913000201",
        ago=300,
        outcome="resolve_on_time",
    ),
    Demo(
        "y-to-cao-tre-han",
        "25000",
        K.DENUNCIATION,
        "tham-nhung",
        "Tố cáo cán bộ địa chính gây khó khăn khi làm thủ tục cấp giấy chứng nhận",
        "Hoàng Thị Yến",
        "0913000202",
        ago=240,
        outcome="resolve_late",
    ),
    Demo(
        "y-kien-nghi-dung-han",
        "23089",
        K.RECOMMENDATION,
        "chinh-sach-che-do",
        "Kiến nghị hỗ trợ giống cây trồng cho hộ nghèo sau hạn hán",
        "K'Thị Nhung",
        "0913000203",
        ago=200,
        outcome="resolve_on_time",
        channel=Channel.VOTERS,
    ),
    Demo(
        "y-phan-anh-tre-han",
        "23089",
        K.FEEDBACK,
        "hanh-chinh-khac",
        "Phản ánh chợ tạm lấn chiếm lòng đường",
        "Ngô Văn Sáu",
        "0913000204",
        ago=160,
        outcome="resolve_late_closed",
    ),
    Demo(
        "y-huong-dan",
        "25000",
        K.COMPLAINT,
        "tu-phap",
        "Khiếu nại bản án dân sự về tranh chấp thừa kế",
        "Bùi Văn Minh",
        "0913000205",
        ago=130,
        outcome="guide",
    ),
    Demo(
        "y-luu-don",
        "23089",
        K.FEEDBACK,
        "khac",
        "Đơn phản ánh trùng nội dung đã được trả lời",
        "Ngô Văn Sáu",
        "0913000204",
        ago=110,
        outcome="file",
    ),
    Demo(
        "y-tra-don",
        "25000",
        K.RECOMMENDATION,
        "nha-tai-san",
        "Kiến nghị kèm giấy tờ nhà ở bản gốc gửi nhầm nơi",
        "Vũ Thị Hồng",
        "0913000206",
        ago=95,
        outcome="return_papers",
    ),
    Demo(
        "y-tam-dinh-chi",
        "25000",
        K.COMPLAINT,
        "dat-dai",
        "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất chồng lấn",
        "Trương Văn Nam",
        "0913000207",
        ago=70,
        outcome="suspend",
    ),
    Demo(
        "y-qua-han",
        "23089",
        K.COMPLAINT,
        "chinh-sach-che-do",
        "Khiếu nại việc chưa chi trả trợ cấp người có công",
        "Mai Thị Xuân",
        "0913000208",
        ago=60,
        outcome="accept",
    ),
    Demo(
        "y-dang-giai-quyet",
        "25000",
        K.DENUNCIATION,
        "dat-dai",
        "Tố cáo việc san lấp đất nông nghiệp trái phép",
        "Đặng Văn Lực",
        "0913000209",
        ago=20,
        outcome="start",
    ),
    Demo(
        "y-chuyen-don",
        "25000",
        K.RECOMMENDATION,
        "hanh-chinh-khac",
        "Kiến nghị về tuyến xe buýt qua địa bàn hai xã",
        "Phan Thị Gấm",
        "0913000210",
        ago=6,
        outcome="transfer",
    ),
    Demo(
        "y-nhieu-noi-dung",
        "23089",
        K.MIXED,
        "hanh-chinh",
        "Đơn vừa kiến nghị vừa phản ánh việc cấp điện sinh hoạt",
        "Lâm Văn Đức",
        "0913000211",
        ago=4,
        outcome="",
    ),
]


def _received_for(today: date, kind: str, left: int) -> date:
    """The day to receive a petition so its intake clock has `left` working days to go."""
    stages: dict[str, str] = {K.COMPLAINT: Stage.ACCEPTANCE, K.DENUNCIATION: Stage.CHECK}
    stage = stages.get(kind, Stage.PROCESSING)
    policy = policy_for(kind=kind, stage=stage, unit=None)
    amount, unit = (policy.amount, policy.day_unit) if policy else (10, clock.DayUnit.WORKING)
    day = today
    for _step in range(60):
        if clock.working_days_left(today, clock.deadline(day, amount, unit)) <= left:
            return day
        day -= timedelta(days=1)
    return day


def _create(actor: User, demo: Demo, batch: str, received_on: date, today: date) -> Petition:
    unit = Unit.objects.get(code=demo.unit)
    petition, _created = petition_services.petition_create(
        actor=actor,
        client_id=client_uuid(batch, demo.key),
        data=petition_services.PetitionData(
            receiving_unit=unit,
            location_unit=unit,
            received_on=received_on,
            channel=demo.channel,
            kind=demo.kind,
            field=PetitionField.objects.filter(code=demo.field).first(),
            summary=demo.summary,
            content=f"{demo.summary}. Công dân đề nghị cơ quan có thẩm quyền xem xét, giải quyết.",
            complexity=Complexity.NORMAL,
            petitioners=[petition_services.PetitionerInput(full_name=demo.name, phone=demo.phone)],
        ),
        today=today,
    )
    return petition


def _answer(number: str, issued_on: date) -> Any:
    return petition_services.AnswerInput(
        number=number, issued_on=issued_on, signer="Chủ tịch UBND xã", summary="Trả lời công dân"
    )


def _issue_notices(actor: User, petition: Petition, today: date) -> None:
    """The finished petitions' notices were issued on their due day (the open ones stay due)."""
    for notice in Notice.objects.filter(petition=petition, status=NoticeStatus.DRAFT):
        petition_services.notice_issue(
            actor=actor,
            notice=notice,
            number=f"{notice.pk:03d}/TB-UBND",
            signer="Nguyễn Văn Thành",
            signer_title="Chủ tịch Ủy ban nhân dân xã",
            issued_on=min(today, timezone.localdate(), max(notice.due_on, petition.received_on)),
        )


def _carry_out(actor: User, petition: Petition, demo: Demo, today: date) -> None:
    """Take the petition to its demo state with dates in the past (services' date params)."""
    received = petition.received_on
    outcome = demo.outcome
    if outcome in ("guide", "file", "return_papers", "transfer"):
        on = min(today, received + timedelta(days=3))
        if outcome == "guide":
            petition_services.petition_guide(
                actor=actor,
                petition=petition,
                reason="Không thuộc thẩm quyền của xã",
                competent_body="Tòa án nhân dân khu vực",
                today=on,
            )
        elif outcome == "file":
            petition_services.petition_file(
                actor=actor, petition=petition, reason="Nội dung đã được trả lời", today=on
            )
        elif outcome == "return_papers":
            petition_services.petition_return_papers(
                actor=actor, petition=petition, reason="Trả lại giấy tờ bản gốc", today=on
            )
        else:
            other = Unit.objects.get(code="23089" if demo.unit == "25000" else "25000")
            petition_services.petition_transfer(
                actor=actor,
                petition=petition,
                to_unit=other,
                reason="Nội dung liên quan địa bàn xã bạn",
                today=today,
            )
        return
    if not outcome:
        return
    accepted_on = min(today, received + timedelta(days=5))
    petition = petition_services.petition_accept(
        actor=actor,
        petition=petition,
        reason="Đủ điều kiện thụ lý",
        accepted_on=accepted_on,
        today=today,
    )
    if outcome == "start":
        petition_services.petition_start_resolution(actor=actor, petition=petition)
    elif outcome == "suspend":
        petition_services.petition_suspend(
            actor=actor,
            petition=petition,
            reason="Chờ kết quả giám định hồ sơ địa chính",
            suspended_on=min(today, accepted_on + timedelta(days=10)),
            today=today,
        )
    elif outcome.startswith("resolve"):
        due = petition.due_date or accepted_on
        issued_on = (
            due - timedelta(days=3) if outcome == "resolve_on_time" else due + timedelta(days=12)
        )
        issued_on = min(today, max(accepted_on, issued_on))
        number = f"{petition.pk:03d}/QĐ-UBND" if demo.kind == K.COMPLAINT else f"{petition.pk}/TB"
        petition = petition_services.petition_resolve(
            actor=actor,
            petition=petition,
            result=Result.PARTLY_RIGHT,
            answer=_answer(number, issued_on),
            today=today,
        )
        _issue_notices(actor, petition, today)
        if outcome.endswith("closed"):
            petition_services.petition_close(actor=actor, petition=petition)


def seed_office_petitions(today: date | None = None) -> int:
    """The week's and the year's demo petitions; returns how many were created now."""
    today = today or timezone.localdate()
    actor = seed_actor()
    made = 0
    batches = [(week_batch(today), WEEK), (str(today.year), YEAR)]
    for batch, demos in batches:
        for demo in demos:
            if Petition.objects.filter(client_id=client_uuid(batch, demo.key)).exists():
                continue
            if demo.left is not None:
                received_on = _received_for(today, demo.kind, demo.left)
            else:
                received_on = today - timedelta(days=demo.ago)
            with transaction.atomic():
                petition = _create(actor, demo, batch, received_on, today)
                _carry_out(actor, petition, demo, today)
            made += 1
    return made


# --- Tasks: this year's plan, cascaded to the communes, with reports ----------------------------
def _task(
    board: Unit,
    directive: Any,
    batch: str,
    key: str,
    title: str,
    due: date,
    communes: list[Unit] | None = None,
) -> Task:
    """A task of the board, cascaded to every commune of the province or given to `communes`."""
    task = task_services.task_create(
        actor=SYSTEM,
        title=title,
        issuing_unit=board,
        lead_unit=board,
        directive=directive,
        deadline=Deadline(due_on=due),
        client_id=f"{MARK}:{batch}:task:{key}",
    )
    if communes is None:
        task_services.task_cascade(actor=SYSTEM, task=task, level=UnitLevel.COMMUNE)
    for commune in communes or []:
        task_services.task_create(
            actor=SYSTEM,
            title=title,
            issuing_unit=board,
            lead_unit=commune,
            parent=task,
            directive=directive,
            deadline=Deadline(due_on=due),
            client_id=f"{MARK}:{batch}:task:{key}:{commune.code}",
        )
    return task


def _report(task: Task, commune: Unit, key: str, percent: int, text: str, on: date) -> None:
    child = Task.objects.filter(parent=task, lead_unit=commune).first()
    client_id = f"{MARK}:report:{key}"
    if child is None or ProgressReport.objects.filter(client_id=client_id).exists():
        return
    task_services.progress_report_submit(
        actor=SYSTEM, task=child, text=text, percent=percent, reported_on=on, client_id=client_id
    )


@transaction.atomic
def seed_office_tasks(today: date | None = None) -> None:
    """A plan of the province's Ban Dân vận issued this year, and the communes' reports."""
    today = today or timezone.localdate()
    batch = str(today.year)
    units = {u.code: u for u in Unit.objects.filter(code__in=["68.BDV", *COMMUNES])}
    board = units["68.BDV"]
    issued_on = max(date(today.year, 1, 1), today - timedelta(days=90))
    directive = task_services.directive_create(
        actor=SYSTEM,
        number_text=f"Kế hoạch số 01-KH/BDVTU ngày {issued_on:%d/%m/%Y}",
        issuer="BDVTU",
        title=f"Thực hiện công tác dân vận và giải quyết đơn thư của Nhân dân năm {today.year}",
        summary="Ban Dân vận Tỉnh ủy Lâm Đồng (dữ liệu trình diễn, ngày tính theo hôm nay).",
        issuing_unit=board,
        issued_on=issued_on,
        client_id=f"{MARK}:{batch}:directive",
    )
    soon = clock.add_working_days(today, 2)
    late = clock.add_working_days(today, -1)
    later = today + timedelta(days=45)
    di_linh, htb = units["25000"], units["23089"]
    # Cascaded to every commune of the province; due in two working days (reminders).
    opinion = _task(
        board,
        directive,
        batch,
        "nam-tinh-hinh",
        "Báo cáo tình hình tư tưởng Nhân dân và kết quả đối thoại với Nhân dân",
        soon,
    )
    model = _task(
        board,
        directive,
        batch,
        "dan-van-kheo",
        "Đăng ký và xây dựng mô hình “Dân vận khéo” năm nay ở mỗi xã",
        later,
    )
    # Given to the two demo communes only: one working day overdue.
    backlog = _task(
        board,
        directive,
        batch,
        "don-ton-dong",
        "Rà soát, giải quyết dứt điểm đơn thư tồn đọng, kéo dài ở cơ sở",
        late,
        communes=[di_linh, htb],
    )
    # Waiting for the supervisor's approval (100 % from the lead unit) …
    _report(
        opinion,
        htb,
        f"{batch}:opinion:htb",
        100,
        "Đã tổ chức 3 cuộc đối thoại, tổng hợp 12 ý kiến, kiến nghị của Nhân dân.",
        today,
    )
    _report(
        model,
        di_linh,
        f"{batch}:model:di-linh",
        100,
        "Đăng ký mô hình “Dân vận khéo” làm đường giao thông nông thôn ở thôn Đồng Lạc.",
        today - timedelta(days=1),
    )
    # … still under way, due soon …
    _report(
        opinion,
        di_linh,
        f"{batch}:opinion:di-linh",
        60,
        "Đã tổng hợp tình hình ở 8/12 thôn; còn 4 thôn đang nắm tình hình.",
        today,
    )
    # … approved, and returned for more work (then overdue).
    _report(
        backlog,
        di_linh,
        f"{batch}:backlog:di-linh",
        100,
        "Đã giải quyết 5/5 đơn tồn đọng, có văn bản trả lời công dân.",
        today - timedelta(days=10),
    )
    _report(
        backlog,
        htb,
        f"{batch}:backlog:htb",
        100,
        "Đã rà soát đơn tồn đọng.",
        today - timedelta(days=5),
    )
    for commune, decide in ((di_linh, "approve"), (htb, "return")):
        child = Task.objects.filter(parent=backlog, lead_unit=commune).first()
        if child is None or not child.awaiting_approval:
            continue
        if decide == "approve":
            task_services.task_approve(actor=SYSTEM, task=child)
        else:
            task_services.task_return(
                actor=SYSTEM,
                task=child,
                reason="Báo cáo chưa nêu số đơn, kết quả giải quyết từng đơn; đề nghị bổ sung.",
            )


def seed_office(today: date | None = None) -> None:
    """`manage.py seed`'s demo office (idempotent; see the module's docstring)."""
    seed_office_petitions(today)
    seed_office_tasks(today)


# --- The inboxes: reminders recorded and delivered now, e-mails into EMAIL_FILE_PATH ----------
@dataclass
class InboxResult:
    reminders: int
    delivered: int
    digests: int
    mail_error: str = ""  # the mail server could not be reached: the worker retries


def office_inbox(today: date | None = None) -> InboxResult:
    """
    Run the reminder sweep, deliver what it recorded and send the daily digests, directly
    (what beat and the worker do every 15 minutes and at 07:00), so the demo accounts find
    notifications in their inbox and e-mails in var/mail/ as soon as `make run` starts.
    Safe to repeat: reminders, deliveries and digests are each recorded once.
    """
    from danvan.notify import services as notify
    from danvan.notify.models import Reminder, ReminderStatus

    swept = notify.sweep(today=today)
    pending = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING).values_list("pk", flat=True)
    )
    delivered = digests = 0
    mail_error = ""
    try:
        delivered = notify.deliver(pending).sent if pending else 0
        digests = notify.send_digests(today=today)
    except (OSError, smtplib.SMTPException) as error:
        # No mail server now (a production configuration without its SMTP yet): the inbox
        # notifications are written, the e-mails stay recorded with their error and the
        # worker retries them; the demo accounts are made all the same.
        mail_error = str(error) or type(error).__name__
    return InboxResult(
        reminders=swept.reminders, delivered=delivered, digests=digests, mail_error=mail_error
    )
