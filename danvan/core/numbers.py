"""
Numbers as Vietnamese documents write them, one function each so that the dashboard, its
charts, the Word and Excel reports cannot disagree: "50,0 %", "1.234,5".
"""

from __future__ import annotations

from typing import Any

MISSING = "—"


def decimal(value: Any, places: int = 1) -> str:
    """1234.5 -> "1.234,5": a dot between thousands, a comma before the decimals."""
    if value is None:
        return MISSING
    text = f"{float(value):,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: Any) -> str:
    """A rate in percent, one decimal: 50 -> "50,0 %"; None (nothing to measure) -> "—"."""
    if value is None:
        return MISSING
    return f"{decimal(value, 1)} %"
