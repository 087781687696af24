"""
A notice to the citizen as a .docx in its legal form: the layout of Nghị định 30/2020/NĐ-CP
(danvan.core.docx), the form's number at the top right, the title, "Kính gửi", the text, the
recipients and the signature block.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from danvan.core.docx import _font, _paragraph, abbreviation, add_header, new_document
from petitions.models import Notice, NoticeKind, PetitionPetitioner

# The document's sign after the number (Nghị định 30/2020, Phụ lục III): TB thông báo,
# PC phiếu chuyển.
_SIGN = {
    NoticeKind.ACCEPTANCE: "TB",
    NoticeKind.REFUSAL: "TB",
    NoticeKind.TRANSFER: "PC",
    NoticeKind.RESOLUTION: "TB",
}


def number_text(notice: Notice) -> str:
    number = notice.number or "…"
    if "/" in number:  # typed with its sign: kept as typed
        return f"Số: {number}"
    return f"Số: {number}/{_SIGN[NoticeKind(notice.kind)]}-{abbreviation(notice.unit)}"


def addressees(notice: Notice) -> list[str]:
    """Who the document is addressed to: as typed, or the petitioners by name."""
    if notice.addressee:
        return [notice.addressee]
    if notice.kind == NoticeKind.TRANSFER:
        return [notice.event.data.get("to_unit", "…")] if notice.event else ["…"]
    people = PetitionPetitioner.objects.filter(petition=notice.petition).select_related(
        "petitioner"
    )
    return [f"Ông/Bà {party.petitioner.full_name}" for party in people] or ["Người gửi đơn"]


def render_notice(notice: Notice) -> bytes:
    document = new_document()
    form = document.add_paragraph()
    form.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(form.add_run(notice.form_reference), size=11, italic=True)
    add_header(
        document,
        notice.unit,
        number=number_text(notice),
        place=notice.place,
        signed_on=notice.issued_on or notice.due_on,
    )
    _paragraph(document, "")
    title, _sep, subject = notice.title.partition("\n")
    _paragraph(document, title.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if subject:
        _paragraph(document, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "______", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    for name in addressees(notice):
        _paragraph(document, f"Kính gửi: {name}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    for line in notice.body.splitlines():
        if line.strip():
            paragraph: Any = _paragraph(document, line.strip())
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
    _paragraph(document, "")
    footer = document.add_table(rows=1, cols=2)
    recipients, signature = footer.rows[0].cells
    recipients.width, signature.width = Cm(7), Cm(9.5)
    _font(recipients.paragraphs[0].add_run("Nơi nhận:"), size=12, bold=True, italic=True)
    _paragraph(recipients, "- Như trên;", size=11)
    if notice.kind == NoticeKind.TRANSFER:
        _paragraph(recipients, "- Người gửi đơn (để biết);", size=11)
    _paragraph(recipients, "- Lưu: VT, hồ sơ.", size=11)
    _font(signature.paragraphs[0].add_run(notice.signer_title.upper()), size=14, bold=True)
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(
        signature,
        "(Ký, ghi rõ họ tên, đóng dấu)",
        size=13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    for _blank in range(3):
        _paragraph(signature, "")
    _paragraph(signature, notice.signer, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
