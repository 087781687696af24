"""
Directives, meetings and tasks from the seed articles (../shared/seeds/), attached to today's
units: 34 provinces, communes. Historical names (Hà Nam, huyện Di Linh, huyện Phong Thổ,
Bình Thuận) are kept as text.

Reference data: directive types, issuer codes, meeting kinds, priorities, recurrences and the
progress figures are code lists (tasks.models), so a new installation needs no rows for them.

Everything is written through the services with stable client ids ("seed:…"), so running the
seeder again finds each row and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from danvan.org.models import Unit, UnitLevel
from tasks import services
from tasks.models import (
    Directive,
    Meeting,
    MeetingKind,
    ProgressReport,
    Recurrence,
    Task,
)
from tasks.services import SYSTEM, Deadline

D = datetime.date

# key, number as written, issuer (when the text omits it), issuing unit code, title, summary,
# implements (keys)
DIRECTIVES: list[tuple[str, str, str, str, str, str, list[str]]] = [
    (
        "25-NQ/TW",
        "Nghị quyết số 25-NQ/TW",
        "",
        "TW",
        "Về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình "
        "mới",
        "Ban Chấp hành Trung ương Đảng (khóa XI).",
        [],
    ),
    (
        "66-CTr/TU",
        "Chương trình hành động số 66-CTr/TU ngày 29/10/2013",
        "",
        "68",
        "Chương trình hành động của Tỉnh ủy thực hiện Nghị quyết số 25-NQ/TW",
        "Tỉnh ủy Lâm Đồng.",
        ["25-NQ/TW"],
    ),
    (
        "NQTW4-XII",
        "Nghị quyết Trung ương 4 (khóa XII)",
        "",
        "TW",
        "Về xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, "
        "đạo đức, lối sống",
        "Ban Chấp hành Trung ương Đảng (khóa XII).",
        [],
    ),
    (
        "NQTW4-XI",
        "Nghị quyết Trung ương 4 (khóa XI)",
        "",
        "TW",
        "Một số vấn đề cấp bách về xây dựng Đảng",
        "Ban Chấp hành Trung ương Đảng (khóa XI).",
        [],
    ),
    (
        "05-CT/TW",
        "Chỉ thị 05",
        "TW",
        "TW",
        "Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "Bộ Chính trị.",
        [],
    ),
    (
        "14-CT/TU",
        "Chỉ thị 14-CT/TU",
        "",
        "68",
        "Về tăng cường công tác dân vận của các cơ quan hành chính Nhà nước, chính quyền các cấp",
        "Ban Thường vụ Tỉnh ủy Lâm Đồng.",
        ["25-NQ/TW"],
    ),
    (
        "17-CT/TU",
        "Chỉ thị số 17 –CT/TU",
        "",
        "68",
        "Về nâng cao chất lượng các cuộc vận động, phong trào thi đua yêu nước",
        "Ban Thường vụ Tỉnh ủy Lâm Đồng.",
        [],
    ),
    (
        "217-QĐ/TW",
        "Quyết định 217-QĐ/TW",
        "",
        "TW",
        "Quy chế về giám sát và phản biện xã hội của Mặt trận Tổ quốc Việt Nam và các đoàn thể "
        "chính trị - xã hội",
        "Bộ Chính trị.",
        [],
    ),
    (
        "218-QĐ/TW",
        "Quyết định 218-QĐ/TW",
        "",
        "TW",
        "Quy định về việc Mặt trận Tổ quốc Việt Nam, các đoàn thể chính trị - xã hội và Nhân dân "
        "tham gia góp ý xây dựng Đảng, xây dựng chính quyền",
        "Bộ Chính trị.",
        [],
    ),
    (
        "23-QĐ/TW",
        "Quyết định số 23, ngày 30/7/2021",
        "TW",
        "TW",
        "Ban hành Quy chế công tác dân vận của hệ thống chính trị",
        "Bộ Chính trị.",
        ["25-NQ/TW"],
    ),
    (
        "05-QC/TU",
        "Quy chế số 05, ngày 09/12/2021",
        "TU",
        "37",
        "Công tác dân vận của hệ thống chính trị tỉnh Hà Nam",
        "Ban Thường vụ Tỉnh ủy Hà Nam (cũ; nay thuộc tỉnh Ninh Bình).",
        ["23-QĐ/TW"],
    ),
    (
        "08-CT/TU",
        "Chỉ thị số 08, ngày 13/10/2021",
        "TU",
        "37",
        "Nâng cao chất lượng, hiệu quả thực hiện công tác tôn giáo của hệ thống chính trị "
        "trong tình hình mới",
        "Ban Thường vụ Tỉnh ủy Hà Nam (cũ; nay thuộc tỉnh Ninh Bình).",
        [],
    ),
    (
        "124-QĐi/TW",
        "Quy định số 124, ngày 02/02/2018",
        "TW",
        "TW",
        "Về giám sát việc tu dưỡng, rèn luyện đạo đức, lối sống của người đứng đầu, cán bộ chủ "
        "chốt và cán bộ, đảng viên",
        "Ban Bí thư.",
        [],
    ),
    (
        "49-CT/TW",
        "Chỉ thị số 49-CT/TW, ngày 20/10/2015",
        "",
        "TW",
        "Tăng cường và đổi mới công tác dân vận của Đảng ở vùng đồng bào dân tộc thiểu số",
        "Ban Bí thư.",
        ["25-NQ/TW"],
    ),
    (
        "2898-QĐ/TU",
        "Quyết định 2898 (16/7/2010)",
        "TU",
        "68",
        "Quy chế công tác dân vận của hệ thống chính trị",
        "Ban Thường vụ Tỉnh ủy Bình Thuận (cũ; nay thuộc tỉnh Lâm Đồng). Ba năm thực hiện ở "
        "huyện Hàm Thuận Bắc (cũ) được sơ kết ngày 2/12/2013: “Dân biết, dân bàn, dân làm, "
        "dân kiểm tra”; mô hình “tổ công tác dân vận” ở 17 thôn, khu phố.",
        [],
    ),
]

# The seven priorities as the conclusion worded them (two typos of the article corrected:
# "tình hình hình nhân dân", "phát ừiển"; the article's "..." after (3) left out).
NATIONAL_PRIORITIES_2021 = [
    "Tham mưu Bộ Chính trị, Ban Bí thư kiểm tra, sơ kết, tổng kết một số văn bản của Đảng về "
    "công tác dân vận",
    "Xây dựng và triển khai Chương trình hành động thực hiện Nghị quyết Đại hội Đảng toàn quốc "
    "lần thứ XIII về công tác dân vận; triển khai các văn bản mới của Đảng liên quan đến công "
    "tác dân vận",
    "Tổng kết các Chương trình phối hợp; triển khai Chương trình phối hợp giai đoạn 2021 - 2026",
    "Tăng cường công tác nắm tình hình nhân dân, trọng tâm là tình hình nhân dân trước, trong và "
    "sau Đại hội Đảng toàn quốc lần thứ XIII, bầu cử Quốc hội khóa XV và Hội đồng nhân dân các "
    "cấp nhiệm kỳ 2021 - 2026; kịp thời phản ánh tâm tư, nguyện vọng, kiến nghị của nhân dân "
    "đối với Đảng, Nhà nước, hệ thống chính trị, nhất là những vấn đề bức xúc và tham mưu cho "
    "Đảng có giải pháp phù hợp, hiệu quả",
    "Tiếp tục đổi mới công tác tuyên truyền, vận động các tầng lớp nhân dân, tạo đồng thuận xã "
    "hội, xây dựng khối đại đoàn kết toàn dân tộc; tích cực thực hiện chủ trương của Đảng, "
    "chính sách, pháp luật của Nhà nước, tham gia phát triển kinh tế - xã hội, đảm bảo quốc "
    "phòng an ninh, đối ngoại, nâng cao chất lượng xây dựng nông thôn mới, đô thị văn minh, "
    "giảm nghèo bền vững, chăm lo cho đời sống nhân dân",
    "Đổi mới nội dung, phương thức hoạt động của Mặt trận Tổ quốc, các tổ chức chính trị - xã "
    "hội, nâng cao chất lượng của các phong trào thi đua yêu nước, các cuộc vận động, hướng về "
    "cơ sở, lắng nghe, phản ánh, giám sát việc giải quyết kiến nghị của nhân dân; nâng cao "
    "hiệu quả hoạt động giám sát, phản biện xã hội, tham gia xây dựng Đảng và hệ thống chính "
    "trị trong sạch, vững mạnh",
    "Tiếp tục tham mưu và thực hiện củng cố, kiện toàn tổ chức bộ máy, đội ngũ cán bộ chuyên "
    "trách công tác dân vận, Mặt trận Tổ quốc, các tổ chức chính trị - xã hội",
]

LAM_DONG_TASKS_2018 = [
    "Tiếp tục triển khai thực hiện có hiệu quả Chương trình hành động số 66-CTr/TU ngày "
    "29/10/2013 của Tỉnh ủy thực hiện Nghị quyết số 25-NQ/TW, gắn với Nghị quyết Trung ương 4 "
    "khóa XII và Chỉ thị 05",
    "Tăng cường công tác dân vận của các cơ quan hành chính Nhà nước, chính quyền các cấp theo "
    "Chỉ thị 14-CT/TU: cải cách thủ tục hành chính, đối thoại, giải quyết kịp thời kiến nghị "
    "và đơn thư của nhân dân",
    "Đổi mới tổ chức bộ máy, nội dung và phương thức hoạt động của Mặt trận Tổ quốc, các đoàn "
    "thể; giám sát và phản biện xã hội, góp ý xây dựng Đảng, chính quyền theo Quyết định "
    "217-QĐ/TW, 218-QĐ/TW",
    "Thực hiện tốt các chủ trương, chính sách về dân tộc, tôn giáo; tuyên truyền, vận động "
    "quần chúng vùng đồng bào dân tộc, tôn giáo",
    "Nâng cao chất lượng các cuộc vận động, phong trào thi đua yêu nước theo Chỉ thị số "
    "17-CT/TU; phong trào “Dân vận khéo” trong xây dựng nông thôn mới, khu dân cư kiểu mẫu",
    "Xây dựng, củng cố tổ chức, bộ máy, đội ngũ cán bộ Ban Dân vận, Mặt trận, các đoàn thể "
    "các cấp; kiểm tra, giám sát, định kỳ sơ kết, tổng kết",
    "Sáu tháng cuối năm 2018: nắm tình hình tư tưởng nhân dân; sơ kết 05 năm thực hiện Quyết "
    "định 217-QĐ/TW, 218-QĐ/TW; tổng kết “Năm dân vận chính quyền 2018”; thẩm định mô hình "
    "“Dân vận khéo”; kỷ niệm 88 năm Ngày truyền thống công tác dân vận của Đảng",
]
# Conclusion number -> the document it carries out.
LAM_DONG_DIRECTIVES = {1: "66-CTr/TU", 2: "14-CT/TU", 3: "217-QĐ/TW", 5: "17-CT/TU"}

HA_NAM_TASKS_2023 = [
    "Tham mưu cấp ủy lãnh đạo, chỉ đạo quán triệt, triển khai thực hiện có hiệu quả Quyết định "
    "số 23-QĐ/TW, Quy chế số 05-QC/TU và Chỉ thị số 08-CT/TU",
    "Phối hợp tuyên truyền, vận động tạo đồng thuận xã hội; nắm chắc tâm tư, nguyện vọng của "
    "Nhân dân, công nhân lao động, nhất là dịp Tết Nguyên đán Quý Mão 2023; tình hình tín "
    "ngưỡng, tôn giáo",
    "Thực hiện tốt quản lý Nhà nước đối với các tôn giáo; tăng cường đối thoại trực tiếp giữa "
    "người đứng đầu với Nhân dân; nâng cao chất lượng tiếp dân, giải quyết đơn thư khiếu nại, "
    "tố cáo ngay từ cơ sở",
    "Tham mưu lãnh đạo Mặt trận Tổ quốc và các tổ chức chính trị - xã hội đổi mới nội dung, "
    "phương thức hoạt động; giám sát việc tu dưỡng, rèn luyện đạo đức, lối sống theo Quy định "
    "số 124-QĐi/TW",
    "Chỉ đạo thực hiện mô hình “Dân vận khéo” hướng vào nhiệm vụ chính trị trọng tâm, việc "
    "mới, việc khó, đem lại lợi ích thiết thực cho Nhân dân",
]
HA_NAM_DIRECTIVES = {1: "23-QĐ/TW", 4: "124-QĐi/TW"}

LAI_CHAU_RECOMMENDATIONS = [
    "Nghiên cứu, ban hành chính sách ưu tiên trong xét tuyển, thi tuyển công chức, viên chức "
    "là người dân tộc thiểu số; chú trọng đào tạo gắn với vị trí việc làm (Chỉ thị 49-CT/TW)",
    "Hướng dẫn xây dựng hương ước, quy ước bản làng theo mẫu của Mặt trận Tổ quốc, phù hợp "
    "thực tế từng thôn bản và bảo đảm tinh thần tự nguyện",
    "Ban hành văn bản hướng dẫn cụ thể công tác giám sát của người dân đối với hoạt động của "
    "cơ quan nhà nước",
    "Nâng chế độ, chính sách, kinh phí tổ chức hội nghị và các phong trào bảo đảm an ninh "
    "trật tự ở cơ sở",
    "Nâng mức hỗ trợ đào tạo, bồi dưỡng cán bộ cấp xã, nhất là các xã vùng sâu, vùng xa",
]


def _directives(units: dict[str, Unit]) -> dict[str, Directive]:
    found: dict[str, Directive] = {}
    for key, written, issuer, unit_code, title, summary, higher in DIRECTIVES:
        directive = services.directive_create(
            actor=SYSTEM,
            number_text=written,
            issuer=issuer or None,
            title=title,
            summary=summary,
            issuing_unit=units[unit_code],
            implements=[found[k] for k in higher],
            client_id=f"seed:directive:{key}",
        )
        found[key] = directive
    return found


def _meeting(**values: Any) -> Meeting:
    return services.meeting_create(actor=SYSTEM, **values)


def _set_period(task: Task, period: str) -> None:
    if task.period_label != period:
        services.task_update(actor=SYSTEM, task=task, deadline=Deadline(period=period))


def _attach(tasks: list[Task], by_number: dict[int, str], docs: dict[str, Directive]) -> None:
    for task in tasks:
        key = by_number.get(task.number or 0)
        if key and task.directive_id != docs[key].pk:
            services.task_update(actor=SYSTEM, task=task, directive=docs[key])


def _tasks_of(meeting: Meeting) -> list[Task]:
    return list(Task.objects.filter(conclusion__meeting=meeting).order_by("number"))


def _report_once(task: Task, key: str, **values: Any) -> ProgressReport:
    return services.progress_report_submit(
        actor=SYSTEM, task=task, client_id=f"seed:report:{key}", **values
    )


def _national_conference(units: dict[str, Unit], provinces: list[Unit]) -> None:
    board = units["TW.BDV"]
    meeting = _meeting(
        kind=MeetingKind.ONLINE,
        title="Hội nghị toàn quốc tổng kết công tác dân vận nhiệm kỳ Đại hội XII, tổng kết năm "
        "2020 và triển khai nhiệm vụ năm 2021",
        organising_unit=board,
        starts_on=D(2020, 12, 31),
        ends_on=D(2020, 12, 31),
        place="Điểm cầu trung tâm Hà Nội, kết nối 63 điểm cầu các tỉnh, thành phố (năm 2020)",
        chair_name="Trương Thị Mai, Ủy viên Bộ Chính trị, Bí thư Trung ương Đảng, Trưởng Ban "
        "Dân vận Trung ương (kết luận hội nghị)",
        participating_units=[units["96"], units["96.BDV"]],
        bridge_points=provinces,
        bridge_point_count=63,
        agenda="Báo cáo tóm tắt công tác dân vận nhiệm kỳ Đại hội XII (đồng chí Nguyễn Hồng "
        "Lĩnh trình bày); phát biểu chỉ đạo của đồng chí Trần Quốc Vượng, Thường trực Ban Bí "
        "thư; kết luận của đồng chí Trương Thị Mai.",
        minutes="Điểm cầu tỉnh Cà Mau do đồng chí Nguyễn Tiến Hải, Bí thư Tỉnh ủy, dự. Năm 2020 "
        "cả nước có 63 tỉnh, thành phố; các điểm cầu được gắn với 34 tỉnh, thành phố hiện nay.",
        conclusions=NATIONAL_PRIORITIES_2021,
        client_id="seed:meeting:toan-quoc-2020-12-31",
    )
    services.meeting_conclusions_to_tasks(
        actor=SYSTEM,
        meeting=meeting,
        lead_unit=board,
        deadline=Deadline(period="năm 2021"),
        priority="high",
    )
    # Priority 4 (keeping track of public opinion) goes to every province in one step; Cà Mau
    # reports it done and the central board approves.
    fourth = Task.objects.get(conclusion__meeting=meeting, number=4)
    services.task_cascade(actor=SYSTEM, task=fourth, level=UnitLevel.PROVINCE)
    ca_mau = Task.objects.get(parent=fourth, lead_unit=units["96"])
    if ca_mau.completed_on is None:
        _report_once(
            ca_mau,
            "ca-mau-2021",
            text="Đã tổng hợp, phản ánh tình hình nhân dân trước, trong và sau Đại hội XIII và "
            "bầu cử Quốc hội khóa XV, Hội đồng nhân dân các cấp.",
            percent=100,
            reported_on=D(2021, 12, 20),
        )
        ca_mau.refresh_from_db()
        if ca_mau.awaiting_approval:
            services.task_approve(actor=SYSTEM, task=ca_mau)


def _lam_dong(units: dict[str, Unit], docs: dict[str, Directive]) -> None:
    board = units["68.BDV"]
    meeting = _meeting(
        kind=MeetingKind.MID_TERM_REVIEW,
        title="Hội nghị sơ kết giữa nhiệm kỳ 2015 – 2020 và giao ban công tác dân vận 6 tháng "
        "đầu năm 2018",
        organising_unit=board,
        starts_on=D(2018, 6, 27),
        ends_on=D(2018, 6, 27),
        place="Huyện Di Linh (cũ), tỉnh Lâm Đồng — nay thuộc xã Di Linh",
        chair_name="Nguyễn Thị Lệ, Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy",
        participating_units=[units["25000"]],
        agenda="Sơ kết giữa nhiệm kỳ 2015 – 2020 về công tác dân vận; giao ban 6 tháng đầu năm "
        "2018; Ban Dân vận các địa phương trao đổi, kiến nghị giải pháp.",
        directives_cited=[
            docs[k]
            for k in (
                "66-CTr/TU",
                "25-NQ/TW",
                "NQTW4-XII",
                "05-CT/TW",
                "14-CT/TU",
                "217-QĐ/TW",
                "218-QĐ/TW",
                "17-CT/TU",
            )
        ],
        conclusions=LAM_DONG_TASKS_2018,
        client_id="seed:meeting:lam-dong-2018-06-27",
    )
    services.meeting_conclusions_to_tasks(
        actor=SYSTEM,
        meeting=meeting,
        lead_unit=board,
        deadline=Deadline(period="giai đoạn 2018 – 2020"),
    )
    tasks = _tasks_of(meeting)
    _attach(tasks, LAM_DONG_DIRECTIVES, docs)
    seventh = tasks[6]
    _set_period(seventh, "6 tháng cuối năm 2018")
    # The tradition day, 15/10 every year: the 2018 occurrence and the next one.
    anniversary = services.task_create(
        actor=SYSTEM,
        title="Tổ chức kỷ niệm 88 năm Ngày truyền thống công tác dân vận của Đảng "
        "(15/10/1930 – 15/10/2018)",
        issuing_unit=board,
        lead_unit=board,
        parent=seventh,
        deadline=Deadline(due_on=D(2018, 10, 15)),
        recurrence=Recurrence.YEARLY,
        client_id="seed:task:lam-dong-ky-niem-15-10",
    )
    services.task_create_next_occurrence(actor=SYSTEM, task=anniversary)
    # Task 3 (social supervision and criticism, contributions to building the Party and the
    # government under 217-QĐ/TW and 218-QĐ/TW) goes to every commune of the province.
    services.task_cascade(actor=SYSTEM, task=tasks[2], level=UnitLevel.COMMUNE)
    di_linh = Task.objects.filter(parent=tasks[2], lead_unit=units["25000"]).first()
    if di_linh is not None:
        _report_once(
            di_linh,
            "di-linh-217",
            text="Đã tổ chức hội nghị Nhân dân góp ý xây dựng Đảng, xây dựng chính quyền theo "
            "Quyết định 217-QĐ/TW, 218-QĐ/TW ở xã.",
            percent=60,
            figures={"meetings_held": 1},
            reported_on=D(2018, 9, 28),
        )


def _ha_nam(units: dict[str, Unit], docs: dict[str, Directive]) -> None:
    board = units["37.BDV"]
    meeting = _meeting(
        kind=MeetingKind.REVIEW,
        title="Hội nghị tổng kết công tác dân vận và phong trào thi đua “Dân vận khéo” năm "
        "2022, triển khai nhiệm vụ năm 2023 (Ban Dân vận Tỉnh ủy Hà Nam)",
        organising_unit=board,
        starts_on=D(2022, 12, 20),
        ends_on=D(2022, 12, 20),
        place="Tỉnh Hà Nam (cũ) — nay thuộc tỉnh Ninh Bình",
        chair_name="Đinh Thị Lụa, Phó Bí thư Thường trực Tỉnh ủy kiêm Trưởng Ban Dân vận Tỉnh ủy",
        participating_units=[units["13291"]],
        minutes="Năm 2022 Ban Chỉ đạo phong trào thi đua “Dân vận khéo” các cấp công nhận 306 "
        "mô hình; 10 mô hình cấp tỉnh nhận Bằng khen của UBND tỉnh.",
        directives_cited=[docs[k] for k in ("23-QĐ/TW", "05-QC/TU", "08-CT/TU", "124-QĐi/TW")],
        conclusions=HA_NAM_TASKS_2023,
        client_id="seed:meeting:ha-nam-2022-12-20",
    )
    services.meeting_conclusions_to_tasks(
        actor=SYSTEM, meeting=meeting, lead_unit=board, deadline=Deadline(period="năm 2023")
    )
    _attach(_tasks_of(meeting), HA_NAM_DIRECTIVES, docs)


def _lai_chau(units: dict[str, Unit], docs: dict[str, Directive]) -> None:
    central_board = units["TW.BDV"]
    meeting = _meeting(
        kind=MeetingKind.WORKING_SESSION,
        title="Đoàn công tác Ban Dân vận Trung ương làm việc với Tỉnh ủy Lai Châu về thực hiện "
        "Chỉ thị 49-CT/TW",
        organising_unit=central_board,
        place="Tỉnh ủy Lai Châu; trước đó làm việc tại huyện Phong Thổ (cũ)",
        chair_name="Thào Xuân Sùng, Ủy viên Trung ương Đảng, Phó trưởng Ban Thường trực Ban Dân "
        "vận Trung ương, Trưởng đoàn công tác",
        participating_units=[units["12"], units["12.BDV"], units["03549"]],
        minutes="Cán bộ người dân tộc thiểu số giữ chức vụ lãnh đạo, quản lý cấp huyện trở lên: "
        "144/2.086 (6,09%); 92 hội nghị tuyên truyền xây dựng nông thôn mới; thí điểm 358 tổ "
        "dân vận; 9 tháng năm 2017 nhân dân hiến 16.505 m² đất, 6.300 ngày công. Năm bài học: "
        "cấp ủy và người đứng đầu gương mẫu; người dân được tuyên truyền, hiểu và làm theo; hỗ "
        "trợ đầu tư thích hợp; phát huy vai trò người có uy tín; xây dựng nông thôn mới đồng bộ. "
        "Ngày làm việc không ghi trong nguồn.",
        directives_cited=[docs[k] for k in ("49-CT/TW", "NQTW4-XI", "NQTW4-XII")],
        conclusions=LAI_CHAU_RECOMMENDATIONS,
        client_id="seed:meeting:lai-chau-chi-thi-49",
    )
    services.meeting_conclusions_to_tasks(
        actor=SYSTEM, meeting=meeting, lead_unit=central_board, coordinating_units=[units["12"]]
    )
    ongoing = services.task_create(
        actor=SYSTEM,
        title="Thực hiện Chỉ thị 49-CT/TW về công tác dân vận ở vùng đồng bào dân tộc thiểu số",
        issuing_unit=central_board,
        lead_unit=units["12.BDV"],
        coordinating_units=[units["12.MTTQ"]],
        directive=docs["49-CT/TW"],
        deadline=Deadline(period="năm 2017"),
        client_id="seed:task:lai-chau-chi-thi-49-2017",
    )
    _report_once(
        ongoing,
        "lai-chau-9-thang-2017",
        text="9 tháng năm 2017: Mặt trận Tổ quốc và các đoàn thể vận động nhân dân hiến đất, "
        "ngày công làm đường giao thông nội bản, nội đồng; 92 hội nghị tuyên truyền.",
        percent=75,
        figures={"land_donated_m2": 16505, "workdays": 6300, "meetings_held": 92},
        reported_on=D(2017, 9, 30),
    )


def seed_task_schedules() -> None:
    """Reference: the daily job creating the next occurrence of repeating tasks."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    schedule, _created = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.DAYS
    )
    # Only created: an administrator's later edits (interval, enabled) are kept.
    PeriodicTask.objects.get_or_create(
        name="Repeating tasks: next occurrences",
        defaults={"task": "tasks.jobs.create_next_occurrences", "interval": schedule},
    )


@transaction.atomic
def seed_tasks() -> None:
    """Demo directives, meetings and tasks from the articles (idempotent)."""
    codes = [
        "TW",
        "TW.BDV",
        "68",
        "68.BDV",
        "37",
        "37.BDV",
        "12",
        "12.BDV",
        "12.MTTQ",
        "96",
        "96.BDV",
        "25000",
        "03549",
        "13291",
    ]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(units))
    if missing:
        raise RuntimeError(f"seed units first (missing {', '.join(missing)})")
    provinces = list(Unit.objects.filter(level=UnitLevel.PROVINCE, is_active=True))
    docs = _directives(units)
    _national_conference(units, provinces)
    _lam_dong(units, docs)
    _ha_nam(units, docs)
    _lai_chau(units, docs)
