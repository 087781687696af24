"""Each benchmark compares its API with its SQL floor; a run where they disagree fails."""

from __future__ import annotations

DISAGREEMENTS: list[str] = []


def record(label: str, same: bool) -> bool:
    """Note a comparison; the run exits non-zero at the end if any failed."""
    if not same:
        DISAGREEMENTS.append(label)
    return same


def exit_if_any() -> None:
    if DISAGREEMENTS:
        raise SystemExit("API and floor returned different rows for: " + "; ".join(DISAGREEMENTS))
