"""
Issue #13, "one contract for every record", proved black-box through the HTTP API.

A. versions: ETag on every detail, If-Match on every write (two writers with one ETag: one
   success, one 412, nothing lost), If-None-Match -> 304; the schema declares both.
B. idempotency of every create (Idempotency-Key). C. sync of every resource.
D. timelines. E. available actions. F. one 409 code per cause.

Each resource or endpoint is a row of a table below, so a new endpoint is one more row.
The PostgreSQL proof with real threads is tests/concurrency/test_write_locks.py.
"""

from __future__ import annotations

import datetime
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from rest_framework.test import APIClient

from danvan.notify.models import Notification
from danvan.org.models import Role
from movement.models import Dialogue, IndicatorReport, MovementModel
from petitions import services as petition_services
from petitions.models import Petition, PetitionKind
from seeds.movement import seed_indicators
from seeds.petitions import seed_petition_reference
from tasks.models import Directive, Meeting, MeetingConclusion, ProgressReport, Task
from tests.factories import UserFactory
from tests.movement.factories import make_dialogue, make_model, make_report
from tests.petitions.factories import PetitionFactory
from tests.tasks.factories import DirectiveFactory, MeetingFactory, make_task

API = "/api/v1"
MODELS: dict[str, type[models.Model]] = {
    "petitions": Petition,
    "tasks": Task,
    "directives": Directive,
    "meetings": Meeting,
    "notifications": Notification,
    "movement-models": MovementModel,
    "indicator-reports": IndicatorReport,
    "dialogues": Dialogue,
}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def as_user(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def show(response: Any) -> str:
    """The status and the start of the body, for failure messages."""
    return f"{response.status_code} {response.content[:400].decode(errors='replace')}"


@dataclass
class Ctx:
    """The people and records one test works with."""

    tree: Any
    users: dict[str, Any]
    records: dict[str, Any] = field(default_factory=dict)

    def user(self, name: str) -> Any:
        return self.users[name]


@pytest.fixture
def ctx(
    tree: Any, handler_a: Any, supervisor: Any, administrator: Any, cadre_a: Any, cadre_b: Any
) -> Ctx:
    seed_petition_reference()
    seed_indicators()
    handler_a2 = UserFactory(
        username="handler_a2", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    handler_a2_unit = UserFactory(
        username="handler_a2_unit", memberships=[(tree.commune_a2, Role.PETITION_HANDLER)]
    )
    return Ctx(
        tree=tree,
        users={
            "handler_a2_unit": handler_a2_unit,
            "handler_a": handler_a,
            "handler_a2": handler_a2,
            "supervisor": supervisor,
            "administrator": administrator,
            "cadre_a": cadre_a,
            "cadre_b": cadre_b,
        },
    )


# --- records --------------------------------------------------------------------------------


def new_petition(c: Ctx, **fields: Any) -> Petition:
    return PetitionFactory(actor=c.user("handler_a"), unit=c.tree.commune_a1, **fields)  # type: ignore[return-value]


def new_task(c: Ctx, **fields: Any) -> Task:
    fields.setdefault("issuing_unit", c.tree.province_a)
    fields.setdefault("lead_unit", c.tree.commune_a1)
    fields.setdefault("due_on", datetime.date(2026, 12, 31))
    return make_task(**fields)


def new_directive(c: Ctx) -> Directive:
    return DirectiveFactory(issuing_unit=c.tree.province_a)  # type: ignore[return-value]


def new_meeting(c: Ctx) -> Meeting:
    return MeetingFactory(organising_unit=c.tree.province_a)  # type: ignore[return-value]


def new_notification(c: Ctx) -> Notification:
    return Notification.objects.create(user=c.user("supervisor"), title="Sắp đến hạn", body="Đơn")


def new_model(c: Ctx) -> MovementModel:
    return make_model(c.tree.commune_a1)


def new_report(c: Ctx) -> IndicatorReport:
    return make_report(c.tree.commune_a1)


def new_dialogue(c: Ctx) -> Dialogue:
    return make_dialogue(c.tree.commune_a1)


def _recognised(c: Ctx) -> MovementModel:
    from movement import services as movement_services
    from tasks.services import SYSTEM

    model = new_model(c)
    return movement_services.model_recognise(
        actor=SYSTEM,
        model=model,
        recognising_unit=c.tree.commune_a1,
        decision_number="12/QĐ-BCĐ",
        decision_date=datetime.date(2026, 1, 15),
    )


def detail_url(resource: str, pk: int) -> str:
    return f"{API}/{resource}/{pk}/"


def get_etag(client: APIClient, resource: str, pk: int) -> str:
    response = client.get(detail_url(resource, pk))
    assert response.status_code == 200, f"GET {resource} detail: {show(response)}"
    etag = response.headers.get("ETag")
    assert etag, f"GET {resource}/{{id}}/ answers without an ETag header"
    return str(etag)


def version_of(resource: str, pk: int) -> int | None:
    obj = MODELS[resource]._default_manager.get(pk=pk)
    return getattr(obj, "version", None)


def dump(obj: models.Model) -> str:
    """The record and every row pointing at it, as text: where a writer's marker would show."""
    parts = [json.dumps(model_to_dict(obj), default=str, ensure_ascii=False)]
    for rel in obj._meta.related_objects:
        accessor = rel.get_accessor_name()
        if not accessor or rel.one_to_one:
            continue
        try:
            rows = getattr(obj, accessor).all()
        except (AttributeError, ValueError):
            continue
        parts += [json.dumps(model_to_dict(r), default=str, ensure_ascii=False) for r in rows]
        # file names are kept by the storage under a changed name; the client's name is a field
    return "\n".join(parts)


def assert_precondition_failed(response: Any, what: str) -> None:
    assert response.status_code == 412, (
        f"{what}: expected 412 precondition_failed, got {show(response)}"
    )
    body = response.json()
    assert body.get("code") == "precondition_failed", f"{what}: 412 body code is {body!r}"
    assert body.get("message"), f"{what}: 412 body has no message: {body!r}"
    assert body.get("fields") == {}, f"{what}: 412 body fields must be {{}}: {body!r}"


# --- A. two writers, one ETag, on every write endpoint --------------------------------------

Body = Callable[[Ctx, str], dict[str, Any]]  # (ctx, marker "Alpha"/"Bravo") -> request body


@dataclass
class Write:
    resource: str
    method: str  # post, patch, delete
    action: str  # "" for the detail path itself
    make: Callable[[Ctx], Any]  # the record, in the state where the write is allowed
    body: Body
    writers: tuple[str, str]
    multipart: bool = False
    setup: list[tuple[str, str, Any]] = field(default_factory=list)
    # (user, action, body or ctx -> body) run through the API before reading the ETag;
    # a body value "@N" stands for the date N days ago
    markers: bool = True  # the writers' bodies carry "Alpha"/"Bravo" somewhere kept
    check: Callable[[Ctx, Any], None] | None = None  # more proof that only A's write happened

    @property
    def path(self) -> str:
        return "{id}/" + (f"{self.action}/" if self.action else "")

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.resource}/{self.path}"


def reason(c: Ctx, m: str) -> dict[str, Any]:
    return {"reason": f"{m}: lý do"}


def upload(c: Ctx, m: str) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(f"{m}.pdf", PDF, content_type="application/pdf")}


def no_body(c: Ctx, m: str) -> dict[str, Any]:
    return {}


def _other_petitions(c: Ctx) -> Petition:
    c.records["Alpha"] = new_petition(c, summary="Đơn thứ hai")
    c.records["Bravo"] = new_petition(c, summary="Đơn thứ ba")
    return new_petition(c)


def _other_directives(c: Ctx) -> Directive:
    c.records["Alpha"] = new_directive(c)
    c.records["Bravo"] = new_directive(c)
    return new_directive(c)


def _task_with_report(c: Ctx) -> Task:
    task = new_task(c)
    c.records["report"] = ProgressReport.objects.create(
        task=task,
        unit_id=task.lead_unit_id,
        text="Đã triển khai",
        percent=20,
        reported_on=datetime.date.today(),
    )
    return task


def _evidence(c: Ctx, m: str) -> dict[str, Any]:
    return {"report": c.records["report"].pk, **upload(c, m)}


def _meeting_with_conclusion(c: Ctx) -> Meeting:
    meeting = new_meeting(c)
    MeetingConclusion.objects.create(
        meeting=meeting, number=1, text="Kết luận: rà soát đơn tồn đọng"
    )
    return meeting


def _one_child_set(c: Ctx, task: Task) -> None:
    kids = Task.objects.filter(parent=task, deleted_at__isnull=True)
    units = sorted(kids.values_list("lead_unit_id", flat=True))
    assert len(units) == len(set(units)), f"cascade ran twice: children per unit {units}"


def _one_next(c: Ctx, task: Task) -> None:
    following = Task.objects.filter(previous_occurrence=task).count()
    assert following == 1, f"next-occurrence made {following} following tasks, not one"


def _gone(c: Ctx, task: Task) -> None:
    task.refresh_from_db()
    assert task.deleted_at is not None, "writer A's DELETE did not delete the task"


def _read(c: Ctx, note: Notification) -> None:
    note.refresh_from_db()
    assert note.read_at is not None, "writer A's read did not mark the notification read"


def _only_alphas_note(c: Ctx, petition: Petition) -> None:
    texts = list(petition.notes.values_list("text", flat=True))
    assert texts == ["Alpha: ghi chú nội bộ"], f"the notes kept: {texts}"


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def resolve_body(c: Ctx, m: str) -> dict[str, Any]:
    return {
        "result": "right",
        "answer_number": f"12/QĐ-UBND {m}",
        "answer_issued_on": timezone.localdate().isoformat(),
        "answer_signer": "Chủ tịch UBND xã",
        "reason": f"{m}: lý do",
        "answer_summary": f"{m}: trả lời",
    }


ACCEPT = ("handler_a", "accept", {"reason": "Đủ điều kiện", "accepted_on": "@5"})
PW = ("handler_a", "supervisor")  # petition writers: the handler, then the province leader
TW = ("supervisor", "administrator")  # task, directive and meeting writers: two leaders

WRITES: list[Write] = [
    # petitions
    Write("petitions", "patch", "", new_petition, lambda c, m: {"summary": f"{m}: tóm tắt"}, PW),
    Write("petitions", "post", "accept", new_petition, reason, PW),
    Write(
        "petitions",
        "post",
        "guide",
        new_petition,
        lambda c, m: {"reason": f"{m}: lý do", "competent_body": f"{m} Tòa án"},
        PW,
    ),
    Write(
        "petitions",
        "post",
        "transfer",
        new_petition,
        lambda c, m: {"reason": f"{m}: lý do", "to_unit": c.tree.commune_a2.pk},
        PW,
    ),
    Write(
        "petitions",
        "post",
        "report-transfer",
        new_petition,
        lambda c, m: {"result": f"{m}: cơ quan đã nhận"},
        ("handler_a2_unit", "supervisor"),  # the transfer made Xã Hàm Thuận Bắc the handler
        setup=[("handler_a", "transfer", {"reason": "Chuyển", "to_unit": 0})],
    ),
    Write("petitions", "post", "return-papers", new_petition, reason, PW),
    Write("petitions", "post", "file", new_petition, reason, PW),
    Write("petitions", "post", "start-resolution", new_petition, reason, PW, setup=[ACCEPT]),
    Write(
        "petitions",
        "post",
        "resolve",
        new_petition,
        resolve_body,
        PW,
        setup=[ACCEPT],
    ),
    Write(
        "petitions",
        "post",
        "close",
        new_petition,
        reason,
        PW,
        setup=[("handler_a", "file", {"reason": "Lưu đơn"})],
    ),
    Write(
        "petitions",
        "post",
        "reopen",
        new_petition,
        reason,
        PW,
        setup=[ACCEPT, ("handler_a", "resolve", lambda c: resolve_body(c, "Setup"))],
    ),
    Write("petitions", "post", "suspend", new_petition, reason, PW, setup=[ACCEPT]),
    Write(
        "petitions",
        "post",
        "resume",
        new_petition,
        reason,
        PW,
        setup=[ACCEPT, ("handler_a", "suspend", {"reason": "Chờ giám định", "suspended_on": "@3"})],
    ),
    Write(
        "petitions",
        "post",
        "extend",
        lambda c: new_petition(c, kind=PetitionKind.DENUNCIATION, complexity="complex"),
        lambda c, m: {"reason": f"{m}: lý do", "days": 10, "decision_number": f"{m}/QĐ"},
        ("supervisor", "administrator"),  # extending a deadline is a leader's decision
        setup=[ACCEPT],
    ),
    Write(
        "petitions",
        "post",
        "assign",
        new_petition,
        lambda c, m: {
            "assignee": c.user("handler_a" if m == "Alpha" else "handler_a2").pk,
            "reason": f"{m}: lý do",
        },
        PW,
    ),
    Write(
        "petitions",
        "post",
        "link",
        _other_petitions,
        lambda c, m: {"target": c.records[m].pk, "kind": "linked", "reason": f"{m}: lý do"},
        PW,
    ),
    Write(
        "petitions",
        "post",
        "dismiss-duplicate",
        _other_petitions,
        lambda c, m: {"candidate": c.records[m].pk, "reason": f"{m}: lý do"},
        PW,
    ),
    Write(
        "petitions",
        "post",
        "merge",
        _other_petitions,
        lambda c, m: {"absorbed": c.records[m].pk, "reason": f"{m}: lý do"},
        PW,
    ),
    Write("petitions", "post", "attachments", new_petition, upload, PW, multipart=True),
    Write(
        "petitions",
        "post",
        "notes",
        new_petition,
        lambda c, m: {"text": f"{m}: ghi chú nội bộ"},
        PW,
        markers=False,  # the text is on the note, not the petition
        check=_only_alphas_note,
    ),
    # tasks
    Write("tasks", "patch", "", new_task, lambda c, m: {"title": f"{m}: nhiệm vụ"}, TW),
    Write("tasks", "delete", "", new_task, no_body, TW, markers=False, check=_gone),
    Write(
        "tasks",
        "post",
        "approve",
        new_task,
        no_body,
        TW,
        markers=False,
        setup=[("cadre_a", "progress", {"text": "Xong", "percent": 100})],
    ),
    Write(
        "tasks",
        "post",
        "return",
        new_task,
        reason,
        TW,
        setup=[("cadre_a", "progress", {"text": "Xong", "percent": 100})],
    ),
    Write("tasks", "post", "cancel", new_task, reason, TW),
    Write(
        "tasks",
        "post",
        "cascade",
        lambda c: new_task(c, issuing_unit=c.tree.central, lead_unit=c.tree.province_a),
        no_body,
        TW,
        markers=False,
        check=_one_child_set,
    ),
    Write(
        "tasks",
        "post",
        "progress",
        new_task,
        lambda c, m: {"text": f"{m}: báo cáo", "percent": 40 if m == "Alpha" else 60},
        ("cadre_a", "supervisor"),
    ),
    Write(
        "tasks",
        "post",
        "evidence",
        _task_with_report,
        _evidence,
        ("cadre_a", "supervisor"),
        multipart=True,
    ),
    Write(
        "tasks",
        "post",
        "next-occurrence",
        lambda c: new_task(c, recurrence="monthly"),
        no_body,
        TW,
        markers=False,
        check=_one_next,
    ),
    # directives
    Write(
        "directives",
        "post",
        "link",
        _other_directives,
        lambda c, m: {"implements": [c.records[m].pk]},
        TW,
        markers=False,
    ),
    Write(
        "directives",
        "post",
        "replace",
        _other_directives,
        lambda c, m: {"replaced_by": c.records[m].pk},
        TW,
        markers=False,
    ),
    Write("directives", "post", "files", new_directive, upload, TW, multipart=True),
    # meetings
    Write("meetings", "patch", "", new_meeting, lambda c, m: {"title": f"{m}: hội nghị"}, TW),
    Write(
        "meetings", "post", "conclusions", new_meeting, lambda c, m: {"text": f"{m}: kết luận"}, TW
    ),
    Write(
        "meetings",
        "post",
        "conclusions-to-tasks",
        _meeting_with_conclusion,
        lambda c, m: {
            "lead_unit": (c.tree.commune_a1 if m == "Alpha" else c.tree.commune_a2).pk,
            "due_on": "2026-12-31",
        },
        TW,
        markers=False,
    ),
    # the movement: models, indicator reports, dialogues (cadres and leaders of A1)
    Write(
        "movement-models",
        "patch",
        "",
        new_model,
        lambda c, m: {"results": f"{m}: kết quả"},
        ("cadre_a", "supervisor"),
    ),
    Write(
        "movement-models",
        "post",
        "submit",
        new_model,
        no_body,
        ("cadre_a", "supervisor"),
        markers=False,
    ),
    Write(
        "movement-models",
        "post",
        "recognise",
        new_model,
        lambda c, m: {
            "recognising_unit": c.tree.commune_a1.pk,
            "decision_number": f"15/QĐ-BCĐ {m}",
            "decision_date": "2026-03-02",
        },
        TW,
    ),
    Write(
        "movement-models",
        "post",
        "replicate",
        _recognised,
        lambda c, m: {"replicated_in": f"{m}: thôn bên"},
        TW,
    ),
    Write(
        "movement-models",
        "post",
        "keep",
        _recognised,
        lambda c, m: {"year": 2026, "note": f"{m}: còn hiệu quả"},
        TW,
        markers=False,
    ),
    Write(
        "movement-models",
        "post",
        "drop",
        new_model,
        lambda c, m: {"reason": "hinh_thuc", "note": f"{m}: hình thức"},
        TW,
    ),
    Write(
        "movement-models",
        "post",
        "evidence",
        new_model,
        upload,
        ("cadre_a", "supervisor"),
        multipart=True,
    ),
    Write(
        "indicator-reports",
        "post",
        "correct",
        new_report,
        lambda c, m: {"values": {"workdays": 130 if m == "Alpha" else 140}, "reason": f"{m}: sửa"},
        ("cadre_a", "supervisor"),
    ),
    Write(
        "dialogues",
        "patch",
        "",
        new_dialogue,
        lambda c, m: {"summary": f"{m}: tóm tắt"},
        ("cadre_a", "supervisor"),
    ),
    Write(
        "dialogues",
        "post",
        "issues",
        new_dialogue,
        lambda c, m: {"text": f"{m}: kiến nghị"},
        ("cadre_a", "supervisor"),
    ),
    Write(
        "dialogues",
        "post",
        "answer",
        new_dialogue,
        lambda c, m: {"number": 1, "answer": f"{m}: trả lời"},
        ("cadre_a", "supervisor"),
    ),
    Write(
        "dialogues",
        "post",
        "issue-to-petition",
        new_dialogue,
        lambda c, m: {"number": 1, "kind": "recommendation" if m == "Alpha" else "feedback"},
        ("cadre_a", "supervisor"),
        markers=False,
    ),
    Write(
        "dialogues",
        "post",
        "issue-to-task",
        new_dialogue,
        lambda c, m: {"number": 1, "lead_unit": c.tree.commune_a1.pk, "due_on": "2026-12-31"},
        TW,
        markers=False,
    ),
    # notifications: only their owner writes them
    Write(
        "notifications",
        "post",
        "read",
        new_notification,
        no_body,
        ("supervisor", "supervisor"),
        markers=False,
        check=_read,
    ),
]


def send(client: APIClient, w: Write, pk: int, body: dict[str, Any], **headers: Any) -> Any:
    url = f"{API}/{w.resource}/{pk}/" + (f"{w.action}/" if w.action else "")
    call = getattr(client, w.method)
    if w.method == "delete":
        return call(url, **headers)
    return call(url, body, format="multipart" if w.multipart else "json", **headers)


def prepare(c: Ctx, w: Write) -> Any:
    record = w.make(c)
    for user, action, given in w.setup:
        body = given(c) if callable(given) else dict(given)
        body = {
            k: days_ago(int(v[1:])) if isinstance(v, str) and v.startswith("@") else v
            for k, v in body.items()
        }
        if action == "transfer":
            body = {**body, "to_unit": c.tree.commune_a2.pk}
        response = as_user(c.user(user)).post(
            f"{API}/{w.resource}/{record.pk}/{action}/", body, format="json"
        )
        assert response.status_code in (200, 201), f"setup {action}: {show(response)}"
    return record


@pytest.mark.parametrize("w", WRITES, ids=lambda w: w.name)
def test_two_writers_with_one_etag_one_wins_one_gets_412_nothing_lost(ctx: Ctx, w: Write) -> None:
    record = prepare(ctx, w)
    writer_a, writer_b = (as_user(ctx.user(u)) for u in w.writers)
    etag = get_etag(writer_a, w.resource, record.pk)
    before = version_of(w.resource, record.pk)

    first = send(writer_a, w, record.pk, w.body(ctx, "Alpha"), HTTP_IF_MATCH=etag)
    assert 200 <= first.status_code < 300, f"{w.name}: writer A with a fresh ETag: {show(first)}"
    after_a = version_of(w.resource, record.pk)
    assert before is not None and after_a == before + 1, (
        f"{w.name}: the version must go up by one on a write ({before} -> {after_a})"
    )

    second = send(writer_b, w, record.pk, w.body(ctx, "Bravo"), HTTP_IF_MATCH=etag)
    assert_precondition_failed(second, f"{w.name}: writer B with the same, now stale, ETag")
    assert version_of(w.resource, record.pk) == after_a, f"{w.name}: the refused write wrote"

    fresh = MODELS[w.resource]._default_manager.get(pk=record.pk)
    if w.markers:
        text = dump(fresh)
        assert "Alpha" in text, f"{w.name}: writer A's change is lost"
        assert "Bravo" not in text, f"{w.name}: writer B's refused change was kept"
    if w.check:
        w.check(ctx, fresh)


# --- A. the schema: every write on a record is in WRITES and declares If-Match and 412 ------

# `identity` is a logged read of the denouncer's identity (a POST so that it needs a reason);
# it changes no record, so it carries no version.
NOT_WRITES = {("post", "/api/v1/petitions/{id}/identity/")}


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = APIClient().get(f"{API}/schema/?format=json")
    assert response.status_code == 200, show(response)
    return json.loads(response.content)


def _record_writes(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, operations in schema["paths"].items():
        resource = path.removeprefix(f"{API}/").split("/")[0]
        if "{id}" not in path or resource not in MODELS:
            continue
        for method, operation in operations.items():
            if method in ("post", "patch", "put", "delete") and (method, path) not in NOT_WRITES:
                found.append((method, path, operation))
    return found


def test_every_write_on_a_record_is_proved_here(schema: dict[str, Any]) -> None:
    proved = {(w.method, f"{API}/{w.resource}/{w.path}") for w in WRITES}
    missing = sorted(
        f"{m.upper()} {p}" for m, p, _op in _record_writes(schema) if (m, p) not in proved
    )
    assert not missing, f"write endpoints without a two-writers proof in WRITES: {missing}"


def test_every_write_on_a_record_declares_if_match_and_412(schema: dict[str, Any]) -> None:
    wrong = []
    for method, path, operation in _record_writes(schema):
        headers = {
            p.get("name", "").lower()
            for p in operation.get("parameters", [])
            if p.get("in") == "header"
        }
        if "if-match" not in headers:
            wrong.append(f"{method.upper()} {path}: no If-Match header parameter")
        if "412" not in operation.get("responses", {}):
            wrong.append(f"{method.upper()} {path}: no 412 response")
    assert not wrong, "\n".join(wrong)


# --- A. the forms of If-Match, on one cheap write per resource -------------------------------


@dataclass
class Cheap:
    resource: str
    make: Callable[[Ctx], Any]
    user: str
    write: Callable[[APIClient, Ctx, Any, dict[str, Any]], Any]


CHEAP = [
    Cheap(
        "petitions",
        new_petition,
        "handler_a",
        lambda cl, c, r, h: cl.patch(
            detail_url("petitions", r.pk), {"summary": "Sửa"}, format="json", **h
        ),
    ),
    Cheap(
        "tasks",
        new_task,
        "supervisor",
        lambda cl, c, r, h: cl.patch(
            detail_url("tasks", r.pk), {"title": "Sửa"}, format="json", **h
        ),
    ),
    Cheap(
        "directives",
        new_directive,
        "supervisor",
        lambda cl, c, r, h: cl.post(
            f"{API}/directives/{r.pk}/link/", {"implements": []}, format="json", **h
        ),
    ),
    Cheap(
        "meetings",
        new_meeting,
        "supervisor",
        lambda cl, c, r, h: cl.patch(
            detail_url("meetings", r.pk), {"title": "Sửa"}, format="json", **h
        ),
    ),
    Cheap(
        "notifications",
        new_notification,
        "supervisor",
        lambda cl, c, r, h: cl.post(f"{API}/notifications/{r.pk}/read/", {}, format="json", **h),
    ),
]
CHEAP += [
    Cheap(
        "movement-models",
        new_model,
        "cadre_a",
        lambda cl, c, r, h: cl.patch(
            detail_url("movement-models", r.pk), {"name": "Sửa"}, format="json", **h
        ),
    ),
    Cheap(
        "indicator-reports",
        new_report,
        "cadre_a",
        lambda cl, c, r, h: cl.post(
            f"{API}/indicator-reports/{r.pk}/correct/",
            {"values": {"workdays": 7}, "reason": "Sửa"},
            format="json",
            **h,
        ),
    ),
    Cheap(
        "dialogues",
        new_dialogue,
        "cadre_a",
        lambda cl, c, r, h: cl.patch(
            detail_url("dialogues", r.pk), {"place": "Sửa"}, format="json", **h
        ),
    ),
]
CHEAP_IDS = [c.resource for c in CHEAP]


def _tag(pk: int, version: int | None) -> str:
    return f"{pk}-{version}"


@pytest.mark.parametrize("cheap", CHEAP, ids=CHEAP_IDS)
def test_detail_etag_is_id_dash_version(ctx: Ctx, cheap: Cheap) -> None:
    record = cheap.make(ctx)
    etag = get_etag(as_user(ctx.user(cheap.user)), cheap.resource, record.pk)
    expected = f'"{_tag(record.pk, version_of(cheap.resource, record.pk))}"'
    assert etag == expected, f"{cheap.resource}: ETag {etag!r}, expected {expected!r}"


ACCEPTED_FORMS: dict[str, Callable[[int, int | None], str]] = {
    "absent": lambda pk, v: "",
    "strong": lambda pk, v: f'"{_tag(pk, v)}"',
    "weak": lambda pk, v: f'W/"{_tag(pk, v)}"',
    "bare": lambda pk, v: _tag(pk, v),
    "star": lambda pk, v: "*",
    "list": lambda pk, v: f'"{pk}-999", "{_tag(pk, v)}", W/"{pk + 1000}-{v}"',
}
REFUSED_FORMS: dict[str, Callable[[int, int | None], str]] = {
    "other-record": lambda pk, v: f'"{pk + 1000}-{v}"',
    "old-version": lambda pk, v: f'"{pk}-{(v or 1) - 1}"',
    "newer-version": lambda pk, v: f'"{pk}-{(v or 1) + 1}"',
    "garbled": lambda pk, v: "zzz-not-a-tag",
    "garbled-quoted": lambda pk, v: f'"{pk}-x"',
    "list-of-wrong": lambda pk, v: f'"{pk}-999", W/"{pk + 1000}-{v}"',
}


@pytest.mark.parametrize("form", ACCEPTED_FORMS)
@pytest.mark.parametrize("cheap", CHEAP, ids=CHEAP_IDS)
def test_if_match_forms_naming_the_current_version_pass(ctx: Ctx, cheap: Cheap, form: str) -> None:
    record = cheap.make(ctx)
    client = as_user(ctx.user(cheap.user))
    get_etag(client, cheap.resource, record.pk)
    value = ACCEPTED_FORMS[form](record.pk, version_of(cheap.resource, record.pk))
    headers = {"HTTP_IF_MATCH": value} if value else {}
    response = cheap.write(client, ctx, record, headers)
    assert 200 <= response.status_code < 300, (
        f"{cheap.resource} If-Match {value!r}: {show(response)}"
    )


@pytest.mark.parametrize("form", REFUSED_FORMS)
@pytest.mark.parametrize("cheap", CHEAP, ids=CHEAP_IDS)
def test_if_match_forms_not_naming_the_current_version_get_412(
    ctx: Ctx, cheap: Cheap, form: str
) -> None:
    record = cheap.make(ctx)
    client = as_user(ctx.user(cheap.user))
    before = dump(MODELS[cheap.resource]._default_manager.get(pk=record.pk))
    value = REFUSED_FORMS[form](record.pk, version_of(cheap.resource, record.pk))
    response = cheap.write(client, ctx, record, {"HTTP_IF_MATCH": value})
    assert_precondition_failed(response, f"{cheap.resource} If-Match {value!r}")
    after = dump(MODELS[cheap.resource]._default_manager.get(pk=record.pk))
    assert after == before, f"{cheap.resource}: a refused write (If-Match {value!r}) wrote"


# --- A. If-None-Match ------------------------------------------------------------------------

NOT_MODIFIED: dict[str, Callable[[str], str]] = {
    "strong": lambda etag: etag,
    "weak": lambda etag: f"W/{etag}",
    "list": lambda etag: f'"1-999", {etag}',
    "star": lambda etag: "*",
}


@pytest.mark.parametrize("form", NOT_MODIFIED)
@pytest.mark.parametrize("cheap", CHEAP, ids=CHEAP_IDS)
def test_if_none_match_with_the_current_tag_answers_304(ctx: Ctx, cheap: Cheap, form: str) -> None:
    record = cheap.make(ctx)
    client = as_user(ctx.user(cheap.user))
    etag = get_etag(client, cheap.resource, record.pk)
    response = client.get(
        detail_url(cheap.resource, record.pk), HTTP_IF_NONE_MATCH=NOT_MODIFIED[form](etag)
    )
    assert response.status_code == 304, f"{cheap.resource} If-None-Match {form}: {show(response)}"
    assert response.content == b"", f"{cheap.resource}: a 304 must have no body"
    assert response.headers.get("ETag") == etag, f"{cheap.resource}: a 304 must carry the ETag"


@pytest.mark.parametrize("cheap", CHEAP, ids=CHEAP_IDS)
def test_if_none_match_with_an_old_tag_answers_200(ctx: Ctx, cheap: Cheap) -> None:
    record = cheap.make(ctx)
    client = as_user(ctx.user(cheap.user))
    etag = get_etag(client, cheap.resource, record.pk)
    written = cheap.write(client, ctx, record, {})
    assert 200 <= written.status_code < 300, show(written)
    response = client.get(detail_url(cheap.resource, record.pk), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200, f"{cheap.resource} with an old tag: {show(response)}"
    assert response.json()["id"] == record.pk
    assert response.headers.get("ETag") != etag, f"{cheap.resource}: the ETag did not change"


# --- B. idempotency --------------------------------------------------------------------------


@dataclass
class Create:
    name: str
    users: tuple[str, str]
    url: Callable[[Ctx], str]
    body: Callable[[Ctx, str], dict[str, Any]]  # (ctx, text) -> body
    rows: Callable[[Ctx], int]


def _progress_task(c: Ctx) -> Task:
    if "task" not in c.records:
        c.records["task"] = new_task(c)
    return c.records["task"]


CREATES = [
    Create(
        "petitions",
        ("handler_a", "supervisor"),
        lambda c: f"{API}/petitions/",
        lambda c, t: {
            "receiving_unit": c.tree.commune_a1.pk,
            "location_unit": c.tree.commune_a1.pk,
            "received_on": "2026-03-02",
            "channel": "post",
            "kind": "recommendation",
            "summary": t,
            "petitioners": [{"full_name": "Phạm Văn Đức", "phone": "0912000111"}],
        },
        lambda c: Petition.objects.count(),
    ),
    Create(
        "tasks",
        ("supervisor", "administrator"),
        lambda c: f"{API}/tasks/",
        lambda c, t: {
            "title": t,
            "issuing_unit": c.tree.province_a.pk,
            "lead_unit": c.tree.commune_a1.pk,
        },
        lambda c: Task.objects.count(),
    ),
    Create(
        "directives",
        ("supervisor", "administrator"),
        lambda c: f"{API}/directives/",
        lambda c, t: {
            "number": f"{zlib.crc32(t.encode()) % 900 + 10}-CT/TU",
            "title": t,
            "issuing_unit": c.tree.province_a.pk,
        },
        lambda c: Directive.objects.count(),
    ),
    Create(
        "meetings",
        ("supervisor", "administrator"),
        lambda c: f"{API}/meetings/",
        lambda c, t: {"kind": "giao_ban", "title": t, "organising_unit": c.tree.province_a.pk},
        lambda c: Meeting.objects.count(),
    ),
    Create(
        "progress",
        ("cadre_a", "supervisor"),
        lambda c: f"{API}/tasks/{_progress_task(c).pk}/progress/",
        lambda c, t: {"text": t, "percent": 30},
        lambda c: ProgressReport.objects.count(),
    ),
]
CREATES += [
    Create(
        "movement-models",
        ("cadre_a", "supervisor"),
        lambda c: f"{API}/movement-models/",
        lambda c, t: {
            "unit": c.tree.commune_a1.pk,
            "name": t,
            "field": "kinh_te",
            "year_started": 2025,
        },
        lambda c: MovementModel.objects.count(),
    ),
    Create(
        "indicator-reports",
        ("cadre_a", "supervisor"),
        lambda c: f"{API}/indicator-reports/",
        lambda c, t: {
            "unit": c.tree.commune_a1.pk,
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "period_label": t[:100],
            "values": {"workdays": 12},
        },
        lambda c: IndicatorReport.objects.count(),
    ),
    Create(
        "dialogues",
        ("cadre_a", "supervisor"),
        lambda c: f"{API}/dialogues/",
        lambda c, t: {
            "unit": c.tree.commune_a1.pk,
            "held_on": "2026-03-02",
            "leader_name": "Chủ tịch UBND xã",
            "topics": t,
        },
        lambda c: Dialogue.objects.count(),
    ),
]
CREATE_IDS = [c.name for c in CREATES]


def _post(c: Ctx, create: Create, user: str, text: str, key: str) -> Any:
    return as_user(c.user(user)).post(
        create.url(c), create.body(c, text), format="json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.parametrize("create", CREATES, ids=CREATE_IDS)
def test_same_key_same_body_replays_the_first_answer(ctx: Ctx, create: Create) -> None:
    user = create.users[0]
    first = _post(ctx, create, user, "Lần đầu", "k-1")
    assert first.status_code == 201, f"{create.name}: first create {show(first)}"
    rows = create.rows(ctx)
    again = _post(ctx, create, user, "Lần đầu", "k-1")
    assert again.status_code == 200, f"{create.name}: a replay must answer 200, got {show(again)}"
    assert again.json()["id"] == first.json()["id"], f"{create.name}: the replay names another row"
    assert create.rows(ctx) == rows, f"{create.name}: the replay made a second row"


@pytest.mark.parametrize("create", CREATES, ids=CREATE_IDS)
def test_same_key_other_body_is_422_idempotency_key_reused(ctx: Ctx, create: Create) -> None:
    user = create.users[0]
    first = _post(ctx, create, user, "Lần đầu", "k-2")
    assert first.status_code == 201, f"{create.name}: first create {show(first)}"
    rows = create.rows(ctx)
    other = _post(ctx, create, user, "Nội dung khác", "k-2")
    assert other.status_code == 422, f"{create.name}: key reused for another body: {show(other)}"
    body = other.json()
    assert body.get("code") == "idempotency_key_reused", f"{create.name}: {body!r}"
    assert body.get("fields", {}).get("Idempotency-Key"), f"{create.name}: {body!r}"
    assert create.rows(ctx) == rows, f"{create.name}: a second row was made"


@pytest.mark.parametrize("create", CREATES, ids=CREATE_IDS)
def test_one_key_two_people_two_records(ctx: Ctx, create: Create) -> None:
    one = _post(ctx, create, create.users[0], "Người thứ nhất", "k-shared")
    two = _post(ctx, create, create.users[1], "Người thứ hai", "k-shared")
    assert (one.status_code, two.status_code) == (201, 201), (
        f"{create.name}: two people, one key: {show(one)} / {show(two)}"
    )
    assert one.json()["id"] != two.json()["id"], f"{create.name}: two people got one record"


KEYS = {
    "64-chars": ("k" * 64, True),
    "1-char": ("k", True),
    "65-chars": ("k" * 65, False),
    "empty": ("", False),
    "space": ("k k", False),
    "non-ascii": ("khóa", False),
}


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("create", CREATES, ids=CREATE_IDS)
def test_idempotency_key_is_1_to_64_visible_ascii(ctx: Ctx, create: Create, key: str) -> None:
    value, ok = KEYS[key]
    response = _post(ctx, create, create.users[0], f"Khóa {key}", value)
    if ok:
        assert response.status_code == 201, f"{create.name} key {key}: {show(response)}"
    else:
        assert response.status_code == 400, f"{create.name} key {key} accepted: {show(response)}"
        fields = response.json().get("fields", {})
        assert "Idempotency-Key" in fields, f"{create.name} key {key}: fields {fields!r}"


# --- C. sync ---------------------------------------------------------------------------------


@dataclass
class Sync:
    resource: str
    user: str
    make: Callable[[Ctx], Any]


SYNCS = [
    Sync("petitions", "handler_a", new_petition),
    Sync("tasks", "supervisor", new_task),
    Sync("directives", "supervisor", new_directive),
    Sync("meetings", "supervisor", new_meeting),
    Sync("notifications", "supervisor", new_notification),
    Sync("movement-models", "supervisor", new_model),
    Sync("indicator-reports", "supervisor", new_report),
    Sync("dialogues", "supervisor", new_dialogue),
]
SYNC_IDS = [s.resource for s in SYNCS]
SYNC_KEYS = {"changed", "deleted", "until", "until_id", "has_more"}
PETITION_ALIASES = {"results", "next_updated_since", "next_after_id"}


def _sync(c: Ctx, s: Sync, **params: Any) -> Any:
    return as_user(c.user(s.user)).get(f"{API}/{s.resource}/sync/", params)


def _same_instant(c: Ctx, s: Sync, count: int) -> list[int]:
    with transaction.atomic():
        pks = [s.make(c).pk for _ in range(count)]
    model = MODELS[s.resource]
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        model._default_manager.filter(pk__in=pks).update(updated_at=timezone.now())
    return pks


@pytest.mark.parametrize("s", SYNCS, ids=SYNC_IDS)
def test_sync_answers_exactly_its_keys(ctx: Ctx, s: Sync) -> None:
    s.make(ctx)
    response = _sync(ctx, s)
    assert response.status_code == 200, f"{s.resource}/sync/: {show(response)}"
    body = response.json()
    expected = SYNC_KEYS | (PETITION_ALIASES if s.resource == "petitions" else set())
    assert set(body) == expected, (
        f"{s.resource}/sync/ keys {sorted(body)}, expected {sorted(expected)}"
    )
    assert isinstance(body["has_more"], bool) and isinstance(body["until_id"], int)
    if s.resource == "petitions":
        assert body["results"] == body["changed"]
        assert body["next_updated_since"] == body["until"]
        assert body["next_after_id"] == body["until_id"]
    # rows shaped like the list's rows
    listed = as_user(ctx.user(s.user)).get(f"{API}/{s.resource}/").json()["results"]
    if listed and body["changed"]:
        assert set(body["changed"][0]) == set(listed[0]), (
            f"{s.resource}/sync/ rows differ from list rows: "
            f"{sorted(set(body['changed'][0]) ^ set(listed[0]))}"
        )


@pytest.mark.parametrize("s", SYNCS, ids=SYNC_IDS)
def test_sync_walk_with_small_pages_visits_every_row_once(ctx: Ctx, s: Sync) -> None:
    made = _same_instant(ctx, s, 5)
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 2}
    for _page in range(20):
        response = _sync(ctx, s, **params)
        assert response.status_code == 200, f"{s.resource}/sync/ {params}: {show(response)}"
        body = response.json()
        missing = SYNC_KEYS - set(body)
        assert not missing, f"{s.resource}/sync/ answers without {sorted(missing)}"
        assert len(body["changed"]) <= 2, f"{s.resource}/sync/: limit=2 gave {len(body['changed'])}"
        seen += [row["id"] for row in body["changed"]]
        if not body["has_more"]:
            break
        params = {"limit": 2, "updated_since": body["until"], "after_id": body["until_id"]}
    else:
        pytest.fail(f"{s.resource}/sync/ never ends (has_more stays true)")
    twice = sorted({pk for pk in seen if seen.count(pk) > 1})
    assert not twice, f"{s.resource}/sync/: rows seen twice {twice}"
    missed = sorted(set(made) - set(seen))
    assert not missed, f"{s.resource}/sync/: rows sharing one updated_at were skipped: {missed}"


BAD_SYNC = {
    "limit=0": ("limit", "0"),
    "limit=501": ("limit", "501"),
    "limit=abc": ("limit", "abc"),
    "after_id=-1": ("after_id", "-1"),
    "after_id=x": ("after_id", "x"),
    "updated_since=yesterday": ("updated_since", "yesterday"),
}


@pytest.mark.parametrize("bad", BAD_SYNC)
@pytest.mark.parametrize("s", SYNCS, ids=SYNC_IDS)
def test_sync_refuses_bad_parameters_naming_them(ctx: Ctx, s: Sync, bad: str) -> None:
    name, value = BAD_SYNC[bad]
    response = _sync(ctx, s, **{name: value})
    assert response.status_code == 400, f"{s.resource}/sync/?{bad}: {show(response)}"
    fields = response.json().get("fields", {})
    assert name in fields, f"{s.resource}/sync/?{bad}: fields {fields!r} do not name {name}"


@pytest.mark.parametrize("s", SYNCS, ids=SYNC_IDS)
def test_sync_limit_bounds_and_default(ctx: Ctx, s: Sync) -> None:
    for limit in ("1", "500"):
        response = _sync(ctx, s, limit=limit)
        assert response.status_code == 200, f"{s.resource}/sync/?limit={limit}: {show(response)}"


def test_a_deleted_task_appears_in_deleted(ctx: Ctx) -> None:
    task = new_task(ctx)
    client = as_user(ctx.user("supervisor"))
    removed = client.delete(detail_url("tasks", task.pk))
    assert removed.status_code == 204, show(removed)
    response = client.get(f"{API}/tasks/sync/")
    assert response.status_code == 200, f"tasks/sync/ without parameters: {show(response)}"
    body = response.json()
    assert task.pk in body["deleted"], f"tasks/sync/ deleted {body['deleted']}"
    assert task.pk not in [row["id"] for row in body["changed"]]


def test_a_deleted_petition_appears_in_deleted(ctx: Ctx) -> None:
    petition = new_petition(ctx)
    petition_services.petition_delete(
        actor=ctx.user("administrator"), petition=petition, reason="Nhập trùng"
    )
    response = as_user(ctx.user("handler_a")).get(f"{API}/petitions/sync/")
    assert response.status_code == 200, f"petitions/sync/: {show(response)}"
    body = response.json()
    assert "deleted" in body, f"petitions/sync/ has no 'deleted': {sorted(body)}"
    assert petition.pk in body["deleted"], f"petitions/sync/ deleted {body['deleted']}"


# --- D. timelines ----------------------------------------------------------------------------

EVENT_KEYS = {
    "id",
    "at",
    "actor",
    "actor_name",
    "action",
    "action_display",
    "reason",
    "from_status",
    "to_status",
    "data",
    "origin",  # null, or {id, code} of the merged record the event happened on
}


def _petition_history(c: Ctx) -> Any:
    petition = new_petition(c)
    client = as_user(c.user("handler_a"))
    for action, body in (
        ("accept", {"reason": "Thụ lý"}),
        ("start-resolution", {"reason": "Giải quyết"}),
    ):
        assert (
            client.post(f"{API}/petitions/{petition.pk}/{action}/", body, format="json").status_code
            == 200
        )
    return petition


def _task_history(c: Ctx) -> Any:
    task = new_task(c)
    client = as_user(c.user("supervisor"))
    for title in ("Lần một", "Lần hai", "Lần ba"):
        assert (
            client.patch(detail_url("tasks", task.pk), {"title": title}, format="json").status_code
            == 200
        )
    return task


def _directive_history(c: Ctx) -> Any:
    client = as_user(c.user("supervisor"))
    made = client.post(
        f"{API}/directives/",
        {"number": "21-CT/TU", "title": "Chỉ thị", "issuing_unit": c.tree.province_a.pk},
        format="json",
    )
    assert made.status_code == 201, show(made)
    pk = made.json()["id"]
    for other in (new_directive(c), new_directive(c)):
        linked = client.post(
            f"{API}/directives/{pk}/link/", {"implements": [other.pk]}, format="json"
        )
        assert linked.status_code == 200, show(linked)
    return Directive.objects.get(pk=pk)


def _meeting_history(c: Ctx) -> Any:
    meeting = new_meeting(c)
    client = as_user(c.user("supervisor"))
    for title in ("Lần một", "Lần hai", "Lần ba"):
        assert (
            client.patch(
                detail_url("meetings", meeting.pk), {"title": title}, format="json"
            ).status_code
            == 200
        )
    return meeting


TIMELINES = {
    "petitions": ("handler_a", _petition_history),
    "tasks": ("supervisor", _task_history),
    "directives": ("supervisor", _directive_history),
    "meetings": ("supervisor", _meeting_history),
    "movement-models": ("supervisor", lambda c: _model_history(c)),
    "indicator-reports": ("supervisor", lambda c: _report_history(c)),
    "dialogues": ("supervisor", lambda c: _dialogue_with_answer(c)),
}


def _model_history(c: Ctx) -> MovementModel:
    model = new_model(c)
    client = as_user(c.user("supervisor"))
    for body in ({"results": "Một"}, {"results": "Hai"}):
        assert (
            client.patch(detail_url("movement-models", model.pk), body, format="json").status_code
            == 200
        )
    return model


def _report_history(c: Ctx) -> IndicatorReport:
    report = new_report(c)
    client = as_user(c.user("supervisor"))
    for value in (5, 6):
        response = client.post(
            f"{API}/indicator-reports/{report.pk}/correct/",
            {"values": {"workdays": value}, "reason": "Sửa"},
            format="json",
        )
        assert response.status_code == 200, show(response)
    return report


def _dialogue_with_answer(c: Ctx) -> Dialogue:
    dialogue = new_dialogue(c)
    client = as_user(c.user("supervisor"))
    response = client.post(
        f"{API}/dialogues/{dialogue.pk}/answer/",
        {"number": 1, "answer": "Đã trả lời"},
        format="json",
    )
    assert response.status_code == 200, show(response)
    return dialogue


@pytest.mark.parametrize("resource", TIMELINES)
def test_timeline_is_a_cursor_page_oldest_first_with_one_event_shape(
    ctx: Ctx, resource: str
) -> None:
    user, make = TIMELINES[resource]
    record = make(ctx)
    client = as_user(ctx.user(user))
    url = f"{API}/{resource}/{record.pk}/timeline/"
    whole = client.get(url)
    assert whole.status_code == 200, show(whole)
    body = whole.json()
    assert isinstance(body, dict) and set(body) == {"next", "previous", "results"}, (
        f"{resource} timeline is not a cursor page: {str(body)[:300]}"
    )
    events = body["results"]
    assert len(events) >= 3, f"{resource} timeline has {len(events)} events, expected 3 or more"
    for event in events:
        assert set(event) == EVENT_KEYS, f"{resource} event keys {sorted(event)}"
    times = [e["at"] for e in events]
    assert times == sorted(times), f"{resource} timeline is not oldest first: {times}"

    walked: list[int] = []
    next_url: str | None = f"{url}?page_size=1"
    for _page in range(50):
        if not next_url:
            break
        page = client.get(next_url)
        assert page.status_code == 200, show(page)
        rows = page.json()["results"]
        assert len(rows) <= 1, f"{resource} timeline page_size=1 gave {len(rows)} events"
        walked += [e["id"] for e in rows]
        next_url = page.json()["next"]
    assert walked == [e["id"] for e in events], f"{resource}: walking page_size=1 gave {walked}"


@pytest.mark.parametrize("size", ["0", "101", "x"])
def test_timeline_page_size_out_of_range_is_refused_or_clamped(ctx: Ctx, size: str) -> None:
    petition = _petition_history(ctx)
    response = as_user(ctx.user("handler_a")).get(
        f"{API}/petitions/{petition.pk}/timeline/", {"page_size": size}
    )
    assert response.status_code in (200, 400), show(response)
    if response.status_code == 200:
        body = response.json()
        assert isinstance(body, dict), f"petitions timeline is not a cursor page: {str(body)[:200]}"
        assert 1 <= len(body["results"]) <= 100


def test_petition_fields_are_a_page_like_every_list(ctx: Ctx) -> None:
    response = as_user(ctx.user("handler_a")).get(f"{API}/petition-fields/")
    assert response.status_code == 200, show(response)
    body = response.json()
    assert isinstance(body, dict) and "results" in body, (
        f"petition-fields is not paginated: {str(body)[:200]}"
    )
    assert {"next", "previous"} <= set(body)


# --- E. available actions --------------------------------------------------------------------


def test_petition_available_actions_are_the_callers_steps(ctx: Ctx) -> None:
    petition = new_petition(ctx)
    url = detail_url("petitions", petition.pk)
    handler = as_user(ctx.user("handler_a")).get(url).json()
    reader = as_user(ctx.user("cadre_a")).get(url).json()
    assert "accept" in handler["available_actions"], handler["available_actions"]
    assert reader["available_actions"] == [], f"a reader may do {reader['available_actions']}"
    accepted = as_user(ctx.user("handler_a")).post(
        f"{url}accept/", {"reason": "Thụ lý"}, format="json"
    )
    assert accepted.status_code == 200, f"accept was listed yet refused: {show(accepted)}"


# A body for each petition step a handler may be offered on a received petition.
PETITION_STEP_BODIES: dict[str, Callable[[Ctx], dict[str, Any]]] = {
    "accept": lambda c: {"reason": "Thụ lý"},
    "guide": lambda c: {"reason": "Hướng dẫn", "competent_body": "Tòa án"},
    "transfer": lambda c: {"reason": "Chuyển", "to_unit": c.tree.commune_a2.pk},
    "return_papers": lambda c: {"reason": "Trả đơn"},
    "file": lambda c: {"reason": "Lưu đơn"},
    "assign": lambda c: {"assignee": c.user("handler_a").pk, "reason": "Giao"},
    "update": lambda c: {"summary": "Sửa tóm tắt"},
    "link": lambda c: {"target": new_petition(c).pk, "kind": "linked"},
    "dismiss_duplicate": lambda c: {"candidate": new_petition(c).pk},
    "merge": lambda c: {"absorbed": new_petition(c).pk, "reason": "Cùng vụ việc"},
}


def test_every_petition_step_listed_for_the_handler_succeeds(ctx: Ctx) -> None:
    client = as_user(ctx.user("handler_a"))
    listed = client.get(detail_url("petitions", new_petition(ctx).pk)).json()["available_actions"]
    unknown = set(listed) - set(PETITION_STEP_BODIES)
    assert not unknown, f"add a body for {sorted(unknown)} to PETITION_STEP_BODIES"
    for action in listed:
        url = detail_url("petitions", new_petition(ctx).pk)
        body = PETITION_STEP_BODIES[action](ctx)
        if action == "update":
            response = client.patch(url, body, format="json")
        else:
            response = client.post(f"{url}{action.replace('_', '-')}/", body, format="json")
        assert response.status_code not in (403, 409), (
            f"{action} was listed as available yet refused: {show(response)}"
        )
        assert response.status_code < 400, f"{action}: {show(response)}"


TASK_ACTIONS = {
    "progress",
    "evidence",
    "cascade",
    "approve",
    "return",
    "cancel",
    "next_occurrence",
    "update",
    "delete",
}


def _task_actions(c: Ctx, user: str, task: Task) -> list[str]:
    response = as_user(c.user(user)).get(detail_url("tasks", task.pk))
    assert response.status_code == 200, show(response)
    body = response.json()
    assert "available_actions" in body, f"task detail has no available_actions: {sorted(body)}"
    actions = body["available_actions"]
    assert set(actions) <= TASK_ACTIONS, f"unknown task actions {set(actions) - TASK_ACTIONS}"
    return list(actions)


def test_task_available_actions_follow_person_and_state(ctx: Ctx) -> None:
    task = new_task(ctx)
    cadre = _task_actions(ctx, "cadre_a", task)
    issuer = _task_actions(ctx, "supervisor", task)
    reader = _task_actions(ctx, "handler_a", task)
    assert "progress" in cadre, f"the lead unit's cadre may report progress; sees {cadre}"
    assert not {"approve", "return"} & set(issuer), f"nothing awaits approval; issuer sees {issuer}"
    assert reader == [], f"a person who may only read sees {reader}"

    done = as_user(ctx.user("cadre_a")).post(
        f"{API}/tasks/{task.pk}/progress/", {"text": "Xong", "percent": 100}, format="json"
    )
    assert done.status_code in (200, 201), f"progress was listed yet refused: {show(done)}"
    issuer = _task_actions(ctx, "supervisor", task)
    assert {"approve", "return"} <= set(issuer), f"awaiting approval; issuer sees {issuer}"
    approved = as_user(ctx.user("supervisor")).post(
        f"{API}/tasks/{task.pk}/approve/", {}, format="json"
    )
    assert approved.status_code == 200, f"approve was listed yet refused: {show(approved)}"
    issuer = _task_actions(ctx, "supervisor", task)
    assert not {"approve", "return"} & set(issuer), f"approved; issuer still sees {issuer}"


# How each task step is taken: (method, path suffix, body); a fresh task for each.
TASK_STEPS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "progress": ("post", "progress/", {"text": "Báo cáo", "percent": 30}),
    "evidence": ("multipart", "evidence/", {}),
    "cascade": ("post", "cascade/", {"level": "village"}),
    "approve": ("post", "approve/", {}),
    "return": ("post", "return/", {"reason": "Chưa đạt"}),
    "cancel": ("post", "cancel/", {"reason": "Thôi"}),
    "next_occurrence": ("post", "next-occurrence/", {}),
    "update": ("patch", "", {"title": "Sửa"}),
    "delete": ("delete", "", {}),
}


@pytest.mark.parametrize("user", ["cadre_a", "supervisor", "administrator"])
@pytest.mark.parametrize("awaiting", [False, True], ids=["open", "awaiting-approval"])
def test_every_task_step_listed_succeeds_for_that_person(
    ctx: Ctx, user: str, awaiting: bool
) -> None:
    def fresh() -> Task:
        task = new_task(ctx, recurrence="monthly")
        if awaiting:
            done = as_user(ctx.user("cadre_a")).post(
                f"{API}/tasks/{task.pk}/progress/", {"text": "Xong", "percent": 100}, format="json"
            )
            assert done.status_code in (200, 201), show(done)
        return task

    for action in _task_actions(ctx, user, fresh()):
        method, suffix, body = TASK_STEPS[action]
        task = fresh()
        url = detail_url("tasks", task.pk) + suffix
        client = as_user(ctx.user(user))
        if method == "multipart":  # evidence: a file on the task's open report
            report = ProgressReport.objects.filter(task=task).first()
            assert report is not None, f"{user} was offered {action} on a task without a report"
            body = {"report": report.pk, **upload(ctx, "Alpha")}
            response = client.post(url, body, format="multipart")
        elif method == "delete":
            response = client.delete(url)
        else:
            response = getattr(client, method)(url, body, format="json")
        assert response.status_code not in (403, 409), (
            f"{user} was offered {action} yet refused: {show(response)}"
        )
        assert response.status_code < 400, f"{user} {action}: {show(response)}"


# --- F. one 409 code per cause ---------------------------------------------------------------


def _conflict(response: Any, what: str) -> None:
    assert response.status_code == 409, f"{what}: expected 409, got {show(response)}"
    code = response.json().get("code")
    assert code == "invalid_transition", f"{what}: 409 code {code!r}, expected invalid_transition"


def test_accepting_a_closed_petition_is_invalid_transition(ctx: Ctx) -> None:
    petition = new_petition(ctx)
    client = as_user(ctx.user("handler_a"))
    url = detail_url("petitions", petition.pk)
    for action in ("file", "close"):
        assert client.post(f"{url}{action}/", {"reason": "Lưu"}, format="json").status_code == 200
    _conflict(
        client.post(f"{url}accept/", {"reason": "Thụ lý"}, format="json"),
        "accept a closed petition",
    )


def test_approving_a_task_not_awaiting_approval_is_invalid_transition(ctx: Ctx) -> None:
    task = new_task(ctx)
    response = as_user(ctx.user("supervisor")).post(
        f"{API}/tasks/{task.pk}/approve/", {}, format="json"
    )
    _conflict(response, "approve a task not awaiting approval")


def test_cancelling_an_approved_task_is_invalid_transition(ctx: Ctx) -> None:
    task = new_task(ctx)
    done = as_user(ctx.user("cadre_a")).post(
        f"{API}/tasks/{task.pk}/progress/", {"text": "Xong", "percent": 100}, format="json"
    )
    assert done.status_code in (200, 201), show(done)
    client = as_user(ctx.user("supervisor"))
    assert client.post(f"{API}/tasks/{task.pk}/approve/", {}, format="json").status_code == 200
    response = client.post(f"{API}/tasks/{task.pk}/cancel/", {"reason": "Thôi"}, format="json")
    _conflict(response, "cancel an approved task")
