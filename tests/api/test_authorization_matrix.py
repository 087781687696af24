"""
The authorization matrix: every operation of the OpenAPI schema, run as every persona against
real objects in commune A1 (Xã Di Linh), must give the outcome written in EXPECTED below.

- An operation the schema documents without an EXPECTED entry fails the suite: a new endpoint
  cannot slip past authorization review.
- Outcomes: OK = the request got past authorization (2xx, or a 400/409/412 about its body or
  the object's state — the empty body we send is usually invalid); 401; 403; 404 (outside the
  persona's units, indistinguishable from a missing object). A 5xx is always a failure.
- Objects of the other province (commune B1) must answer every persona but the administrator
  exactly as a nonexistent id does (no existence leak), and never appear in a list.
- The denouncer of the A1 denunciation is never named, numbered or phoned in any body.
- Three personas hold two posts or a post in one province only (see tests/api/conftest.py):
  a role held in one unit never grants an action in another. The handler of A2 who is only a
  cadre in A1, and the supervisor of province B who is only a cadre in A1, get a cadre's
  outcomes on A1's records; the administrator of province A gets an administrator's on A1's
  and a stranger's (404, as for a missing id) on province B's.
Each request runs in a savepoint that is rolled back, so a DELETE or a workflow step by one
persona does not change what the next one sees.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from petitions.models import Petition
from tests.api.conftest import PERSONAS
from tests.api.schema import PUBLIC_PATHS, operations
from tests.api.world import (
    RESOURCES,
    SECRET_CITIZEN_ID,
    SECRET_NAME,
    SECRET_STRINGS,
    World,
)
from tests.petitions.factories import PDF_BYTES

OK, U, F, N = "OK", "401", "403", "404"
MISSING_ID = 2_000_000_000


def row(
    anonymous: str,
    cadre_a: str,
    cadre_b: str,
    handler_a: str,
    supervisor: str,
    admin: str,
    handler_elsewhere: str,
    supervisor_elsewhere: str,
    administrator_a: str,
) -> dict[str, str]:
    values = (
        anonymous,
        cadre_a,
        cadre_b,
        handler_a,
        supervisor,
        admin,
        handler_elsewhere,
        supervisor_elsewhere,
        administrator_a,
    )
    return dict(zip(PERSONAS, values, strict=True))


# --- Expected outcome per resource and persona ---------------------------------------------------
# Columns: anonymous, cadre_a, cadre_b, handler_a, supervisor (province A), administrator
# (central), handler_elsewhere (handler A2 + cadre A1), supervisor_elsewhere (supervisor of
# province B + cadre A1), administrator_a (administrator of province A only).
PUBLIC = row(OK, OK, OK, OK, OK, OK, OK, OK, OK)  # no authentication needed
# any signed-in person, about themselves or reference data
SIGNED_IN = row(U, OK, OK, OK, OK, OK, OK, OK, OK)
# rows of A1: the sibling commune's cadre sees nothing; a cadre post in A1 is enough to see
SCOPED = row(U, OK, N, OK, OK, OK, OK, OK, OK)
OWN = row(U, OK, N, N, N, N, N, N, N)  # a person's own inbox: cadre_a's notification
GATEWAY = row(U, F, F, F, F, F, F, F, F)  # only the push gateway's account
# petition workflow (petition.handle at the handling unit A1): handlers, supervisors and
# administrators of A1 or above; a handler or supervisor elsewhere who is a cadre in A1: 403
HANDLE = row(U, F, N, OK, OK, OK, F, F, OK)
# task management (task.manage at the issuing unit, province A; meeting.manage at A1)
MANAGE = row(U, F, N, F, OK, OK, F, F, OK)
# movement.record / report_figures / record_dialogue at A1: cadres and leaders, not handlers
RECORD = row(U, OK, N, F, OK, OK, OK, OK, OK)
# directive.manage at province A (directives are reference documents everyone reads)
DIRECTIVE = row(U, F, F, F, OK, OK, F, F, OK)

EXPECTED: dict[str, dict[str, str]] = {
    "DELETE /api/v1/tasks/{id}/": MANAGE,
    "GET /api/v1/calendar/deadline/": SIGNED_IN,
    "GET /api/v1/calendar/holidays/": SIGNED_IN,
    "GET /api/v1/directives/": SIGNED_IN,
    "GET /api/v1/directives/{id}/": SIGNED_IN,
    "GET /api/v1/directives/{id}/implemented-by/": SIGNED_IN,
    "GET /api/v1/directives/{id}/implements/": SIGNED_IN,
    "GET /api/v1/directives/{id}/timeline/": SIGNED_IN,
    "GET /api/v1/directives/sync/": SIGNED_IN,
    "GET /api/v1/me/": SIGNED_IN,
    "PATCH /api/v1/me/": SIGNED_IN,  # one's own language
    "GET /api/v1/meetings/": SIGNED_IN,
    "GET /api/v1/meetings/{id}/": SCOPED,
    "GET /api/v1/meetings/{id}/timeline/": SCOPED,
    "GET /api/v1/meetings/sync/": SIGNED_IN,
    "GET /api/v1/notifications/": SIGNED_IN,
    "GET /api/v1/notifications/unread-count/": SIGNED_IN,
    "GET /api/v1/notifications/sync/": SIGNED_IN,
    "GET /api/v1/notifications/preferences/": SIGNED_IN,
    "PUT /api/v1/notifications/preferences/": SIGNED_IN,
    "PATCH /api/v1/notifications/preferences/": SIGNED_IN,
    "GET /api/v1/notifications/{id}/": OWN,
    # Notices to citizens: read with their petition; edited, issued and withdrawn by the
    # handlers of the issuing unit (petition.handle at A1). A draft's document: 409 (not issued).
    "GET /api/v1/notices/": SIGNED_IN,
    "GET /api/v1/notices/sync/": SIGNED_IN,
    "GET /api/v1/notices/{id}/": SCOPED,
    "GET /api/v1/notices/{id}/document/": SCOPED,
    "PATCH /api/v1/notices/{id}/": HANDLE,
    "POST /api/v1/notices/{id}/issue/": HANDLE,
    "POST /api/v1/notices/{id}/withdraw/": HANDLE,
    # The citizen's status look-up: public; the code and 4 digits decide, not the person.
    "POST /api/v1/public/petition-status/": PUBLIC,
    "GET /api/v1/petition-fields/": SIGNED_IN,
    "GET /api/v1/petition-fields/{id}/": SIGNED_IN,
    "GET /api/v1/petitions/": SIGNED_IN,
    "GET /api/v1/petitions/sync/": SIGNED_IN,
    "GET /api/v1/petitions/{id}/": SCOPED,
    "GET /api/v1/petitions/{id}/attachments/": SCOPED,
    # Internal notes: read by whoever sees the petition; written with petition.note at the
    # receiving or handling unit (A1), which every post in A1 or above holds.
    "GET /api/v1/petitions/{id}/notes/": SCOPED,
    "POST /api/v1/petitions/{id}/notes/": SCOPED,
    # A1's petition is a denunciation: its files are never downloaded (403 to whoever sees it).
    "GET /api/v1/petitions/{id}/attachments/{attachment_id}/": row(U, F, N, F, F, F, F, F, F),
    "GET /api/v1/tasks/{id}/evidence/{evidence_id}/": SCOPED,
    "GET /api/v1/directives/{id}/files/{file_id}/": SIGNED_IN,
    "GET /api/v1/petitions/{id}/duplicates/": SCOPED,
    "GET /api/v1/petitions/{id}/timeline/": SCOPED,
    "GET /api/v1/push-outbox/": GATEWAY,
    "GET /api/v1/push-outbox/{id}/": GATEWAY,
    "GET /api/v1/reception-sessions/": SIGNED_IN,
    "GET /api/v1/reception-sessions/{id}/": SCOPED,
    "GET /api/v1/tasks/": SIGNED_IN,
    "GET /api/v1/tasks/sync/": SIGNED_IN,
    "GET /api/v1/tasks/{id}/": SCOPED,
    "GET /api/v1/tasks/{id}/progress/": SCOPED,
    "GET /api/v1/tasks/{id}/timeline/": SCOPED,
    "GET /api/v1/units/": SIGNED_IN,
    "GET /api/v1/units/{id}/": SCOPED,
    "PATCH /api/v1/meetings/{id}/": MANAGE,
    "PATCH /api/v1/petitions/{id}/": HANDLE,
    "PATCH /api/v1/tasks/{id}/": MANAGE,
    "POST /api/v1/auth/logout/": SIGNED_IN,
    "POST /api/v1/auth/token/": PUBLIC,
    "POST /api/v1/auth/token/refresh/": PUBLIC,
    # A document of no unit (the body names none): the leaders of any unit record it, so the
    # supervisor of province B may; no one without a leader's post anywhere.
    "POST /api/v1/directives/": row(U, F, F, F, OK, OK, F, OK, OK),
    "POST /api/v1/directives/{id}/link/": DIRECTIVE,
    # cadre_b holds meeting.manage nowhere: 403 before the body is read (danvan.core.gates).
    "POST /api/v1/meetings/": row(U, F, F, F, OK, OK, F, F, OK),
    "POST /api/v1/meetings/{id}/conclusions-to-tasks/": SCOPED,
    "POST /api/v1/notifications/read-all/": SIGNED_IN,
    "POST /api/v1/notifications/{id}/read/": OWN,
    # petition.intake at the receiving unit A1 (the body names it): cadres, handlers and
    # supervisors; cadre_b: 400 "outside your units"; administrators do not record petitions.
    "POST /api/v1/petitions/": row(U, OK, OK, OK, OK, F, OK, OK, F),
    "POST /api/v1/petitions/duplicate-candidates/": SIGNED_IN,
    "POST /api/v1/petitions/{id}/accept/": HANDLE,
    "POST /api/v1/petitions/{id}/assign/": HANDLE,
    # petition.attach at the receiving or handling unit (A1): not an administrator's action.
    "POST /api/v1/petitions/{id}/attachments/": row(U, OK, N, OK, OK, F, OK, OK, F),
    "POST /api/v1/petitions/{id}/close/": HANDLE,
    "POST /api/v1/petitions/{id}/extend/": HANDLE,
    "POST /api/v1/petitions/{id}/file/": HANDLE,
    "POST /api/v1/petitions/{id}/guide/": HANDLE,
    # No role gives a denouncer's identity (an IdentityGrant does): every persona is refused.
    "POST /api/v1/petitions/{id}/identity/": row(U, F, N, F, F, F, F, F, F),
    "POST /api/v1/petitions/{id}/link/": HANDLE,
    # petition.handle at both petitions' handling unit (the body's petition: a 400 if unseen).
    "POST /api/v1/petitions/{id}/merge/": HANDLE,
    "POST /api/v1/petitions/{id}/reopen/": HANDLE,
    "POST /api/v1/petitions/{id}/report-transfer/": HANDLE,
    "POST /api/v1/petitions/{id}/resolve/": HANDLE,
    "POST /api/v1/petitions/{id}/resume/": HANDLE,
    "POST /api/v1/petitions/{id}/return-papers/": HANDLE,
    "POST /api/v1/petitions/{id}/start-resolution/": HANDLE,
    "POST /api/v1/petitions/{id}/suspend/": HANDLE,
    "POST /api/v1/petitions/{id}/transfer/": HANDLE,
    "POST /api/v1/push-outbox/ack/": GATEWAY,
    # petition.record_reception_session at the session's unit A1 (the body names it).
    "POST /api/v1/reception-sessions/": row(U, OK, OK, OK, OK, F, OK, OK, F),
    # cadre_b holds task.manage nowhere: 403 before the body is read (danvan.core.gates).
    "POST /api/v1/tasks/": row(U, F, F, F, OK, OK, F, F, OK),
    "POST /api/v1/tasks/{id}/approve/": MANAGE,
    "POST /api/v1/tasks/{id}/cancel/": MANAGE,
    "POST /api/v1/tasks/{id}/cascade/": MANAGE,
    "POST /api/v1/tasks/{id}/next-occurrence/": MANAGE,
    # task.report_progress at the lead unit A1: cadres, supervisors and administrators; a
    # petition handler only reads tasks (handler_elsewhere reports as A1's cadre).
    "POST /api/v1/tasks/{id}/progress/": row(U, OK, N, F, OK, OK, OK, OK, OK),
    "POST /api/v1/tasks/{id}/evidence/": row(U, OK, N, F, OK, OK, OK, OK, OK),
    "POST /api/v1/tasks/{id}/return/": MANAGE,
    # Reports: every signed-in person gets the figures of their own units.
    "GET /api/v1/reports/documents/": SIGNED_IN,
    "GET /api/v1/reports/documents/{id}/": SCOPED,
    "GET /api/v1/reports/documents/{id}/download/": SCOPED,
    "GET /api/v1/reports/exports/{subject}.{file_format}": SIGNED_IN,
    "GET /api/v1/reports/overdue/": SIGNED_IN,
    "GET /api/v1/reports/petitions/": SIGNED_IN,
    "GET /api/v1/reports/tasks/": SIGNED_IN,
    "GET /api/v1/reports/trend/": SIGNED_IN,
    "POST /api/v1/directives/{id}/files/": DIRECTIVE,
    "POST /api/v1/directives/{id}/replace/": DIRECTIVE,
    "POST /api/v1/meetings/{id}/conclusions/": MANAGE,
    "POST /api/v1/petitions/{id}/dismiss-duplicate/": HANDLE,
    # cadre_b: 404, the body names commune A1 (outside their units).
    "POST /api/v1/reports/documents/": SCOPED,
    # The movement: models, figures and dialogues are recorded at their unit (A1) by its cadres
    # and leaders (movement.record …); a petition handler only reads them. Reviews, recognition,
    # replication and drops: the leaders at or above the model's unit (movement.review).
    "GET /api/v1/movement-models/": SIGNED_IN,
    "GET /api/v1/movement-models/sync/": SIGNED_IN,
    "GET /api/v1/movement-models/{id}/": SCOPED,
    "GET /api/v1/movement-models/{id}/timeline/": SCOPED,
    # cadre_b: 400, the body names commune A1; a handler holds movement.record nowhere.
    "POST /api/v1/movement-models/": row(U, OK, OK, F, OK, OK, OK, OK, OK),
    "PATCH /api/v1/movement-models/{id}/": RECORD,
    "POST /api/v1/movement-models/{id}/submit/": RECORD,
    "POST /api/v1/movement-models/{id}/evidence/": RECORD,
    "POST /api/v1/movement-models/{id}/recognise/": MANAGE,
    "POST /api/v1/movement-models/{id}/replicate/": MANAGE,
    "POST /api/v1/movement-models/{id}/keep/": MANAGE,
    "POST /api/v1/movement-models/{id}/drop/": MANAGE,
    # cadre_b reviews nowhere: 403 before the body is read. The supervisor of province B
    # passes that gate (a reviewer somewhere), then is refused at A1.
    "POST /api/v1/movement-models/review/": row(U, F, F, F, OK, OK, F, F, OK),
    "GET /api/v1/indicators/": SIGNED_IN,
    "GET /api/v1/indicators/{id}/": SIGNED_IN,
    "GET /api/v1/indicators/rollup/": SIGNED_IN,
    "GET /api/v1/indicator-reports/": SIGNED_IN,
    "GET /api/v1/indicator-reports/sync/": SIGNED_IN,
    "GET /api/v1/indicator-reports/{id}/": SCOPED,
    "GET /api/v1/indicator-reports/{id}/timeline/": SCOPED,
    "POST /api/v1/indicator-reports/": row(U, OK, OK, F, OK, OK, OK, OK, OK),
    "POST /api/v1/indicator-reports/{id}/correct/": RECORD,
    "GET /api/v1/dialogues/": SIGNED_IN,
    "GET /api/v1/dialogues/sync/": SIGNED_IN,
    "GET /api/v1/dialogues/{id}/": SCOPED,
    "GET /api/v1/dialogues/{id}/timeline/": SCOPED,
    "POST /api/v1/dialogues/": row(U, OK, OK, F, OK, OK, OK, OK, OK),
    "PATCH /api/v1/dialogues/{id}/": RECORD,
    "POST /api/v1/dialogues/{id}/issues/": RECORD,
    "POST /api/v1/dialogues/{id}/answer/": RECORD,
    # petition.intake at A1: not an administrator's action (as for POST /petitions/).
    "POST /api/v1/dialogues/{id}/issue-to-petition/": row(U, OK, N, F, OK, F, OK, OK, F),
    # task.manage at the dialogue's unit A1: its leaders only.
    "POST /api/v1/dialogues/{id}/issue-to-task/": MANAGE,
}

# Operations whose current behaviour contradicts EXPECTED: tracked until fixed (strict xfail).
KNOWN_BUGS: dict[str, str] = {}

# Valid bodies, so a persona lacking the permission cannot hide behind a 400 about the body.
REASON = {"reason": "Kiểm tra phân quyền"}
BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /api/v1/petitions/": lambda w: {
        "receiving_unit": w.tree.commune_a1.pk,
        "location_unit": w.tree.village_a1.pk,
        "received_on": "2026-03-02",
        "channel": "mobile_app",
        "kind": "complaint",
        "summary": "Khiếu nại về đất đai",
        "petitioners": [{"full_name": "Nguyễn Văn Nam"}],
    },
    "POST /api/v1/petitions/{id}/attachments/": lambda w: {
        "file": SimpleUploadedFile("don.pdf", PDF_BYTES, content_type="application/pdf")
    },
    "POST /api/v1/reception-sessions/": lambda w: {
        "unit": w.tree.commune_a1.pk,
        "held_on": "2026-03-02",
        "leader_name": "Chủ tịch UBND xã",
        "citizens_count": 4,
    },
    "PATCH /api/v1/petitions/{id}/": lambda w: {"summary": "Sửa tóm tắt đơn"},
    "POST /api/v1/petitions/{id}/accept/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/assign/": lambda w: {"assignee": w.users["handler_a"].pk},
    "POST /api/v1/petitions/{id}/close/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/notes/": lambda w: {"text": "Ghi chú kiểm tra phân quyền"},
    "POST /api/v1/petitions/{id}/extend/": lambda w: {
        **REASON,
        "days": 10,
        "decision_number": "1/QĐ-GH",
    },
    "POST /api/v1/petitions/{id}/file/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/guide/": lambda w: {**REASON, "competent_body": "Tòa án"},
    "POST /api/v1/petitions/{id}/identity/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/link/": lambda w: {"target": w.inside["petitions"]},
    "POST /api/v1/petitions/{id}/merge/": lambda w: {"absorbed": w.inside["petitions"]},
    "POST /api/v1/petitions/{id}/reopen/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/report-transfer/": lambda w: {"result": "Đã giải quyết"},
    "POST /api/v1/petitions/{id}/resolve/": lambda w: {
        "result": "right",
        "answer_number": "1/QĐ-UBND",
        "answer_issued_on": "2026-03-10",
        "answer_signer": "Chủ tịch UBND xã",
        "answer_summary": "Tố cáo đúng",
    },
    "POST /api/v1/petitions/{id}/resume/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/return-papers/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/start-resolution/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/suspend/": lambda w: REASON,
    "POST /api/v1/petitions/{id}/dismiss-duplicate/": lambda w: {
        "candidate": w.inside["petitions"]
    },
    "POST /api/v1/petitions/{id}/transfer/": lambda w: {
        **REASON,
        "to_unit": w.tree.commune_a2.pk,
    },
    "POST /api/v1/directives/": lambda w: {
        "number": "Chỉ thị số 05-CT/TU ngày 10/3/2026",
        "title": "Về tăng cường công tác dân vận",
    },
    "POST /api/v1/meetings/": lambda w: {
        "kind": "giao_ban",
        "title": "Giao ban dân vận quý I",
        "organising_unit": w.tree.commune_a1.pk,
    },
    "POST /api/v1/tasks/": lambda w: {
        "title": "Tuyên truyền Luật Đất đai",
        "issuing_unit": w.tree.commune_a1.pk,
        "lead_unit": w.tree.commune_a1.pk,
        "due_on": "2026-12-31",
    },
    "POST /api/v1/directives/{id}/link/": lambda w: {"implements": [w.outside["directives"]]},
    "PATCH /api/v1/notices/{id}/": lambda w: {"number": "12"},
    "POST /api/v1/public/petition-status/": lambda w: {
        "code": Petition.objects.get(pk=w.inside["petitions"]).code,
        "phone_last4": "0321",
    },
    "POST /api/v1/notices/{id}/withdraw/": lambda w: REASON,
    "POST /api/v1/reports/documents/": lambda w: {
        "unit": w.tree.commune_a1.pk,
        "kind": "year",
        "year": 2025,
    },
    "POST /api/v1/directives/{id}/files/": lambda w: {
        "file": SimpleUploadedFile("chi-thi.pdf", PDF_BYTES, content_type="application/pdf")
    },
    "POST /api/v1/directives/{id}/replace/": lambda w: {"replaced_by": w.outside["directives"]},
    "POST /api/v1/meetings/{id}/conclusions/": lambda w: {"text": "Tăng cường đối thoại"},
    "POST /api/v1/tasks/{id}/cancel/": lambda w: REASON,
    "POST /api/v1/tasks/{id}/return/": lambda w: REASON,
    "POST /api/v1/tasks/{id}/progress/": lambda w: {"text": "Đã triển khai", "percent": 50},
    "POST /api/v1/tasks/{id}/evidence/": lambda w: {
        "report": _report_of(w.inside["tasks"]),
        "file": SimpleUploadedFile("anh.pdf", PDF_BYTES, content_type="application/pdf"),
    },
    "PATCH /api/v1/tasks/{id}/": lambda w: {"title": "Nhiệm vụ đã sửa"},
    "PATCH /api/v1/meetings/{id}/": lambda w: {"minutes": "Biên bản giao ban"},
    "POST /api/v1/movement-models/": lambda w: {
        "unit": w.tree.commune_a1.pk,
        "name": "Mô hình “Dân vận khéo” dọn vệ sinh đường làng",
        "field": "van_hoa_xa_hoi",
        "year_started": 2025,
    },
    "PATCH /api/v1/movement-models/{id}/": lambda w: {"results": "Đường làng sạch đẹp"},
    "POST /api/v1/movement-models/{id}/evidence/": lambda w: {
        "file": SimpleUploadedFile("anh.pdf", PDF_BYTES, content_type="application/pdf")
    },
    "POST /api/v1/movement-models/{id}/recognise/": lambda w: {
        "recognising_unit": w.tree.commune_a1.pk,
        "decision_number": "15/QĐ-BCĐ",
        "decision_date": "2026-03-02",
    },
    "POST /api/v1/movement-models/{id}/replicate/": lambda w: {"replicated_in": "Xã bên"},
    "POST /api/v1/movement-models/{id}/keep/": lambda w: {"year": 2026},
    "POST /api/v1/movement-models/{id}/drop/": lambda w: {"reason": "hinh_thuc"},
    "POST /api/v1/movement-models/review/": lambda w: {
        "models": [w.inside["movement-models"]],
        "year": 2026,
        "outcome": "drop",
        "reason": "kem_hieu_qua",
    },
    "POST /api/v1/indicator-reports/": lambda w: {
        "unit": w.tree.commune_a1.pk,
        "period_start": "2025-04-01",
        "period_end": "2025-06-30",
        "values": {"workdays": 50},
    },
    "POST /api/v1/indicator-reports/{id}/correct/": lambda w: {
        "values": {"workdays": 125},
        "reason": "Cộng sót một thôn",
    },
    "POST /api/v1/dialogues/": lambda w: {
        "unit": w.tree.commune_a1.pk,
        "held_on": "2026-03-02",
        "leader_name": "Chủ tịch UBND xã",
    },
    "PATCH /api/v1/dialogues/{id}/": lambda w: {"participants_count": 150},
    "POST /api/v1/dialogues/{id}/issues/": lambda w: {"text": "Đường vào thôn xuống cấp"},
    "POST /api/v1/dialogues/{id}/answer/": lambda w: {"number": 1, "answer": "Đã giải thích"},
    "POST /api/v1/dialogues/{id}/issue-to-petition/": lambda w: {
        "number": 1,
        "kind": "recommendation",
    },
    "POST /api/v1/dialogues/{id}/issue-to-task/": lambda w: {
        "number": 1,
        "lead_unit": w.tree.commune_a1.pk,
        "due_on": "2026-12-31",
    },
}


def _report_of(task_id: int) -> int:
    """A progress report the commune A1 sent on its task (the evidence endpoint names one)."""
    from tasks.models import ProgressReport, Task

    task = Task.objects.get(pk=task_id)
    report = ProgressReport.objects.filter(task=task).first() or ProgressReport.objects.create(
        task=task,
        unit_id=task.lead_unit_id,
        text="Đã triển khai",
        percent=10,
        reported_on=datetime.date(2026, 3, 2),
    )
    return report.pk


# --- Harness ---------------------------------------------------------------------------------
def _operations_or_error() -> list[Any]:
    try:
        return [
            pytest.param(
                m,
                p,
                id=f"{m} {p}",
                marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[f"{m} {p}"])]
                if f"{m} {p}" in KNOWN_BUGS
                else [],
            )
            for m, p in operations()
        ]
    except Exception as exc:  # the schema itself is broken: one failing case says why
        return [pytest.param("GET", f"schema-error: {exc!r}", id="schema-generation")]


OPERATIONS = _operations_or_error()


# Path parameters other than {id}, with real values.
PATH_VALUES = {"{subject}": "petitions", "{file_format}": "csv"}


def _stored_file(placeholder: str, record_id: int) -> int:
    """A file of the record (an attachment, evidence, a directive's file), made once."""
    from django.core.files.base import ContentFile

    from petitions.models import Attachment
    from tasks.models import Directive, DirectiveFile, ProgressEvidence, Task

    content = ContentFile(PDF_BYTES, name="upload.pdf")
    if placeholder == "{attachment_id}":
        if not Petition.objects.filter(pk=record_id).exists():
            return MISSING_ID
        found = Attachment.objects.filter(petition_id=record_id).first()
        return (
            found
            or Attachment.objects.create(
                petition_id=record_id,
                file=content,
                original_name="don.pdf",
                content_type="application/pdf",
                size=len(PDF_BYTES),
            )
        ).pk
    if placeholder == "{evidence_id}":
        if not Task.objects.filter(pk=record_id).exists():
            return MISSING_ID
        report = _report_of(record_id)
        evidence = ProgressEvidence.objects.filter(report_id=report).first()
        return (
            evidence
            or ProgressEvidence.objects.create(report_id=report, file=content, name="anh.pdf")
        ).pk
    if not Directive.objects.filter(pk=record_id).exists():
        return MISSING_ID
    file = DirectiveFile.objects.filter(directive_id=record_id).first()
    return (
        file
        or DirectiveFile.objects.create(directive_id=record_id, file=content, name="van-ban.pdf")
    ).pk


# Path parameters naming a file of the record in {id}.
FILE_PLACEHOLDERS = ("{attachment_id}", "{evidence_id}", "{file_id}")


def resource_of(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[3:5]) if parts[3] == "reports" else parts[3]


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def call(
    client: APIClient, method: str, path: str, object_id: int | None, body: dict[str, Any]
) -> Any:
    url = path.replace("{id}", str(object_id)) if object_id is not None else path
    for name, value in PATH_VALUES.items():
        url = url.replace(name, value)
    for name in FILE_PLACEHOLDERS:
        if name in url and object_id is not None:
            url = url.replace(name, str(_stored_file(name, object_id)))
    multipart = url.endswith(("/attachments/", "/files/", "/evidence/"))
    with transaction.atomic():
        response = getattr(client, method.lower())(
            url, body if method != "GET" else None, format="multipart" if multipart else "json"
        )
        transaction.set_rollback(True)
    return response


def outcome(response: Any) -> str:
    if response.status_code >= 500:
        return f"5xx ({response.status_code})"
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    return OK


def body_text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    raw = content.decode("utf-8", errors="replace")
    try:  # JSON may escape non-ASCII letters; compare on the decoded text as well
        return raw + json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def listed_ids(response: Any) -> set[int]:
    try:
        data = response.json()
    except (ValueError, TypeError):
        return set()
    rows = data.get("results", data.get("changed")) if isinstance(data, dict) else data
    if not isinstance(rows, list):
        return set()
    return {r["id"] for r in rows if isinstance(r, dict) and isinstance(r.get("id"), int)}


# Who may see each resource's rows (for the "lists never show out-of-scope rows" check).
GLOBAL_RESOURCES = {"petition-fields", "directives", "indicators"}
PER_PERSON_RESOURCES = {"notifications", "push-outbox"}


# Personas whose units include commune B1 (province B): the other rows are theirs to see.
SEES_OUTSIDE = {"administrator", "supervisor_elsewhere"}


def may_see(resource: str, persona: str, where: str) -> bool:
    if resource in GLOBAL_RESOURCES:
        return True
    if resource in PER_PERSON_RESOURCES:
        return where == "inside" and persona == "cadre_a"
    if where == "outside":
        return persona in SEES_OUTSIDE
    return persona != "cadre_b"


def may_hide(resource: str) -> bool:
    return resource not in GLOBAL_RESOURCES


def test_every_operation_has_an_expectation() -> None:
    documented = {f"{m} {p}" for m, p in operations()}
    missing = sorted(documented - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - documented)
    assert not missing, "Operations without an authorization expectation:\n" + "\n".join(missing)
    assert not stale, "Expectations for operations that no longer exist:\n" + "\n".join(stale)
    resources = {resource_of(p) for _m, p in operations() if "{id}" in p}
    assert resources <= RESOURCES.keys(), f"No object factory for {resources - RESOURCES.keys()}"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_operation(method: str, path: str, world: World) -> None:
    assert not path.startswith("schema-error"), path
    key = f"{method} {path}"
    resource = resource_of(path)
    detail = "{id}" in path
    make_body = BODIES.get(key, lambda w: {})
    observed: dict[str, str] = {}
    problems: list[str] = []
    for persona in PERSONAS:
        client = client_for(world.users[persona])
        body = make_body(world)
        response = call(client, method, path, world.inside.get(resource) if detail else None, body)
        observed[persona] = outcome(response)
        if os.environ.get("DANVAN_MATRIX_PRINT"):
            print("STATUS", key, persona, response.status_code, body_text(response)[:150])
        text = body_text(response)
        for secret in SECRET_STRINGS:
            if secret.lower() in text.lower():
                problems.append(f"{persona}: the denouncer's {secret!r} is in the body")
        if method == "GET" and not detail and response.status_code == 200:
            ids = listed_ids(response)
            for where, ids_by_resource in (("inside", world.inside), ("outside", world.outside)):
                row_id = ids_by_resource.get(resource)
                if row_id in ids and not may_see(resource, persona, where):
                    problems.append(f"{persona}: the list shows the {where} row {row_id}")
        if detail and persona != "anonymous" and persona not in SEES_OUTSIDE and may_hide(resource):
            outside = call(client, method, path, world.outside[resource], make_body(world))
            missing = call(client, method, path, MISSING_ID, make_body(world))
            if outside.status_code < 300 or outside.status_code != missing.status_code:
                problems.append(
                    f"{persona}: the other province's object answers {outside.status_code}, "
                    f"a missing one {missing.status_code}"
                )
    if os.environ.get("DANVAN_MATRIX_PRINT"):
        print(f"OBSERVED {key!r}: row({', '.join(repr(observed[p]) for p in PERSONAS)}),")
    expected = EXPECTED.get(key)
    if expected is not None:
        for persona in PERSONAS:
            if observed[persona] != expected[persona]:
                problems.append(f"{persona}: expected {expected[persona]}, got {observed[persona]}")
    else:
        problems.append("no EXPECTED entry")
    assert not problems, f"{key}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_documents(path: str, api: APIClient, db: Any) -> None:
    """The schema and its browsable docs are served to anyone (they hold no data)."""
    response = api.get(path)
    assert response.status_code == 200, response.content[:2000]


def test_the_redaction_check_sees_a_named_denouncer(world: World, tree: Any) -> None:
    """Control: for someone holding an identity grant the name does show, so the
    matrix's search for it would catch a leak."""
    from danvan.org.models import Role
    from tests.factories import UserFactory
    from tests.petitions.factories import IdentityGrantFactory

    officer = UserFactory(
        username="identity_officer", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    IdentityGrantFactory(user=officer, unit=tree.commune_a1)
    path = "/api/v1/petitions/{id}/identity/"
    response = call(client_for(officer), "POST", path, world.inside["petitions"], REASON)
    assert response.status_code == 200, response.content
    assert SECRET_NAME in body_text(response)
    assert SECRET_CITIZEN_ID in body_text(response)
