"""
Two posts at once (kiêm nhiệm): a role held in one unit grants nothing in another, on every
surface — the service, the API, the pages, the admin and the exports.

The issue's own scenario first: a petition handler of Xã Di Linh (commune A1) who is only a
commune cadre of Xã Hàm Thuận Bắc (commune A2) cannot accept a petition of Hàm Thuận Bắc,
though they accept Di Linh's.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client

from danvan.org.models import Role
from danvan.org.permissions import Forbidden
from petitions import services as petition_services
from petitions.models import DeadlinePolicy, Petition, PetitionField, Status
from seeds.petitions import seed_petition_reference
from tasks import services as task_services
from tasks.models import Meeting, Task
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory
from tests.tasks.factories import make_task

PETITIONS_ADMIN = "/admin/petitions/petition/"
TASKS_ADMIN = "/admin/tasks/task/"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_posts(tree: Any) -> Any:
    """Handler at Xã Di Linh (A1), only a commune cadre at Xã Hàm Thuận Bắc (A2)."""
    return UserFactory(
        username="kiem_nhiem",
        memberships=[
            (tree.commune_a1, Role.PETITION_HANDLER),
            (tree.commune_a2, Role.COMMUNE_CADRE),
        ],
    )


@pytest.fixture
def recorder(tree: Any) -> Any:
    """A supervisor of province A who records the petitions (intake at A1 and A2)."""
    return UserFactory(username="recorder", memberships=[(tree.province_a, Role.SUPERVISOR)])


@pytest.fixture
def ham_thuan_bac(tree: Any, recorder: Any) -> Petition:
    return PetitionFactory(  # type: ignore[return-value]
        actor=recorder,
        unit=tree.commune_a2,
        summary="Khiếu nại việc cấp giấy chứng nhận ở Hàm Thuận Bắc",
        received_on=datetime.date(2026, 3, 2),
    )


@pytest.fixture
def di_linh(tree: Any, recorder: Any) -> Petition:
    return PetitionFactory(  # type: ignore[return-value]
        actor=recorder,
        unit=tree.commune_a1,
        summary="Khiếu nại việc cấp giấy chứng nhận ở Di Linh",
        received_on=datetime.date(2026, 3, 2),
    )


def _unchanged(petition: Petition) -> None:
    version = petition.version
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED
    assert petition.version == version
    assert list(petition.events.values_list("action", flat=True)) == ["created"]


# --- The scenario: petitions --------------------------------------------------------
def test_service_refuses_the_other_communes_petition(
    two_posts: Any, ham_thuan_bac: Petition, di_linh: Petition
) -> None:
    with pytest.raises(Forbidden):
        petition_services.petition_accept(actor=two_posts, petition=ham_thuan_bac, reason="Thụ lý")
    _unchanged(ham_thuan_bac)
    # Where the handler's post is, the same person accepts.
    accepted = petition_services.petition_accept(actor=two_posts, petition=di_linh, reason="Thụ lý")
    assert accepted.status == Status.ACCEPTED


def test_service_refuses_every_handling_step_and_correction(
    two_posts: Any, ham_thuan_bac: Petition, tree: Any
) -> None:
    steps = [
        lambda: petition_services.petition_guide(
            actor=two_posts, petition=ham_thuan_bac, reason="x", competent_body="Tòa án"
        ),
        lambda: petition_services.petition_transfer(
            actor=two_posts, petition=ham_thuan_bac, to_unit=tree.commune_a1, reason="x"
        ),
        lambda: petition_services.petition_file(
            actor=two_posts, petition=ham_thuan_bac, reason="x"
        ),
        lambda: petition_services.petition_assign(
            actor=two_posts, petition=ham_thuan_bac, assignee=two_posts
        ),
        lambda: petition_services.petition_update(
            actor=two_posts, petition=ham_thuan_bac, changes={"summary": "Sửa"}
        ),
    ]
    for step in steps:
        with pytest.raises(Forbidden):
            step()
    _unchanged(ham_thuan_bac)
    assert petition_services.actions_available_to(two_posts, ham_thuan_bac) == []


def test_api_refuses_and_offers_no_step(
    api_as: Any, two_posts: Any, ham_thuan_bac: Petition, di_linh: Petition
) -> None:
    client = api_as(two_posts)

    refused = client.post(
        f"/api/v1/petitions/{ham_thuan_bac.pk}/accept/", {"reason": "Thụ lý"}, format="json"
    )
    seen = client.get(f"/api/v1/petitions/{ham_thuan_bac.pk}/").json()
    own = client.get(f"/api/v1/petitions/{di_linh.pk}/").json()

    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "permission_denied"
    _unchanged(ham_thuan_bac)
    # A cadre there sees the petition; the status allows accepting, this person may not.
    assert "accept" in seen["allowed_actions"]
    assert seen["available_actions"] == []
    assert "accept" in own["available_actions"]


def test_page_offers_no_step_and_refuses_a_posted_one(
    two_posts: Any, ham_thuan_bac: Petition, di_linh: Petition
) -> None:
    client = logged_in(two_posts)

    page = client.get(f"/petitions/{ham_thuan_bac.pk}/").content.decode()
    own = client.get(f"/petitions/{di_linh.pk}/").content.decode()
    posted = client.post(
        f"/petitions/{ham_thuan_bac.pk}/actions/accept/",
        {"accept-version": ham_thuan_bac.version, "accept-reason": "Thụ lý"},
    )

    assert ham_thuan_bac.code in page
    assert 'data-action="accept"' not in page
    assert 'data-action="accept"' in own
    assert posted.status_code == 403
    _unchanged(ham_thuan_bac)


def test_admin_shows_the_record_read_only_and_its_actions_refuse(
    two_posts: Any, ham_thuan_bac: Petition, tree: Any
) -> None:
    client = logged_in(two_posts)
    change = f"{PETITIONS_ADMIN}{ham_thuan_bac.pk}/change/"

    opened = client.get(change)
    saved = client.post(change, {})
    transfer = client.post(
        PETITIONS_ADMIN,
        {
            "action": "transfer",
            "_selected_action": [ham_thuan_bac.pk],
            "to_unit": tree.commune_a1.code,
            "reason": "Không thuộc thẩm quyền",
        },
        follow=True,
    )

    assert opened.status_code == 200  # visible to a cadre of the commune, read only
    assert 'name="_save"' not in opened.content.decode()
    assert saved.status_code == 403
    assert "Xã Hàm Thuận Bắc" in transfer.content.decode()  # the refusal names the unit
    _unchanged(ham_thuan_bac)


def test_admin_offers_save_where_the_role_holds(two_posts: Any, di_linh: Petition) -> None:
    """Control for the test above: the same page at the handler's own commune is editable."""
    opened = logged_in(two_posts).get(f"{PETITIONS_ADMIN}{di_linh.pk}/change/")

    assert opened.status_code == 200
    assert 'name="_save"' in opened.content.decode()


# --- Tasks: a supervisor of province P who is only a cadre in a commune of province Q ---------
@pytest.fixture
def supervisor_b_cadre_a1(tree: Any) -> Any:
    return UserFactory(
        username="bdv_lai_chau",
        memberships=[(tree.province_b, Role.SUPERVISOR), (tree.commune_a1, Role.COMMUNE_CADRE)],
    )


@pytest.fixture
def reported_in_a(tree: Any, cadre_a: Any) -> Task:
    """Given by province A to commune A1, reported done: waits for province A's leaders."""
    task = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Tuyên truyền Luật Đất đai ở Di Linh",
        due_on=datetime.date(2026, 12, 31),
    )
    task_services.progress_report_submit(actor=cadre_a, task=task, text="Xong", percent=100)
    task.refresh_from_db()
    assert task.awaiting_approval
    return task


@pytest.fixture
def reported_in_b(tree: Any, supervisor_b_cadre_a1: Any) -> Task:
    task = make_task(
        issuing_unit=tree.province_b,
        lead_unit=tree.commune_b1,
        title="Tuyên truyền Luật Đất đai ở Phong Thổ",
        due_on=datetime.date(2026, 12, 31),
    )
    task_services.progress_report_submit(
        actor=supervisor_b_cadre_a1, task=task, text="Xong", percent=100
    )
    task.refresh_from_db()
    return task


def test_task_page_offers_no_approval_and_refuses_one(
    supervisor_b_cadre_a1: Any, reported_in_a: Task, reported_in_b: Task
) -> None:
    client = logged_in(supervisor_b_cadre_a1)
    approve = f"/tasks/{reported_in_a.pk}/approve/"

    page = client.get(f"/tasks/{reported_in_a.pk}/").content.decode()
    posted = client.post(approve)
    own = client.post(f"/tasks/{reported_in_b.pk}/approve/")

    assert reported_in_a.title in page  # seen as A1's cadre
    assert approve not in page
    assert posted.status_code == 403
    reported_in_a.refresh_from_db()
    assert reported_in_a.awaiting_approval and reported_in_a.completed_on is None
    # In province B, their own, the same person approves.
    assert own.status_code == 302
    reported_in_b.refresh_from_db()
    assert reported_in_b.completed_on is not None


def test_task_admin_change_and_actions_refuse_the_other_province(
    supervisor_b_cadre_a1: Any, reported_in_a: Task
) -> None:
    client = logged_in(supervisor_b_cadre_a1)
    change = f"{TASKS_ADMIN}{reported_in_a.pk}/change/"

    opened = client.get(change)
    saved = client.post(change, {"title": "Đổi tên"})
    approved = client.post(
        TASKS_ADMIN,
        {"action": "approve_completion", "_selected_action": [reported_in_a.pk]},
        follow=True,
    )

    assert opened.status_code == 200 and 'name="_save"' not in opened.content.decode()
    assert saved.status_code == 403
    assert approved.status_code == 200
    reported_in_a.refresh_from_db()
    assert reported_in_a.title == "Tuyên truyền Luật Đất đai ở Di Linh"
    assert reported_in_a.completed_on is None


def test_meeting_admin_offers_only_units_where_the_person_leads(
    supervisor_b_cadre_a1: Any, tree: Any
) -> None:
    client = logged_in(supervisor_b_cadre_a1)
    data = {
        "kind": "giao_ban",
        "title": "Giao ban ở Di Linh",
        "organising_unit": tree.commune_a1.pk,
        "bridge_point_count": 0,
        "conclusions-TOTAL_FORMS": 0,
        "conclusions-INITIAL_FORMS": 0,
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
    }

    refused = client.post("/admin/tasks/meeting/add/", data)
    client.post("/admin/tasks/meeting/add/", {**data, "organising_unit": tree.province_b.pk})
    errors = refused.context["adminform"].form.errors

    assert list(errors) == ["organising_unit"]  # A1 is not offered: only a cadre there
    assert list(Meeting.objects.values_list("organising_unit", flat=True)) == [tree.province_b.pk]


def test_the_api_refuses_the_other_provinces_approval(
    api_as: Any, supervisor_b_cadre_a1: Any, reported_in_a: Task
) -> None:
    response = api_as(supervisor_b_cadre_a1).post(f"/api/v1/tasks/{reported_in_a.pk}/approve/")

    assert response.status_code == 403
    reported_in_a.refresh_from_db()
    assert reported_in_a.completed_on is None


# --- An administrator of one province --------------------------------------------------------
@pytest.fixture
def administrator_a(tree: Any) -> Any:
    return UserFactory(username="qtv_lam_dong", memberships=[(tree.province_a, Role.ADMINISTRATOR)])


def test_administrator_of_a_province_gets_nothing_of_another(
    administrator_a: Any, tree: Any, recorder: Any, di_linh: Petition, api_as: Any
) -> None:
    outsider = UserFactory(memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])
    phong_tho = PetitionFactory(
        actor=outsider, unit=tree.commune_b1, summary="Khiếu nại việc cấp đất ở Phong Thổ"
    )
    task_b = make_task(issuing_unit=tree.province_b, lead_unit=tree.commune_b1)
    client = logged_in(administrator_a)

    assert client.get(f"{PETITIONS_ADMIN}{phong_tho.pk}/change/").status_code == 302
    assert client.get(f"{TASKS_ADMIN}{task_b.pk}/change/").status_code == 302
    assert client.get(f"{PETITIONS_ADMIN}{di_linh.pk}/change/").status_code == 200
    with pytest.raises(Forbidden):
        petition_services.petition_file(actor=administrator_a, petition=phong_tho, reason="x")
    export = _csv(api_as(administrator_a).get("/api/v1/reports/exports/petitions.csv"))
    assert di_linh.summary in export and phong_tho.summary not in export


def test_deadline_policies_are_changed_only_at_the_administrators_units(
    administrator_a: Any, tree: Any
) -> None:
    seed_petition_reference()
    national = DeadlinePolicy.objects.filter(unit__isnull=True).first()
    assert national is not None
    own = DeadlinePolicy.objects.create(
        kind=national.kind,
        stage=national.stage,
        unit=tree.province_a,
        amount=national.amount,
        day_unit=national.day_unit,
    )
    other = DeadlinePolicy.objects.create(
        kind=national.kind,
        stage=national.stage,
        unit=tree.province_b,
        amount=national.amount,
        day_unit=national.day_unit,
    )
    client = logged_in(administrator_a)
    url = "/admin/petitions/deadlinepolicy/{}/change/"

    assert 'name="_save"' in client.get(url.format(own.pk)).content.decode()
    for policy in (national, other):
        page = client.get(url.format(policy.pk))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(url.format(policy.pk), {"amount": 1}).status_code == 403


# --- Exports: what each post sees, and nothing of a unit where the person holds no post -------
def _csv(response: Any) -> str:
    assert response.status_code == 200, response.content[:500]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))


def test_exports_follow_the_posts(
    api_as: Any,
    tree: Any,
    supervisor_b_cadre_a1: Any,
    recorder: Any,
    di_linh: Petition,
    ham_thuan_bac: Petition,
) -> None:
    outsider = UserFactory(memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])
    phong_tho = PetitionFactory(
        actor=outsider, unit=tree.commune_b1, summary="Khiếu nại việc cấp đất ở Phong Thổ"
    )

    from petitions.services import PetitionerInput

    numbered = PetitionFactory(
        actor=recorder,
        unit=tree.commune_a1,
        summary="Kiến nghị có số CCCD ở Di Linh",
        petitioners=[PetitionerInput(full_name="Trần Văn Bình", citizen_id="068190004321")],
    )

    export = _csv(api_as(supervisor_b_cadre_a1).get("/api/v1/reports/exports/petitions.csv"))

    assert di_linh.summary in export  # the cadre post in A1
    assert phong_tho.summary in export  # the supervisor post in province B
    assert ham_thuan_bac.summary not in export  # no post in A2
    # The receiving unit's cadre sees the number in full on the page; an export, never.
    assert numbered.summary in export
    assert "*********321" in export and "068190004321" not in export
    assert "CCCD (che, chỉ hiện 3 số cuối)" in export.splitlines()[0]


def test_the_national_list_of_fields_is_changed_only_from_the_root(
    administrator_a: Any, administrator: Any
) -> None:
    seed_petition_reference()
    field = PetitionField.objects.order_by("pk").first()
    assert field is not None
    url = f"/admin/petitions/petitionfield/{field.pk}/change/"

    provincial = logged_in(administrator_a).get(url)
    central = logged_in(administrator).get(url)

    assert provincial.status_code == 200 and 'name="_save"' not in provincial.content.decode()
    assert logged_in(administrator_a).post(url, {"name": "Đổi"}).status_code == 403
    assert 'name="_save"' in central.content.decode()


# --- The admin's national pages and people: a group opens a page, the rule decides ---------
def test_a_province_administrator_reads_no_national_log_and_changes_no_national_setting(
    administrator_a: Any, administrator: Any, tree: Any
) -> None:
    """Administrator of province A only: the country's logs and settings are the root's."""
    from danvan.audit.models import AuditEvent
    from danvan.calendar.models import CalendarException

    outsider = UserFactory(
        username="canbo_phong_tho", memberships=[(tree.commune_b1, Role.COMMUNE_CADRE)]
    )
    AuditEvent.objects.create(kind="login_failed", username=outsider.username)
    client = logged_in(administrator_a)
    day_off = {"day": "15/06/2026", "kind": "day_off", "name": "Nghỉ bù"}

    for page in (
        "/admin/audit/auditevent/",
        "/admin/notify/reminder/",
        "/admin/notify/delivery/",
        "/admin/notify/outboxmessage/",
        "/admin/notify/notification/",
        "/admin/notify/notificationpreference/",
        "/admin/notify/digest/",
    ):
        assert client.get(page).status_code == 403, page
    assert client.get("/admin/calendar/calendarexception/").status_code == 200  # reads it
    assert client.post("/admin/calendar/calendarexception/add/", day_off).status_code == 403
    assert not CalendarException.objects.exists()
    assert "canbo_phong_tho" not in client.get("/admin/").content.decode()

    central = logged_in(administrator)  # control: the root's administrator
    assert "canbo_phong_tho" in central.get("/admin/audit/auditevent/").content.decode()
    assert central.get("/admin/notify/outboxmessage/").status_code == 200
    assert central.post("/admin/calendar/calendarexception/add/", day_off).status_code == 302
    assert CalendarException.objects.filter(name="Nghỉ bù").exists()


def test_a_post_at_the_root_is_not_the_roots_administration(
    administrator_a: Any, tree: Any
) -> None:
    """Administrator of province A who is also a commune cadre at the central unit."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    administrator_a.memberships.create(unit=tree.central, role=Role.COMMUNE_CADRE)
    every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    task = PeriodicTask.objects.create(name="sweep", task="x.sweep", interval=every)
    client = logged_in(administrator_a)

    changed = client.post(
        f"/admin/django_celery_beat/periodictask/{task.pk}/change/",
        {"name": "changed", "task": "x.sweep", "enabled": "on"},
    )

    assert changed.status_code == 403
    task.refresh_from_db()
    assert task.name == "sweep"
    assert client.get("/admin/audit/auditevent/").status_code == 403


def test_an_administrator_who_is_a_cadre_elsewhere_changes_only_their_provinces_people(
    tree: Any,
) -> None:
    """Administrator of province A + cadre of Xã Phong Thổ (province B)."""
    two_posts_admin = UserFactory(
        username="qtv_kiem_nhiem",
        memberships=[(tree.province_a, Role.ADMINISTRATOR), (tree.commune_b1, Role.COMMUNE_CADRE)],
    )
    own = UserFactory(username="canbo_di_linh", memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)])
    other = UserFactory(
        username="canbo_phong_tho", memberships=[(tree.commune_b1, Role.COMMUNE_CADRE)]
    )
    both = UserFactory(
        username="canbo_hai_tinh",
        memberships=[(tree.commune_a2, Role.COMMUNE_CADRE), (tree.commune_b1, Role.SUPERVISOR)],
    )
    client = logged_in(two_posts_admin)
    users = "/admin/org/user/"

    own_page = client.get(f"{users}{own.pk}/change/").content.decode()
    assert 'name="_save"' in own_page
    # A person with a post in A2 and one in B1: seen (the A2 post), read only.
    page = client.get(f"{users}{both.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(f"{users}{both.pk}/change/", {"username": "doi_ten"}).status_code == 403
    assert client.get(f"{users}{both.pk}/password/").status_code == 403
    # A person of B1 only: not among the people this administrator sees at all.
    assert client.get(f"{users}{other.pk}/change/").status_code == 302
    assert client.post(f"{users}{other.pk}/change/", {"username": "doi_ten"}).status_code == 302
    for person in (other, both):
        person.refresh_from_db()
        assert person.username != "doi_ten"

    # Units: Lâm Đồng's are changed, Lai Châu's read; a new unit only below Lâm Đồng.
    assert (
        'name="_save"'
        in client.get(f"/admin/org/unit/{tree.commune_a1.pk}/change/").content.decode()
    )
    b1 = client.get(f"/admin/org/unit/{tree.commune_b1.pk}/change/")
    assert b1.status_code == 200 and 'name="_save"' not in b1.content.decode()
    added = client.post(
        "/admin/org/unit/add/",
        {
            "code": "99999",
            "name": "Xã Mới",
            "level": "commune",
            "kind": "commune",
            "parent": tree.commune_b1.pk,
        },
    )
    assert added.status_code == 200  # the form refuses the parent: not a unit they manage
    from danvan.org.models import Unit

    assert not Unit.objects.filter(code="99999").exists()


# --- Each two-post persona's admin lists: their units' rows, no denouncer, no full number ---
@pytest.mark.parametrize(
    ("persona", "seen", "unseen"),
    [
        ("handler_elsewhere", {"Di Linh", "Hàm Thuận Bắc"}, {"Phong Thổ"}),
        ("supervisor_elsewhere", {"Di Linh", "Phong Thổ"}, {"Hàm Thuận Bắc"}),
        ("administrator_a", {"Di Linh", "Hàm Thuận Bắc"}, {"Phong Thổ"}),
    ],
)
def test_each_two_post_persona_lists_in_the_admin_only_what_their_posts_see(
    request: Any, tree: Any, recorder: Any, persona: str, seen: set[str], unseen: set[str]
) -> None:
    from petitions.models import PetitionKind
    from petitions.services import PetitionerInput

    outsider = UserFactory(memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])
    places = {"Di Linh": tree.commune_a1, "Hàm Thuận Bắc": tree.commune_a2}
    for place, unit in places.items():
        PetitionFactory(
            actor=recorder,
            unit=unit,
            summary=f"Khiếu nại ở {place}",
            petitioners=[PetitionerInput(full_name="Trần Văn Bình", citizen_id="068190004321")],
        )
    PetitionFactory(actor=outsider, unit=tree.commune_b1, summary="Khiếu nại ở Phong Thổ")
    PetitionFactory(
        actor=recorder,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary="Tố cáo ở Di Linh",
        petitioners=[PetitionerInput(full_name="Lê Thị Mai", citizen_id="068190009999")],
    )
    for place in ("Di Linh", "Hàm Thuận Bắc", "Phong Thổ"):
        make_task(
            title=f"Nhiệm vụ ở {place}",
            issuing_unit=tree.province_b if place == "Phong Thổ" else tree.province_a,
            lead_unit={"Phong Thổ": tree.commune_b1, **places}[place],
        )
    client = logged_in(request.getfixturevalue(persona))

    petitions_list = client.get(PETITIONS_ADMIN).content.decode()
    tasks_list = client.get(TASKS_ADMIN).content.decode()

    for place in seen:
        assert f"Khiếu nại ở {place}" in petitions_list, place
        assert f"Nhiệm vụ ở {place}" in tasks_list, place
    for place in unseen:
        assert f"Khiếu nại ở {place}" not in petitions_list, place
        assert f"Nhiệm vụ ở {place}" not in tasks_list, place
    assert "Tố cáo ở Di Linh" in petitions_list  # the denunciation is listed...
    assert "Lê Thị Mai" not in petitions_list  # ...its denouncer is not
    assert "068190004321" not in petitions_list and "068190009999" not in petitions_list


def test_the_intake_form_offers_the_units_where_a_role_records_petitions(
    supervisor_b_cadre_a1: Any, administrator_a: Any
) -> None:
    """Intake is a cadre's, handler's or supervisor's action; an administrator's post is not."""
    import re

    def offered(user: Any) -> set[str]:
        page = logged_in(user).get("/petitions/new/").content.decode()
        select = page[page.index('name="receiving_unit"') :]
        select = select[: select.index("</select>")]
        return set(re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select))

    two_posts = offered(supervisor_b_cadre_a1)
    assert {"Xã Di Linh", "Lai Châu", "Xã Phong Thổ"} <= two_posts
    assert "Xã Hàm Thuận Bắc" not in two_posts and "Lâm Đồng" not in two_posts
    assert offered(administrator_a) == set()


def test_the_logs_an_administrator_reads_are_those_of_their_province(
    tree: Any, recorder: Any, di_linh: Petition
) -> None:
    """Administrator of province A + cadre of Xã Phong Thổ (B1): A's logs only."""
    from petitions.models import IdentityAccessLog
    from reports.models import ExportRecord

    two_posts_admin = UserFactory(
        memberships=[(tree.province_a, Role.ADMINISTRATOR), (tree.commune_b1, Role.COMMUNE_CADRE)]
    )
    outsider = UserFactory(
        username="xuly_phong_tho", memberships=[(tree.commune_b1, Role.PETITION_HANDLER)]
    )
    phong_tho = PetitionFactory(actor=outsider, unit=tree.commune_b1)
    IdentityAccessLog.objects.create(
        user=recorder, petition=di_linh, reason="Xác minh ở Di Linh", channel="web"
    )
    IdentityAccessLog.objects.create(
        user=outsider, petition=phong_tho, reason="Xác minh ở Phong Thổ", channel="web"
    )
    ExportRecord.objects.create(
        user=recorder, unit=tree.commune_a1, subject="petitions", file_format="csv"
    )
    ExportRecord.objects.create(
        user=outsider, unit=tree.commune_b1, subject="petitions", file_format="csv"
    )
    client = logged_in(two_posts_admin)

    views = client.get("/admin/petitions/identityaccesslog/").content.decode()
    exports = client.get("/admin/reports/exportrecord/").content.decode()

    assert "Xác minh ở Di Linh" in views
    assert "Xác minh ở Phong Thổ" not in views
    assert str(recorder) in exports  # the list names people by their full names
    assert str(outsider) not in exports


def test_a_supervisor_who_is_a_cadre_elsewhere_sees_the_people_of_their_province_only(
    tree: Any, supervisor_b_cadre_a1: Any
) -> None:
    """The supervisor's group opens the people's pages; a cadre post in A1 shows nobody there."""
    in_b: Any = UserFactory(
        username="canbo_phong_tho", memberships=[(tree.commune_b1, Role.COMMUNE_CADRE)]
    )
    in_a1: Any = UserFactory(
        username="canbo_di_linh", memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)]
    )
    client = logged_in(supervisor_b_cadre_a1)

    people = client.get("/admin/org/user/").content.decode()
    own_page = client.get(f"/admin/org/user/{supervisor_b_cadre_a1.pk}/change/").content.decode()

    assert in_b.username in people
    assert in_a1.username not in people
    assert client.get(f"/admin/org/user/{in_a1.pk}/change/").status_code == 302  # as if absent
    assert "Xã Di Linh" in own_page  # one's own posts, all of them


def test_the_grants_a_supervisor_reads_are_those_of_units_where_they_may_grant(
    tree: Any, supervisor_b_cadre_a1: Any
) -> None:
    """Who may see denouncers in Di Linh is not shown to someone who is only a cadre there."""
    from tests.petitions.factories import IdentityGrantFactory

    officer: Any = UserFactory(memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    elsewhere: Any = UserFactory(memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])
    IdentityGrantFactory(user=officer, unit=tree.commune_a1, reason="Tổ xác minh ở Di Linh")
    IdentityGrantFactory(user=elsewhere, unit=tree.commune_b1, reason="Tổ xác minh ở Phong Thổ")
    IdentityGrantFactory(user=supervisor_b_cadre_a1, unit=tree.commune_a1)

    page = logged_in(supervisor_b_cadre_a1).get("/admin/petitions/identitygrant/")
    listed = page.content.decode()

    assert str(elsewhere) in listed  # province B: where the supervisor may grant
    assert str(officer) not in listed  # Di Linh: only a cadre there
    assert str(supervisor_b_cadre_a1) in listed  # one's own grant
