"""Text helpers for diacritic-insensitive search."""

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    """Lower-case ASCII form of Vietnamese text: "Khiếu nại Đất đai" -> "khieu nai dat dai"."""
    if not value:
        return ""
    return _SPACES.sub(" ", unidecode(value).lower()).strip()
