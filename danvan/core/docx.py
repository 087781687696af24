"""
The layout of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP): the issuing
unit and number on the left, the national title, motto, place and date on the right, Times New
Roman. Used by the reports' documents and the notices to citizens.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from danvan.org.models import Unit, UnitKind, UnitLevel

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
CENTRAL_PLACE = "Hà Nội"  # where the central bodies sit
PLACE_PREFIXES = ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu ", "Thôn ", "Bản ")


def _font(run: Any, *, size: float = 14, bold: bool = False, italic: bool = False) -> Any:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    # Word picks the East-Asian font slot for some Vietnamese characters: set it too.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _paragraph(
    container: Any,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Any = None,
) -> Any:
    paragraph = container.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    run.underline = underline
    return paragraph


def _territory(unit: Unit) -> Unit:
    """The territorial unit an organisation sits beside (the unit itself otherwise)."""
    if unit.level == UnitLevel.ORGANISATION and unit.parent is not None:
        return unit.parent
    return unit


def formal_name(unit: Unit) -> str:
    """The name as a heading prints it: provinces carry "Tỉnh"/"Thành phố" ("Tỉnh Lâm Đồng")."""
    prefix = {str(UnitKind.PROVINCE): "Tỉnh ", str(UnitKind.CITY): "Thành phố "}.get(unit.kind)
    if prefix and not unit.name.startswith(prefix):
        return prefix + unit.name
    return unit.name


def governing_name(unit: Unit) -> str:
    """
    The line above the issuing unit (tên cơ quan chủ quản): the territory an organisation
    sits beside, or the territorial unit above; none for a province or the central unit.
    """
    below_another = (UnitLevel.ORGANISATION, UnitLevel.COMMUNE, UnitLevel.VILLAGE)
    above = unit.parent if unit.level in below_another else None
    if above is None or above.level == UnitLevel.CENTRAL:
        return ""
    return formal_name(above)


def place_name(unit: Unit) -> str:
    """The địa danh of the place and date line: the territory's name without its type."""
    territory = _territory(unit)
    if territory.level == UnitLevel.CENTRAL:
        return CENTRAL_PLACE
    for prefix in PLACE_PREFIXES:
        if territory.name.startswith(prefix):
            return territory.name[len(prefix) :]
    return territory.name


def abbreviation(unit: Unit) -> str:
    """
    The issuing unit's abbreviation in the number ("Số: 12/BC-BDV"), in capitals: an
    organisation's own code ("68.BDV" → "BDV"), otherwise the initials of the formal name
    ("Xã Di Linh" → "XDL", "Tỉnh Lâm Đồng" → "TLĐ").
    """
    if unit.level == UnitLevel.ORGANISATION and "." in unit.code:
        return unit.code.rsplit(".", 1)[1].upper()
    return "".join(word[0] for word in formal_name(unit).split() if word[0].isalpha()).upper()


def number_line(unit: Unit, number: str, kind: str = "BC") -> str:
    """ "Số: 12/BC-BDV"; a number typed with its own sign ("45-BC/BDVTU") is kept as typed."""
    if "/" in number or "-" in number:
        return f"Số: {number}"
    return f"Số: {number or '…'}/{kind}-{abbreviation(unit)}"


def date_line(place: str, on: date) -> str:
    """
    "Lâm Đồng, ngày 05 tháng 3 năm 2026": Nghị định 30/2020 puts a 0 before a day under 10
    and before months 1 and 2 only (so "tháng 1" cannot be turned into "tháng 11").
    """
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


def new_document() -> Any:
    """An A4 page with the decree's margins and Times New Roman 14."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return document


def add_header(document: Any, unit: Unit, *, number: str, place: str, signed_on: date) -> None:
    """Issuing unit and number on the left, national title, motto, place and date on the right."""
    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    governing = governing_name(unit)
    if governing:
        _font(left.paragraphs[0].add_run(governing.upper()), size=13)
        left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _paragraph(
            left, formal_name(unit).upper(), size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
        )
    else:
        _font(left.paragraphs[0].add_run(formal_name(unit).upper()), size=13, bold=True)
        left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(left, "_______", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(left, number, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(right.paragraphs[0].add_run(NATIONAL_TITLE), size=13, bold=True)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(right, MOTTO, size=14, bold=True, underline=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(right, "")
    _paragraph(
        right,
        date_line(place or place_name(unit), signed_on),
        size=14,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
