"""Open311's public services: what a citizen may report from an app, as petition fields."""

from __future__ import annotations

from citizen.models import Open311Service
from petitions.models import PetitionField

# (service code, name, description, keywords, group, petition field code)
SERVICES = [
    (
        "duong-giao-thong",
        "Đường giao thông, cầu cống hư hỏng",
        "Ổ gà, sụt lún, cầu cống hư hỏng trên đường thôn, xã",
        "đường, ổ gà, cầu, cống",
        "Hạ tầng",
        "hanh-chinh-khac",
    ),
    (
        "chieu-sang",
        "Đèn chiếu sáng công cộng",
        "Đèn đường hỏng, không sáng hoặc sáng cả ngày",
        "đèn, chiếu sáng",
        "Hạ tầng",
        "hanh-chinh-khac",
    ),
    (
        "ve-sinh-moi-truong",
        "Rác thải, vệ sinh môi trường",
        "Rác thải không được thu gom, đổ trộm rác, nước thải, khói bụi",
        "rác, môi trường, nước thải",
        "Môi trường",
        "hanh-chinh-khac",
    ),
    (
        "dat-dai-xay-dung",
        "Lấn chiếm đất công, xây dựng trái phép",
        "Lấn chiếm lòng lề đường, đất công; công trình xây dựng không phép",
        "lấn chiếm, xây dựng, đất",
        "Đất đai – xây dựng",
        "dat-dai",
    ),
    (
        "an-ninh-trat-tu",
        "An ninh trật tự ở khu dân cư",
        "Gây mất trật tự, tụ tập gây rối, tiếng ồn kéo dài",
        "trật tự, tiếng ồn",
        "Đời sống dân cư",
        "khac",
    ),
    (
        "chinh-sach-an-sinh",
        "Chính sách, an sinh xã hội",
        "Chế độ, trợ cấp, hỗ trợ chưa đến được người dân",
        "chính sách, trợ cấp, hỗ trợ",
        "Đời sống dân cư",
        "chinh-sach-che-do",
    ),
]


def seed_open311_services() -> None:
    """The services, once; an administrator's later edits are kept."""
    fields = {f.code: f for f in PetitionField.objects.all()}
    for position, (code, name, description, keywords, group, field) in enumerate(SERVICES):
        if field not in fields:
            continue
        Open311Service.objects.get_or_create(
            service_code=code,
            defaults={
                "name": name,
                "description": description,
                "keywords": keywords,
                "group": group,
                "petition_field": fields[field],
                "position": position,
            },
        )
