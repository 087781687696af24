"""
"My work" (the home page) for each persona: the counts match the records made, each count
links to a list showing exactly those records, and the page costs a fixed number of queries.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from danvan.notify.models import Notification
from danvan.org.models import Role
from petitions.models import Petition
from tasks import services as task_services
from tasks.models import Task
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory
from tests.tasks.factories import make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db: Any) -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def two_posts(tree: Any) -> Any:
    """Supervisor of commune A1 and only a cadre at the province."""
    return UserFactory(
        username="two_posts",
        memberships=[(tree.commune_a1, Role.SUPERVISOR), (tree.province_a, Role.COMMUNE_CADRE)],
    )


def _petition(root: Any, unit: Any, due: datetime.date, *, assignee: Any = None) -> None:
    petition = PetitionFactory(actor=root, unit=unit, today=timezone.localdate())
    Petition.objects.filter(pk=petition.pk).update(due_date=due, assignee=assignee)


def _report_done(task: Task, actor: Any) -> None:
    task_services.progress_report_submit(actor=actor, task=task, text="Đã xong", percent=100)


@pytest.fixture
def work(tree: Any, root: Any, cadre_a: Any, handler_a: Any) -> dict[str, Any]:
    """
    Petitions: commune A1 one overdue, one due today, one on time, one on time given to
    handler_a; commune A2 one overdue; commune B1 one overdue.
    Tasks: province -> A1 not reported; province -> A1 reported done (awaiting approval);
    province -> A2 with A1 coordinating, not reported; A1 -> its village reported done.
    Notifications: cadre_a two unread, one read.
    """
    today = timezone.localdate()
    late, soon, later = (
        today - datetime.timedelta(days=20),
        today,
        today + datetime.timedelta(days=90),
    )
    _petition(root, tree.commune_a1, late)
    _petition(root, tree.commune_a1, soon)
    _petition(root, tree.commune_a1, later)
    _petition(root, tree.commune_a1, later, assignee=handler_a)
    _petition(root, tree.commune_a2, late)
    _petition(root, tree.commune_b1, late)
    make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Chưa báo cáo")
    _report_done(
        make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Chờ duyệt"),
        cadre_a,
    )
    make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a2,
        coordinating=[tree.commune_a1],
        title="Phối hợp",
    )
    _report_done(
        make_task(issuing_unit=tree.commune_a1, lead_unit=tree.village_a1, title="Việc thôn"),
        root,
    )
    for title, read_at in (("Một", None), ("Hai", None), ("Ba", timezone.now())):
        Notification.objects.create(user=cadre_a, title=title, url="/petitions/", read_at=read_at)
    return {}


COUNT = re.compile(r'id="count-([a-z-]+)"[^>]*>\s*<span class="count">(\d+)</span>')


def _counts(html: str) -> dict[str, int]:
    return {name: int(value) for name, value in COUNT.findall(html)}


def _get_home(user: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client, client.get("/")


# persona -> the counts the page shows
EXPECTED = {
    "cadre_a": {
        "overdue": 1,
        "due-soon": 1,
        "unassigned": 3,
        "to-report": 2,
        "unread": 2,
    },
    "handler_a": {"overdue": 1, "due-soon": 1, "unassigned": 3, "notices": 0, "unread": 0},
    "supervisor": {
        "overdue": 2,
        "due-soon": 1,
        "unassigned": 4,
        "notices": 0,
        "to-report": 0,
        "to-approve": 2,
        "unread": 0,
    },
    # The cadre post at the province lets them read the province's petitions too.
    "two_posts": {
        "overdue": 2,
        "due-soon": 1,
        "unassigned": 4,
        "notices": 0,
        "to-report": 2,
        "to-approve": 1,
        "unread": 0,
    },
    # No unit of their own to report for; may approve everything.
    "root": {
        "overdue": 3,
        "due-soon": 1,
        "unassigned": 5,
        "notices": 0,
        "to-approve": 2,
        "unread": 0,
    },
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_persona_sees_its_own_counts(
    request: Any, work: Any, supervisor: Any, two_posts: Any, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    _client, response = _get_home(user)

    assert response.status_code == 200
    assert _counts(response.content.decode()) == EXPECTED[persona]


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_count_links_to_a_list_of_exactly_those_records(
    request: Any, work: Any, supervisor: Any, two_posts: Any, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client, response = _get_home(user)
    html = response.content.decode()
    links = dict(re.findall(r'id="count-([a-z-]+)" href="([^"]+)"', html))

    for name, expected in _counts(html).items():
        if name == "notices":
            continue  # the notices page groups drafts by state; counted in tests/petitions
        page = client.get(links[name].replace("&amp;", "&"))
        assert page.status_code == 200, name
        if name == "unread":
            shown = len([n for n in page.context["notifications"] if n.read_at is None])
        elif links[name].startswith("/tasks/"):
            shown = len(page.context["tasks"])
        else:
            shown = len(page.context["rows"])
        assert shown == expected, (name, links[name])


def test_the_intake_button_only_for_those_who_may_record_petitions(
    tree: Any, cadre_a: Any, supervisor: Any
) -> None:
    reader = UserFactory(username="reader", memberships=[(tree.commune_a1, Role.ADMINISTRATOR)])
    # An administrator may not record petitions (petitions/roles.py): no button.
    assert 'id="intake-button"' not in _get_home(reader)[1].content.decode()
    for user in (cadre_a, supervisor):
        assert 'id="intake-button" href="/petitions/new/"' in _get_home(user)[1].content.decode()


def test_a_person_without_a_unit_sees_only_their_inbox(db: Any) -> None:
    nobody = UserFactory(username="nobody")
    html = _get_home(nobody)[1].content.decode()

    assert _counts(html) == {"unread": 0}
    assert 'id="intake-button"' not in html


def test_anonymous_visitors_see_the_welcome_and_the_sign_in_page_link(db: Any) -> None:
    response = Client().get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert _counts(html) == {}
    assert 'href="/dang-nhap/?next=/"' in html
    assert "/admin/login/" not in html


# 1 session, 2 the user with their unread count (InboxModelBackend), 3 their memberships
# (held_roles), 4 the ids of their units' subtrees (petitions' scope), 5 the petitions' counts,
# 6 the tasks' counts, 7 the memberships shown; 8 the notices' counts for those who handle.
# A superuser has no memberships to read and no subtree to list.
@pytest.mark.parametrize(
    ("persona", "queries"),
    [("cadre_a", 7), ("handler_a", 7), ("supervisor", 8), ("two_posts", 8), ("root", 7)],
)
def test_the_page_costs_a_fixed_number_of_queries(
    request: Any,
    work: Any,
    supervisor: Any,
    two_posts: Any,
    count_queries: Any,
    persona: str,
    queries: int,
) -> None:
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    client.get("/")  # the calendar's index, read once per process
    with count_queries() as q:
        response = client.get("/")
    assert response.status_code == 200
    assert len(q) == queries, q


def test_the_api_and_the_exports_filter_the_same_records(
    work: Any, cadre_a: Any, api_as: Any
) -> None:
    """The lists' new filters exist in the API (and so in the exports the lists link to)."""
    api = api_as(cadre_a)

    unassigned = api.get("/api/v1/petitions/?unassigned=true&page_size=100")
    assigned = api.get("/api/v1/petitions/?unassigned=false&page_size=100")
    to_report = api.get("/api/v1/tasks/?awaiting_my_report=true&page_size=100")

    assert unassigned.status_code == assigned.status_code == to_report.status_code == 200
    assert len(unassigned.json()["results"]) == EXPECTED["cadre_a"]["unassigned"]
    assert len(assigned.json()["results"]) == 1  # the one given to handler_a
    assert {t["title"] for t in to_report.json()["results"]} == {"Chưa báo cáo", "Phối hợp"}
    client = Client()
    client.force_login(cadre_a)
    petitions = client.get("/petitions/?assigned=none").context["export_query"]
    tasks = client.get("/tasks/?awaiting_my_report=1").context["export_query"]
    assert "unassigned=true" in petitions and "awaiting_my_report=true" in tasks
    export = client.get(f"/api/v1/reports/exports/tasks.csv?{tasks}")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Chưa báo cáo" in body and "Phối hợp" in body and "Chờ duyệt" not in body
