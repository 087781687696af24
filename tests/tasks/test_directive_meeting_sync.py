"""
Directives and meetings have the same event timeline and incremental sync as tasks:
personas, what the timeline records, that a link or a new task moves a row into the sync,
and a constant number of queries.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tasks import services
from tasks.models import Directive, Meeting, MeetingKind

DIRECTIVES = "/api/v1/directives/"
MEETINGS = "/api/v1/meetings/"
PERSONAS = ("anonymous", "cadre_a", "cadre_b", "supervisor", "administrator")


@pytest.fixture
def resolution(supervisor: Any) -> Directive:
    return services.directive_create(
        actor=supervisor, number_text="Nghị quyết số 25-NQ/TW", title="Về công tác dân vận"
    )


@pytest.fixture
def meeting(tree: Any, supervisor: Any) -> Meeting:
    """Organised by province A's board; commune A1 takes part, its sibling A2 does not."""
    return services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.MID_TERM_REVIEW,
        title="Hội nghị sơ kết giữa nhiệm kỳ 2015 – 2020",
        organising_unit=tree.board_a,
        participating_units=[tree.commune_a1],
        conclusions=["Tiếp tục triển khai 66-CTr/TU", "Tăng cường dân vận chính quyền"],
    )


def _age(model: Any, pk: int) -> datetime.datetime:
    """Move the row's last change an hour back; return a sync point after it."""
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    return timezone.now() - datetime.timedelta(minutes=1)


# --- Personas --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "directive_code", "meeting_code"),
    [
        ("anonymous", 401, 401),
        ("cadre_a", 200, 200),  # commune A1 takes part in the meeting
        ("cadre_b", 200, 404),  # directives are for everyone; the meeting is not A2's
        ("supervisor", 200, 200),
        ("administrator", 200, 200),
    ],
)
def test_timelines_as_persona(
    request: pytest.FixtureRequest,
    api: Any,
    api_as: Any,
    resolution: Directive,
    meeting: Meeting,
    persona: str,
    directive_code: int,
    meeting_code: int,
) -> None:
    client = api if persona == "anonymous" else api_as(request.getfixturevalue(persona))
    directive_timeline = client.get(f"{DIRECTIVES}{resolution.pk}/timeline/")
    assert directive_timeline.status_code == directive_code
    meeting_timeline = client.get(f"{MEETINGS}{meeting.pk}/timeline/")
    assert meeting_timeline.status_code == meeting_code
    for response in (directive_timeline, meeting_timeline):
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("persona", "sees_meeting"),
    [("cadre_a", True), ("cadre_b", False), ("supervisor", True), ("administrator", True)],
)
def test_sync_as_persona(
    request: pytest.FixtureRequest,
    api: Any,
    api_as: Any,
    resolution: Directive,
    meeting: Meeting,
    persona: str,
    sees_meeting: bool,
) -> None:
    params = {"updated_since": "2020-01-01T00:00:00+07:00"}
    assert api.get(f"{DIRECTIVES}sync/", params).status_code == 401
    assert api.get(f"{MEETINGS}sync/", params).status_code == 401
    client = api_as(request.getfixturevalue(persona))
    directives = client.get(f"{DIRECTIVES}sync/", params).json()
    assert [d["id"] for d in directives["changed"]] == [resolution.pk]
    meetings = client.get(f"{MEETINGS}sync/", params).json()
    assert [m["id"] for m in meetings["changed"]] == ([meeting.pk] if sees_meeting else [])
    bad = client.get(f"{MEETINGS}sync/", {"updated_since": "hôm qua"})
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["updated_since"]


# --- What the timeline says ------------------------------------------------------------------
def test_directive_timeline_records_link_and_replacement(
    api_as: Any, tree: Any, supervisor: Any, cadre_b: Any, resolution: Directive
) -> None:
    programme = services.directive_create(
        actor=supervisor,
        number_text="Chương trình hành động số 66-CTr/TU ngày 29/10/2013",
        title="Thực hiện Nghị quyết 25-NQ/TW",
        issuing_unit=tree.province_a,
    )
    client = api_as(supervisor)
    linked = client.post(
        f"{DIRECTIVES}{programme.pk}/link/", {"implements": [resolution.pk]}, format="json"
    )
    assert linked.status_code == 200
    events = api_as(cadre_b).get(f"{DIRECTIVES}{programme.pk}/timeline/").json()["results"]
    assert [e["action"] for e in events] == ["directive_created", "directive_linked"]
    assert events[1]["actor_name"] == str(supervisor)
    assert events[1]["data"] == {"implements": [resolution.pk]}


def test_meeting_timeline_and_new_version_after_conclusions_become_tasks(
    api_as: Any, tree: Any, supervisor: Any, cadre_a: Any, meeting: Meeting
) -> None:
    client = api_as(supervisor)
    url = f"{MEETINGS}{meeting.pk}/"
    before = client.get(url)["ETag"]
    since = _age(Meeting, meeting.pk)
    made = client.post(f"{url}conclusions-to-tasks/", {"lead_unit": tree.board_a.pk}, format="json")
    assert made.status_code == 201 and len(made.json()) == 2
    # Each conclusion now lists its task: the meeting has a new version and comes in the sync.
    assert client.get(url)["ETag"] != before
    synced = api_as(cadre_a).get(f"{MEETINGS}sync/", {"updated_since": since.isoformat()}).json()
    assert [m["id"] for m in synced["changed"]] == [meeting.pk]
    assert [len(c["tasks"]) for c in synced["changed"][0]["conclusions"]] == [1, 1]
    stale = client.post(f"{url}conclusions/", {"text": "Ba"}, format="json", HTTP_IF_MATCH=before)
    assert stale.status_code == 412
    events = api_as(cadre_a).get(f"{url}timeline/").json()["results"]
    assert [e["action"] for e in events] == ["meeting_created", "conclusions_to_tasks"]


def test_a_link_brings_the_directive_back_into_the_sync(
    api_as: Any, tree: Any, supervisor: Any, cadre_a: Any, resolution: Directive
) -> None:
    programme = services.directive_create(
        actor=supervisor,
        number_text="66-CTr/TU",
        title="Chương trình hành động",
        issuing_unit=tree.province_a,
    )
    since = _age(Directive, programme.pk)
    _age(Directive, resolution.pk)
    client = api_as(cadre_a)
    assert (
        client.get(f"{DIRECTIVES}sync/", {"updated_since": since.isoformat()}).json()["changed"]
        == []
    )
    services.directive_link(actor=supervisor, directive=programme, implements=[resolution])
    synced = client.get(f"{DIRECTIVES}sync/", {"updated_since": since.isoformat()}).json()
    assert [(d["id"], [h["id"] for h in d["implements"]]) for d in synced["changed"]] == [
        (programme.pk, [resolution.pk])
    ]
    later = client.get(
        f"{DIRECTIVES}sync/", {"updated_since": synced["until"], "after_id": synced["until_id"]}
    ).json()
    assert later["changed"] == [] and later["has_more"] is False


# --- Query counts ----------------------------------------------------------------------------
def test_sync_query_counts_do_not_grow_with_rows(
    api_as: Any, tree: Any, supervisor: Any, count_queries: Any
) -> None:
    def add(rows: int) -> None:
        for _ in range(rows):
            n = Directive.objects.count() + 1
            services.directive_create(
                actor=supervisor, number_text=f"{n}-KH/TU", title=f"Kế hoạch {n}"
            )
            services.meeting_create(
                actor=supervisor,
                kind=MeetingKind.BRIEFING,
                title=f"Giao ban {n}",
                organising_unit=tree.board_a,
                participating_units=[tree.commune_a1],
                directives_cited=list(Directive.objects.all()[:2]),
                conclusions=["Một", "Hai"],
            )

    def measure(url: str, rows: int) -> list[str]:
        with count_queries() as queries:
            body = api_as(supervisor).get(url, {"updated_since": "2020-01-01T00:00:00+07:00"})
        assert len(body.json()["changed"]) == rows
        return [q["sql"] for q in queries.captured_queries]

    add(1)
    one = (measure(f"{DIRECTIVES}sync/", 1), measure(f"{MEETINGS}sync/", 1))
    add(19)
    twenty = (measure(f"{DIRECTIVES}sync/", 20), measure(f"{MEETINGS}sync/", 20))
    assert [len(q) for q in twenty] == [len(q) for q in one], twenty
    # Directives: the test client's token row, the user, the page, then implements,
    # implemented_by and files (one query each). Meetings: token, user, the user's unit paths
    # (scope), the page, then participating units, bridge points, documents cited, conclusions
    # and their tasks.
    assert [len(q) for q in one] == [6, 9], one
