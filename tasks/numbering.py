"""
Reading the numbers of directive documents as they are written in reports and articles.

    "25-NQ/TW"                                              -> 25, NQ, TW
    "Chương trình hành động số 66-CTr/TU ngày 29/10/2013"   -> 66, CTr, TU, 29/10/2013
    "Chỉ thị số 17 –CT/TU"                                  -> 17, CT, TU
    "Quyết định số 23, ngày 30/7/2021"                      -> 23, QĐ, (issuer not written)
    "Quyết định 2898 (16/7/2010)"                           -> 2898, QĐ, 16/7/2010
    "Nghị quyết Trung ương 4 (khóa XII)"                    -> 4, NQ, TW, term XII
    "Nghị quyết Đại hội Đảng toàn quốc lần thứ XIII"        -> congress XIII, NQ, TW
    "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX"            -> congress XX, NQ, TU
    "2898/QĐ-UBND"                                          -> 2898, QĐ, UBND (state style)
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danvan.core.text import fold


class ParseError(ValueError):
    """The text is not a document number we can read; the message says why, for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedNumber:
    number: str
    type: str
    issuer: str
    date: datetime.date | None
    raw: str
    term: str = ""

    @property
    def full_number(self) -> str:
        return format_full_number(self.number, self.type, self.issuer, self.term)


# The `number` of a congress resolution, which has none of its own ("Nghị quyết Đại hội XIII").
CONGRESS = "ĐH"


def format_full_number(number: str, doc_type: str, issuer: str, term: str) -> str:
    """
    The canonical written form: "25-NQ/TW"; "4-NQ/TW (khóa XII)" for a plenum resolution;
    "Nghị quyết Đại hội XIII" (or "Nghị quyết Đại hội XX (TU)") for a congress resolution.
    """
    if number == CONGRESS:
        text = f"Nghị quyết Đại hội {term}"
        return text if issuer in ("", "TW") else f"{text} ({issuer})"
    text = f"{number}-{doc_type}"
    if issuer:
        text += f"/{issuer}"
    if term:
        text += f" (khóa {term})"
    return text


# Folded (diacritic-free) type segment -> canonical type code.
_TYPE_CODES = {
    "nq": "NQ",
    "ct": "CT",
    "qd": "QĐ",
    "kl": "KL",
    "ctr": "CTr",
    "kh": "KH",
    "qc": "QC",
    "qch": "QC",
    "qdi": "QĐi",
    "hd": "HD",
    "cv": "CV",
    "tb": "TB",
    "bc": "BC",
    "pl": "PL",
}
# Folded words naming a type, longest first so "chương trình hành động" wins over "chương trình".
_TYPE_WORDS = [
    ("chuong trinh hanh dong", "CTr"),
    ("chuong trinh", "CTr"),
    ("nghi quyet", "NQ"),
    ("chi thi", "CT"),
    ("quyet dinh", "QĐ"),
    ("ket luan", "KL"),
    ("ke hoach", "KH"),
    ("quy che", "QC"),
    ("quy dinh", "QĐi"),
    ("huong dan", "HD"),
    ("cong van", "CV"),
    ("thong bao", "TB"),
    ("bao cao", "BC"),
    ("phap lenh", "PL"),
]
# Issuers written without Vietnamese letters, and "TƯ" (Trung ương) which would fold to TU.
_ISSUER_ALIASES = {"TƯ": "TW", "DU": "ĐU", "BCD": "BCĐ", "DUK": "ĐUK"}

_DASH = r"[-‐‑‒–—]"
# Party style: 25-NQ/TW, 17 –CT/TU, 124-QĐi/TW, 05-QCh/TU
_PARTY = re.compile(
    rf"(?<![\w/])(?P<number>\d{{1,5}}[a-z]?)\s*{_DASH}\s*(?P<type>[^\W\d_]{{1,4}})\s*/\s*"
    r"(?P<issuer>[^\W_]{1,12})(?![\w])",
)
# State style: 2898/QĐ-UBND, 34/2007/PL-UBTVQH11
_STATE = re.compile(
    rf"(?<![\w/])(?P<number>\d{{1,5}})/(?:(?P<year>\d{{4}})/)?(?P<type>[^\W\d_]{{1,4}}){_DASH}"
    r"(?P<issuer>[^\W_]{1,12})(?![\w])",
)
_DATE = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?!\d)")
# On folded text, the style of document headers: "ngày 29 tháng 10 năm 2013".
_WORDED_DATE = re.compile(
    r"\bngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})\s+nam\s+(?P<y>\d{4})(?!\d)"
)
# On folded text: "nghi quyet (hoi nghi) (lan thu) trung uong 4 (khoa xii)"
_PLENUM = re.compile(
    r"nghi quyet\s+(?:hoi nghi\s+)?(?:lan thu\s+)?trung uong\s+(?P<number>\d{1,2})"
    r"(?P<more>\s*(?:,|va)\s*\d)?"
    r"(?:\s*[(,-]?\s*khoa\s+(?P<term>[ivxlc]+)\s*\)?)?"
)
# On folded text: "nghi quyet dai hoi (dang toan quoc | dang bo tinh | …) (lan thu) xiii"; a
# congress resolution has no number, only the congress's ordinal in Roman numerals.
_CONGRESS = re.compile(
    r"nghi quyet\s+dai hoi\b(?P<body>[^\d()]{0,60}?)\s(?:lan thu\s+)?(?P<term>[ivxlc]+)\b"
)
_CONGRESS_ISSUERS = [
    ("dang bo tinh", "TU"),
    ("dang bo thanh pho", "TU"),
    ("dang bo huyen", "HU"),
    ("dang bo xa", "ĐU"),
    ("dang bo phuong", "ĐU"),
    ("dang bo dac khu", "ĐU"),
]
_BARE_NUMBER = re.compile(r"(?:\bso\s+|^|\s)(?P<number>\d{1,5})(?![\d/.-]|\s*[/.-]\s*\d)")


def _parse_date(text: str) -> datetime.date | None:
    match = _DATE.search(text) or _WORDED_DATE.search(fold(text))
    if not match:
        return None
    day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        raise ParseError(
            _("“%(date)s” is not a valid date (day/month/year).")
            % {"date": f"{match['d']}/{match['m']}/{match['y']}"}
        ) from None
    if not 1930 <= year <= 2100:
        raise ParseError(_("The year %(year)s is not plausible for a document.") % {"year": year})
    return value


def _type_code(segment: str) -> str:
    code = _TYPE_CODES.get(fold(segment))
    if code is None:
        raise ParseError(
            _("“%(segment)s” is not a known document type (NQ, CT, QĐ, KL, CTr, KH, QC, …).")
            % {"segment": segment}
        )
    return code


def _issuer_code(segment: str) -> str:
    upper = segment.upper()
    return _ISSUER_ALIASES.get(upper, upper)


def _type_from_words(folded: str) -> str | None:
    for words, code in _TYPE_WORDS:
        if re.search(rf"\b{words}\b", folded):
            return code
    return None


def _congress(raw: str, folded: str) -> ParsedNumber:
    """A congress resolution: the national congress (TW) or a provincial/commune one."""
    match = _CONGRESS.search(folded)
    if match is None:
        raise ParseError(
            _(
                "“%(text)s” does not say which congress; write for example “Nghị quyết Đại hội "
                "Đảng toàn quốc lần thứ XIII”."
            )
            % {"text": raw}
        )
    issuer = next((code for words, code in _CONGRESS_ISSUERS if words in match["body"]), "TW")
    return ParsedNumber(
        number=CONGRESS,
        type="NQ",
        issuer=issuer,
        date=_parse_date(raw),
        raw=raw,
        term=match["term"].upper(),
    )


def parse_document_number(text: str) -> ParsedNumber:
    """Read a document number written in any of the usual forms; ParseError if we cannot."""
    raw = (text or "").strip()
    if not raw:
        raise ParseError(_("The document number is empty."))
    if len(raw) > 300:
        raise ParseError(_("The document number is too long (at most 300 characters)."))
    folded = fold(raw)
    written_type = _type_from_words(folded)

    plenum = _PLENUM.search(folded)
    if plenum:
        if plenum["more"]:
            raise ParseError(
                _("“%(text)s” names several documents; enter them one at a time.") % {"text": raw}
            )
        return ParsedNumber(
            number=plenum["number"],
            type="NQ",
            issuer="TW",
            date=_parse_date(raw),
            raw=raw,
            term=(plenum["term"] or "").upper(),
        )

    matches = list(_PARTY.finditer(raw)) or list(_STATE.finditer(raw))
    if not matches and re.search(r"nghi quyet\s+dai hoi\b", folded):
        return _congress(raw, folded)
    if len(matches) > 1:
        raise ParseError(
            _("“%(text)s” names several documents; enter them one at a time.") % {"text": raw}
        )
    if matches:
        match = matches[0]
        remainder = raw[: match.start()] + " " + raw[match.end() :]
        return ParsedNumber(
            number=match["number"],
            type=_type_code(match["type"]),
            issuer=_issuer_code(match["issuer"]),
            date=_parse_date(remainder),
            raw=raw,
        )

    # No coded number: "Chỉ thị 05", "Quyết định số 23, ngày 30/7/2021", "Quyết định 2898".
    without_dates = _WORDED_DATE.sub(" ", _DATE.sub(" ", folded))
    bare = _BARE_NUMBER.search(without_dates)
    if bare is None:
        raise ParseError(
            _(
                "Cannot read a document number in “%(text)s”. Write it like “25-NQ/TW” or "
                "“Chỉ thị số 05, ngày 15/5/2016”."
            )
            % {"text": raw}
        )
    if written_type is None:
        raise ParseError(
            _(
                "“%(text)s” does not say what kind of document it is; write for example "
                "“Chỉ thị 05” or “05-CT/TW”."
            )
            % {"text": raw}
        )
    return ParsedNumber(
        number=bare["number"], type=written_type, issuer="", date=_parse_date(raw), raw=raw
    )
