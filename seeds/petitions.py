"""
Petition reference data (fields, the legal clocks of ../shared/DOMAIN.md) and demo
petitions from the Hàm Thuận Bắc and Di Linh seed articles. Safe to run again.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from danvan.calendar.models import DayUnit
from danvan.org.models import Unit, User
from petitions import services
from petitions.models import (
    Channel,
    Complexity,
    DeadlinePolicy,
    NoticeKind,
    NoticePolicy,
    Petition,
    PetitionField,
    PetitionKind,
    RespondentKind,
    Stage,
)

# (code, name, parent code): the inspectorate's reporting split.
FIELDS = [
    ("hanh-chinh", "Hành chính", None),
    ("dat-dai", "Đất đai", "hanh-chinh"),
    ("nha-tai-san", "Nhà, tài sản", "hanh-chinh"),
    ("chinh-sach-che-do", "Chính sách, chế độ", "hanh-chinh"),
    ("hanh-chinh-khac", "Lĩnh vực hành chính khác", "hanh-chinh"),
    ("tu-phap", "Tư pháp", None),
    ("dang-doan-the", "Đảng – đoàn thể", None),
    ("tham-nhung", "Tham nhũng", None),
    ("khac", "Khác", None),
]

W, C = DayUnit.WORKING, DayUnit.CALENDAR
TT05 = "Thông tư 05/2021/TT-TTCP"
LKN = "Luật Khiếu nại 2011"
LTC = "Luật Tố cáo 2018"
ALL_KINDS = list(PetitionKind.values)

# (kinds, stage, amount, unit, extensions allowed, days per extension, legal basis)
POLICIES: list[tuple[list[str], str, int, str, int, int, str]] = [
    (ALL_KINDS, Stage.PROCESSING, 10, W, 0, 0, TT05),
    (ALL_KINDS, Stage.TRANSFER, 10, W, 0, 0, "Quy định của đơn vị"),
    ([PetitionKind.COMPLAINT], Stage.ACCEPTANCE, 10, W, 0, 0, f"{LKN} điều 27; NĐ 124/2020"),
    ([PetitionKind.COMPLAINT], Stage.RESOLVE, 30, C, 0, 0, f"{LKN} điều 28"),
    ([PetitionKind.COMPLAINT], Stage.RESOLVE_COMPLEX, 45, C, 0, 0, f"{LKN} điều 28"),
    ([PetitionKind.COMPLAINT], Stage.RESOLVE_REMOTE, 45, C, 0, 0, f"{LKN} điều 28"),
    ([PetitionKind.COMPLAINT], Stage.RESOLVE_REMOTE_COMPLEX, 60, C, 0, 0, f"{LKN} điều 28"),
    ([PetitionKind.COMPLAINT], Stage.RESOLVE_SECOND, 45, C, 0, 0, f"{LKN} điều 37"),
    ([PetitionKind.COMPLAINT], Stage.RESOLVE_SECOND_COMPLEX, 60, C, 0, 0, f"{LKN} điều 37"),
    ([PetitionKind.COMPLAINT], Stage.RESOLVE_SECOND_REMOTE, 60, C, 0, 0, f"{LKN} điều 37"),
    (
        [PetitionKind.COMPLAINT],
        Stage.RESOLVE_SECOND_REMOTE_COMPLEX,
        70,
        C,
        0,
        0,
        f"{LKN} điều 37",
    ),
    ([PetitionKind.DENUNCIATION], Stage.CHECK, 7, W, 0, 0, f"{LTC} điều 24"),
    ([PetitionKind.DENUNCIATION], Stage.CHECK_SEVERAL_PLACES, 10, W, 0, 0, f"{LTC} điều 24"),
    ([PetitionKind.DENUNCIATION], Stage.FORWARD, 5, W, 0, 0, LTC),
    ([PetitionKind.DENUNCIATION], Stage.NOTIFY, 5, W, 0, 0, f"{LTC} điều 29"),
    ([PetitionKind.DENUNCIATION], Stage.RESOLVE, 30, C, 0, 0, f"{LTC} điều 30"),
    ([PetitionKind.DENUNCIATION], Stage.RESOLVE_COMPLEX, 30, C, 1, 30, f"{LTC} điều 30"),
    (
        [PetitionKind.DENUNCIATION],
        Stage.RESOLVE_ESPECIALLY_COMPLEX,
        30,
        C,
        2,
        30,
        f"{LTC} điều 30",
    ),
    (
        [PetitionKind.RECOMMENDATION, PetitionKind.FEEDBACK, PetitionKind.MIXED],
        Stage.RESOLVE,
        15,
        W,
        0,
        0,
        "Quy định của đơn vị (không có thời hạn luật định chung)",
    ),
]


ND124 = "Nghị định 124/2020/NĐ-CP"
ND31 = "Nghị định 31/2019/NĐ-CP"
OTHERS: list[str] = [PetitionKind.RECOMMENDATION, PetitionKind.FEEDBACK, PetitionKind.MIXED]
A, R, T, S = (
    NoticeKind.ACCEPTANCE,
    NoticeKind.REFUSAL,
    NoticeKind.TRANSFER,
    NoticeKind.RESOLUTION,
)

# The notices to the citizen (petitions.models.notices): (notice, kinds, title — its second
# line is the "Về việc …" line —, the form and the instrument it is annexed to, due within,
# counted in, legal basis of the deadline). An administrator corrects them in the admin.
NOTICE_POLICIES: list[tuple[str, list[str], str, str, int, str, str]] = [
    (
        A,
        [PetitionKind.COMPLAINT],
        "Thông báo\nVề việc thụ lý giải quyết khiếu nại",
        f"Mẫu số 04, {ND124}",
        0,
        W,
        f"{LKN} điều 27: thụ lý và thông báo bằng văn bản",
    ),
    (
        R,
        [PetitionKind.COMPLAINT],
        "Thông báo\nVề việc không thụ lý giải quyết khiếu nại",
        f"Mẫu số 05, {ND124}",
        0,
        W,
        f"{LKN} điều 27: nêu rõ lý do không thụ lý",
    ),
    (
        S,
        [PetitionKind.COMPLAINT],
        "Thông báo\nVề việc gửi quyết định giải quyết khiếu nại",
        f"Kèm quyết định giải quyết khiếu nại (Mẫu số 10, {ND124})",
        3,
        W,
        f"{LKN} điều 32 và 41: gửi quyết định trong 03 ngày làm việc",
    ),
    (
        A,
        [PetitionKind.DENUNCIATION],
        "Thông báo\nVề việc thụ lý tố cáo",
        f"Mẫu số 03, {ND31}",
        5,
        W,
        f"{LTC} điều 29: thông báo cho người tố cáo trong 05 ngày làm việc",
    ),
    (
        R,
        [PetitionKind.DENUNCIATION],
        "Thông báo\nVề việc không thụ lý tố cáo",
        f"Mẫu số 04, {ND31}",
        5,
        W,
        f"{LTC} điều 29",
    ),
    (
        S,
        [PetitionKind.DENUNCIATION],
        "Thông báo\nKết quả giải quyết tố cáo",
        f"Mẫu số 11, {ND31}",
        5,
        W,
        f"{LTC} điều 40: thông báo kết quả giải quyết tố cáo cho người tố cáo",
    ),
    (
        A,
        OTHERS,
        "Thông báo\nVề việc tiếp nhận, xử lý đơn",
        f"{TT05}",
        0,
        W,
        f"{TT05}: thông báo kết quả xử lý đơn",
    ),
    (
        R,
        OTHERS,
        "Văn bản hướng dẫn\nVề việc gửi đơn đến cơ quan có thẩm quyền",
        f"Mẫu số 05, {TT05}",
        0,
        W,
        f"{TT05}: hướng dẫn người gửi đơn",
    ),
    (
        S,
        OTHERS,
        "Văn bản trả lời\nKết quả giải quyết kiến nghị, phản ánh",
        f"{TT05}",
        0,
        W,
        "Quy định của đơn vị",
    ),
    (
        T,
        [PetitionKind.COMPLAINT],
        "Phiếu chuyển đơn\nVề việc chuyển đơn khiếu nại",
        f"Mẫu số 02, {TT05}",
        0,
        W,
        f"{TT05}: chuyển đơn kèm phiếu",
    ),
    (
        T,
        [PetitionKind.DENUNCIATION],
        "Phiếu chuyển đơn\nVề việc chuyển đơn tố cáo",
        f"Mẫu số 03, {TT05}",
        0,
        W,
        f"{LTC} điều 24; {TT05}",
    ),
    (
        T,
        OTHERS,
        "Phiếu chuyển đơn\nVề việc chuyển đơn kiến nghị, phản ánh",
        f"Mẫu số 04, {TT05}",
        0,
        W,
        f"{TT05}: chuyển đơn kèm phiếu",
    ),
]


def seed_notice_policies(model: Any) -> None:
    """NOTICE_POLICIES into `model` (NoticePolicy, or its historical model in a migration)."""
    for notice, kinds, title, form, amount, unit, basis in NOTICE_POLICIES:
        for kind in kinds:
            model.objects.get_or_create(
                notice_kind=notice,
                petition_kind=kind,
                defaults={
                    "title": title,
                    "form_reference": form,
                    "amount": amount,
                    "day_unit": unit,
                    "legal_basis": basis,
                },
            )


@transaction.atomic
def seed_petition_reference() -> None:
    """Fields and default deadline policies; an administrator's later edits are kept."""
    by_code: dict[str, PetitionField] = {}
    for position, (code, name, parent) in enumerate(FIELDS):
        by_code[code], _created = PetitionField.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": by_code.get(parent) if parent else None,
                "position": position,
            },
        )
    for kinds, stage, amount, unit, max_ext, ext_amount, basis in POLICIES:
        for kind in kinds:
            DeadlinePolicy.objects.get_or_create(
                kind=kind,
                stage=stage,
                unit=None,
                defaults={
                    "amount": amount,
                    "day_unit": unit,
                    "max_extensions": max_ext,
                    "extension_amount": ext_amount,
                    "legal_basis": basis,
                },
            )
    seed_notice_policies(NoticePolicy)


# Demo petitions: matters named in the 2013 Hàm Thuận Bắc article (land debts, lack of
# production land for ethnic-minority households, stalled projects) and in Di Linh.
DEMO: list[dict[str, Any]] = [
    {
        "key": "htb-no-dat-o",
        "unit": "23089",
        "days_ago": 40,
        "kind": PetitionKind.COMPLAINT,
        "field": "dat-dai",
        "channel": Channel.RECEPTION,
        "summary": "Khiếu nại về việc chưa được giao đất ở theo diện nợ đất ở",
        "content": (
            "Hộ gia đình đã nộp tiền sử dụng đất nhưng nhiều năm chưa được giao đất ở "
            "(nợ đất ở của dân). Đề nghị Ủy ban nhân dân xã xem xét giải quyết."
        ),
        "petitioners": [("Nguyễn Văn Hùng", "060085001234", "0912345678")],
        "respondent": ("Ủy ban nhân dân xã Hàm Thuận Bắc", RespondentKind.BODY),
        "accept": True,
    },
    {
        "key": "htb-thieu-dat-san-xuat",
        "unit": "23089",
        "days_ago": 12,
        "kind": PetitionKind.RECOMMENDATION,
        "field": "dat-dai",
        "channel": Channel.FORWARDED,
        "summary": "Kiến nghị cấp đất sản xuất cho đồng bào dân tộc thiểu số thiếu đất",
        "content": (
            "Các hộ đồng bào dân tộc thiểu số trong thôn thiếu đất sản xuất, "
            "đề nghị xem xét giao đất theo chính sách hỗ trợ."
        ),
        "petitioners": [
            ("K'Brơi", "", "0987000111"),
            ("Ma Thị Hoa", "", "0987000222"),
            ("Ma Văn Sen", "", ""),
        ],
        "collective": 12,
        "remote": True,
    },
    {
        "key": "htb-du-an-dinh-don",
        "unit": "23089",
        "days_ago": 5,
        "kind": PetitionKind.FEEDBACK,
        "field": "hanh-chinh-khac",
        "channel": Channel.VOTERS,
        "summary": "Phản ánh công trình, dự án đình đốn, triển khai chậm trễ",
        "content": (
            "Cử tri phản ánh dự án trên địa bàn xã chậm triển khai nhiều năm, đất bị bỏ hoang."
        ),
        "petitioners": [("Trần Văn Lộc", "060072009876", "0933111222")],
    },
    {
        "key": "dl-to-cao-thu-tien",
        "unit": "25000",
        "days_ago": 20,
        "kind": PetitionKind.DENUNCIATION,
        "field": "tham-nhung",
        "channel": Channel.SUGGESTION_BOX,
        "summary": "Tố cáo cán bộ thôn thu tiền hỗ trợ làm đường trái quy định",
        "content": "Người tố cáo cho biết cán bộ thôn thu thêm tiền của các hộ khi làm đường.",
        "petitioners": [("Lê Thị Mai", "068190004321", "0977555666")],
        "respondent": ("Cán bộ thôn (người bị tố cáo)", RespondentKind.PERSON),
        "accept": True,
    },
    {
        "key": "dl-nac-danh",
        "unit": "25000",
        "days_ago": 3,
        "kind": PetitionKind.DENUNCIATION,
        "field": "dat-dai",
        "channel": Channel.POST,
        "summary": "Đơn nặc danh tố cáo lấn chiếm đất rừng",
        "content": "Đơn không ký tên phản ánh việc lấn chiếm đất rừng phòng hộ.",
        "petitioners": [],
        "anonymous": True,
    },
]


def seed_petition_demo() -> None:
    """A handful of demo petitions; each is created once (stable client ids)."""
    actor = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    if actor is None:
        # A system account that cannot sign in records the demo petitions.
        actor, created = User.objects.get_or_create(
            username="seed", defaults={"is_superuser": True, "full_name": "Dữ liệu mẫu"}
        )
        if created:
            actor.set_unusable_password()
            actor.save(update_fields=["password"])
    fields = {f.code: f for f in PetitionField.objects.all()}
    today = timezone.localdate()
    for item in DEMO:
        client_id = uuid.uuid5(uuid.NAMESPACE_URL, f"danvan:seed:petition:{item['key']}")
        if Petition.objects.filter(client_id=client_id).exists():
            continue
        unit = Unit.objects.filter(code=item["unit"]).first()
        if unit is None:
            continue
        received_on = today - timedelta(days=int(item["days_ago"]))
        collective = item.get("collective")
        respondent = item.get("respondent")
        petition, _created = services.petition_create(
            actor=actor,
            client_id=client_id,
            data=services.PetitionData(
                receiving_unit=unit,
                location_unit=unit,
                received_on=received_on,
                channel=str(item["channel"]),
                kind=str(item["kind"]),
                field=fields.get(str(item["field"])),
                summary=str(item["summary"]),
                content=str(item["content"]),
                is_anonymous=bool(item.get("anonymous")),
                is_collective=bool(collective),
                head_count=int(collective) if collective else 1,
                is_remote_area=bool(item.get("remote")),
                complexity=Complexity.NORMAL,
                petitioners=[
                    services.PetitionerInput(full_name=n, citizen_id=c, phone=p)
                    for n, c, p in item["petitioners"]
                ],
                respondents=[services.RespondentInput(name=respondent[0], kind=respondent[1])]
                if respondent
                else [],
            ),
            today=today,
        )
        if item.get("accept"):
            services.petition_accept(
                actor=actor,
                petition=petition,
                reason="Đủ điều kiện thụ lý",
                accepted_on=min(today, received_on + timedelta(days=7)),
            )
