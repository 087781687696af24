"""
The record kit's own rules (danvan.core.versions, danvan.core.errors): the header forms one
parser reads for every record, and one documented 409 code per cause across the product.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIRequestFactory

from danvan.core.errors import CONFLICT_CODES, Conflict
from danvan.core.versions import PreconditionFailed, check_version, expected_version, not_modified

ROOT = Path(__file__).resolve().parents[2]
RECORD = SimpleNamespace(pk=12, version=3)


def _request(**headers: str) -> Any:
    from rest_framework.request import Request

    return Request(APIRequestFactory().get("/", **{f"HTTP_{k}": v for k, v in headers.items()}))


@pytest.mark.parametrize(
    "header, expected",
    [
        ('"12-3"', 3),
        ('W/"12-3"', 3),
        ("12-3", 3),
        ('"12-2"', 2),  # stale: the service says 412 under its lock
        ("*", None),
        ('"7-1", W/"12-3"', 3),
        ('"12-2", "12-3"', 3),  # a list naming the current version passes
    ],
)
def test_if_match_forms(header: str, expected: int | None) -> None:
    assert expected_version(_request(IF_MATCH=header), RECORD) == expected


@pytest.mark.parametrize("header", ['"7-3"', "garbled", '"12-x"', "W/", '"12"'])
def test_if_match_naming_no_version_of_this_record_is_412_at_once(header: str) -> None:
    with pytest.raises(PreconditionFailed) as refused:
        expected_version(_request(IF_MATCH=header), RECORD)
    assert refused.value.status_code == 412
    assert refused.value.code == "precondition_failed"


def test_no_if_match_checks_nothing() -> None:
    assert expected_version(_request(), RECORD) is None
    check_version(RECORD, None)
    with pytest.raises(PreconditionFailed):
        check_version(RECORD, 2)


@pytest.mark.parametrize("header", ['"12-3"', 'W/"12-3"', '"1-1", "12-3"', "*"])
def test_if_none_match_current_is_304(header: str) -> None:
    answer = not_modified(_request(IF_NONE_MATCH=header), RECORD)
    assert answer is not None and answer.status_code == 304
    assert answer["ETag"] == '"12-3"'


@pytest.mark.parametrize("header", ['"12-2"', '"13-3"', "nonsense"])
def test_if_none_match_old_is_none(header: str) -> None:
    assert not_modified(_request(IF_NONE_MATCH=header), RECORD) is None


def test_a_conflict_needs_a_documented_code() -> None:
    with pytest.raises(ValueError):
        Conflict("x", code="conflict")
    assert Conflict("x", code="invalid_transition").status_code == 409


def _conflict_calls() -> list[tuple[str, int, Any]]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "tests", "bench") or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Conflict"
            ):
                code = next((k.value for k in node.keywords if k.arg == "code"), None)
                value = code.value if isinstance(code, ast.Constant) else code
                found.append((str(path.relative_to(ROOT)), node.lineno, value))
    return found


def test_every_409_in_the_product_says_its_cause_with_a_documented_code() -> None:
    calls = _conflict_calls()
    assert len(calls) >= 10  # petitions, tasks and the calendar raise them
    wrong = [(path, line, code) for path, line, code in calls if code not in CONFLICT_CODES]
    assert not wrong, wrong


def test_the_docs_list_every_conflict_code() -> None:
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in guide for code in CONFLICT_CODES)
