"""Document numbers as written in the seed articles, and text that is not a number."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tasks.numbering import ParseError, parse_document_number
from tasks.periods import parse_period

D = datetime.date


@pytest.mark.parametrize(
    ("text", "number", "doc_type", "issuer", "date", "full"),
    [
        ("25-NQ/TW", "25", "NQ", "TW", None, "25-NQ/TW"),
        ("Nghị quyết số 25-NQ/TW", "25", "NQ", "TW", None, "25-NQ/TW"),
        (
            "Chương trình hành động số 66-CTr/TU ngày 29/10/2013",
            "66",
            "CTr",
            "TU",
            D(2013, 10, 29),
            "66-CTr/TU",
        ),
        ("Chỉ thị 05", "05", "CT", "", None, "05-CT"),
        ("Chỉ thị 14-CT/TU", "14", "CT", "TU", None, "14-CT/TU"),
        ("Chỉ thị số 17 –CT/TU", "17", "CT", "TU", None, "17-CT/TU"),
        ("Chỉ thị số 49-CT/TW, ngày 20/10/2015", "49", "CT", "TW", D(2015, 10, 20), "49-CT/TW"),
        ("Chỉ thị 49", "49", "CT", "", None, "49-CT"),
        ("Quyết định 217-QĐ/TW", "217", "QĐ", "TW", None, "217-QĐ/TW"),
        ("Quyết định số 218-QĐ/TW", "218", "QĐ", "TW", None, "218-QĐ/TW"),
        ("Quyết định số 23-QĐ/TW ngày 30/7/2021", "23", "QĐ", "TW", D(2021, 7, 30), "23-QĐ/TW"),
        ("Quyết định số 23, ngày 30/7/2021", "23", "QĐ", "", D(2021, 7, 30), "23-QĐ"),
        ("Quy chế 05", "05", "QC", "", None, "05-QC"),
        ("Quy chế số 05, ngày 09/12/2021", "05", "QC", "", D(2021, 12, 9), "05-QC"),
        ("Chỉ thị số 08, ngày 13/10/2021", "08", "CT", "", D(2021, 10, 13), "08-CT"),
        ("Quy định số 124, ngày 02/02/2018", "124", "QĐi", "", D(2018, 2, 2), "124-QĐi"),
        ("124-QĐi/TW", "124", "QĐi", "TW", None, "124-QĐi/TW"),
        ("Quyết định 2898 (16/7/2010)", "2898", "QĐ", "", D(2010, 7, 16), "2898-QĐ"),
        ("quyết định 2898 ngày 16/7/2010", "2898", "QĐ", "", D(2010, 7, 16), "2898-QĐ"),
        ("Pháp lệnh 34", "34", "PL", "", None, "34-PL"),
        ("2898/QĐ-UBND", "2898", "QĐ", "UBND", None, "2898-QĐ/UBND"),
        ("25-nq/tw", "25", "NQ", "TW", None, "25-NQ/TW"),
        ("05-QCh/TU", "05", "QC", "TU", None, "05-QC/TU"),
        ("12-QD/DU", "12", "QĐ", "ĐU", None, "12-QĐ/ĐU"),
        (
            "Chương trình hành động số 66-CTr/TU ngày 29 tháng 10 năm 2013",
            "66",
            "CTr",
            "TU",
            D(2013, 10, 29),
            "66-CTr/TU",
        ),
        ("Quyết định số 23, ngày 30 tháng 7 năm 2021", "23", "QĐ", "", D(2021, 7, 30), "23-QĐ"),
    ],
)
def test_reads_the_written_forms(
    text: str, number: str, doc_type: str, issuer: str, date: D | None, full: str
) -> None:
    parsed = parse_document_number(text)
    assert (parsed.number, parsed.type, parsed.issuer, parsed.date) == (
        number,
        doc_type,
        issuer,
        date,
    )
    assert parsed.full_number == full
    assert parsed.raw == text


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Nghị quyết Trung ương 4 (khóa XII)", "XII"),
        ("Nghị quyết Trung ương 4 khóa XII", "XII"),
        ("Nghị quyết Trung ương 4 (khóa XI)", "XI"),
    ],
)
def test_reads_central_plenum_resolutions(text: str, term: str) -> None:
    parsed = parse_document_number(text)
    assert (parsed.number, parsed.type, parsed.issuer, parsed.term) == ("4", "NQ", "TW", term)
    assert parsed.full_number == f"4-NQ/TW (khóa {term})"


# Every mention of a document in the five seed articles (../shared/seeds/), exactly as written
# there, with what it must read as: (article, text, full number, date).
ARTICLES = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
IN_THE_ARTICLES = [
    ("000", "Chương trình hành động số 66-CTr/TU ngày 29/10/2013", "66-CTr/TU", D(2013, 10, 29)),
    ("000", "Nghị quyết số 25-NQ/TW", "25-NQ/TW", None),
    ("000", "Nghị quyết Trung ương 4 khóa XII", "4-NQ/TW (khóa XII)", None),
    ("000", "Nghị quyết Trung ương 4", "4-NQ/TW", None),
    ("000", "Chỉ thị 05", "05-CT", None),
    ("000", "Chỉ thị 14-CT/TU", "14-CT/TU", None),
    ("000", "Quyết định 217-QĐ/TW", "217-QĐ/TW", None),
    ("000", "Quyết định 218-QĐ/TW", "218-QĐ/TW", None),
    ("000", "Chỉ thị số 17 –CT/TU", "17-CT/TU", None),
    ("000", "Quyết định số 217-QĐ/TW", "217-QĐ/TW", None),
    ("000", "Quyết định số 218-QĐ/TW", "218-QĐ/TW", None),
    ("001", "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX", "Nghị quyết Đại hội XX (TU)", None),
    ("001", "Quyết định số 23, ngày 30/7/2021", "23-QĐ", D(2021, 7, 30)),
    ("001", "Quy chế số 05, ngày 09/12/2021", "05-QC", D(2021, 12, 9)),
    ("001", "Chỉ thị số 08, ngày 13/10/2021", "08-CT", D(2021, 10, 13)),
    ("001", "Quy định số 124, ngày 02/02/2018", "124-QĐi", D(2018, 2, 2)),
    ("002", "Chỉ thị số 49-CT/TW, ngày 20/10/2015", "49-CT/TW", D(2015, 10, 20)),
    ("002", "Chỉ thị 49", "49-CT", None),
    ("002", "Nghị quyết Trung ương 4 (khóa XI)", "4-NQ/TW (khóa XI)", None),
    ("002", "Nghị quyết Trung ương 4 (khóa XII)", "4-NQ/TW (khóa XII)", None),
    ("003", "quyết định 2898 ngày 16/7/2010", "2898-QĐ", D(2010, 7, 16)),
    ("003", "Pháp lệnh 34", "34-PL", None),
    ("004", "Nghị quyết Đại hội XII", "Nghị quyết Đại hội XII", None),
    ("004", "Nghị quyết Đại hội Đảng toàn quốc lần thứ XIII", "Nghị quyết Đại hội XIII", None),
]
# Mentions in the articles that name several documents at once: refused with a message.
SEVERAL_IN_THE_ARTICLES = [
    ("000", "Quyết định 217-QĐ/TW, Quyết định 218-QĐ/TW"),
    ("000", "Quyết định số 217-QĐ/TW, Quyết định số 218-QĐ/TW"),
    ("000", "Nghị quyết Trung ương 6, 7"),
]


@pytest.mark.parametrize(("article", "text", "full", "date"), IN_THE_ARTICLES)
def test_every_form_in_the_seed_articles(
    article: str, text: str, full: str, date: D | None
) -> None:
    parsed = parse_document_number(text)
    assert (parsed.full_number, parsed.date) == (full, date)


@pytest.mark.parametrize(("article", "text"), SEVERAL_IN_THE_ARTICLES)
def test_several_documents_in_one_mention_are_refused(article: str, text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_document_number(text)
    assert "nhiều văn bản" in caught.value.message


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="../shared/seeds/ is not beside the checkout")
def test_the_forms_are_quoted_from_the_articles() -> None:
    """The lists above are the articles' own words: each form occurs in its article."""
    texts = {path.name[:3]: path.read_text(encoding="utf-8") for path in ARTICLES.glob("0*.txt")}
    for article, text, *_rest in IN_THE_ARTICLES + SEVERAL_IN_THE_ARTICLES:
        assert text in texts[article], (article, text)


@pytest.mark.parametrize(
    ("text", "full", "term", "issuer"),
    [
        ("Nghị quyết Đại hội XIII", "Nghị quyết Đại hội XIII", "XIII", "TW"),
        (
            "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
            "Nghị quyết Đại hội XIII",
            "XIII",
            "TW",
        ),
        (
            "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX, nhiệm kỳ 2020 - 2025",
            "Nghị quyết Đại hội XX (TU)",
            "XX",
            "TU",
        ),
        ("Nghị quyết Đại hội Đảng bộ xã lần thứ I", "Nghị quyết Đại hội I (ĐU)", "I", "ĐU"),
    ],
)
def test_congress_resolutions_have_no_number_but_a_congress(
    text: str, full: str, term: str, issuer: str
) -> None:
    parsed = parse_document_number(text)
    assert (parsed.full_number, parsed.type, parsed.term, parsed.issuer) == (
        full,
        "NQ",
        term,
        issuer,
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "trống"),
        ("hello", "Không đọc được"),
        ("12345678", "Không đọc được"),
        ("số 12", "loại văn bản"),
        ("25-XX/TW", "XX"),
        ("Chỉ thị 05 ngày 31/02/2016", "31/02/2016"),
        ("Quyết định 217-QĐ/TW, Quyết định 218-QĐ/TW", "nhiều văn bản"),
        ("Nghị quyết Trung ương 6, 7", "nhiều văn bản"),
        ("Nghị quyết Đại hội", "Đại hội nào"),
        ("Quyết định ngày 30 tháng 7 năm 2021", "Không đọc được"),
        ("Chỉ thị 05 ngày 31 tháng 2 năm 2016", "31/2/2016"),
        ("Nghị quyết Đại hội Đảng bộ tỉnh", "Đại hội nào"),
        ("x" * 301, "quá dài"),
    ],
)
def test_garbage_gets_a_vietnamese_message(text: str, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_document_number(text)
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("6 tháng cuối năm 2018", D(2018, 7, 1), D(2018, 12, 31)),
        ("6 tháng đầu năm 2018", D(2018, 1, 1), D(2018, 6, 30)),
        ("năm 2021", D(2021, 1, 1), D(2021, 12, 31)),
        ("Năm 2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("quý 3 năm 2021", D(2021, 7, 1), D(2021, 9, 30)),
        ("quý IV năm 2021", D(2021, 10, 1), D(2021, 12, 31)),
        ("tháng 2/2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("giai đoạn 2021 – 2026", D(2021, 1, 1), D(2026, 12, 31)),
    ],
)
def test_periods(text: str, start: D, end: D) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, text)


@pytest.mark.parametrize("text", ["", "sớm nhất có thể", "tháng 13/2020", "giai đoạn 2026 - 2021"])
def test_unreadable_periods(text: str) -> None:
    with pytest.raises(ParseError):
        parse_period(text)
