"""
Intake through the API (issue 14, point 3): a create costs a fixed, small number of SQL
statements, answers its 201 from what it has just written (the body is the detail a GET
answers next, ETag included), and the rare races the optimistic create leaves are replayed.
"""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from danvan.org.models import Role
from petitions.models import Petition, PetitionCodeCounter, Petitioner
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory, PetitionFieldFactory

URL = "/api/v1/petitions/"

# What a create costs, statement by statement, outside any test transaction (the count a
# production request makes): the user, their memberships (the one rule), the idempotency claim
# (ON CONFLICT DO NOTHING, no savepoint), the units (one read), the code counter (one upsert),
# the clock's policy, the petitioner (one upsert), the petition (one INSERT, clock and search
# text already in it), its petitioner link, its event; and the transaction's BEGIN and
# COMMIT, which Django counts as statements on PostgreSQL and SQLite alike.
WITH_KEY = [
    "user",
    "memberships",
    "claim",
    "units",
    "counter",
    "policy",
    "petitioner",  # one upsert on the CCCD's unique index: inserted, or the known one
    "petition+",
    "party+",
    "event+",
]
TRANSACTION = 2
MAX_STATEMENTS = 12


def body(tree, **overrides):
    values = {
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.village_a1.pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "mobile_app",
        "kind": "complaint",
        "summary": "Khiếu nại về đất đai",
        "content": "Chưa được giao đất ở",
        "petitioners": [
            {"full_name": "Nguyễn Văn Nam", "citizen_id": "068090001234", "phone": "0912345678"}
        ],
    }
    values.update(overrides)
    return values


def _statements(queries):
    # Leave out the calendar's freshness check (time-driven, not the create's).
    return [q["sql"] for q in queries.captured_queries if "calendar_calendar" not in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_a_create_with_one_petitioner_takes_at_most_12_statements(
    api_as, cadre_a, tree, count_queries
):
    client = api_as(cadre_a)
    client.get("/api/v1/me/")  # warm: nothing of the create's is cached by it
    with count_queries() as queries:
        response = client.post(URL, body(tree), format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    statements = _statements(queries)

    assert response.status_code == 201, response.json()
    assert len(statements) == len(WITH_KEY) + TRANSACTION <= MAX_STATEMENTS, "\n".join(statements)
    assert not [s for s in statements if s.startswith(("SAVEPOINT", "RELEASE"))]
    assert not [s for s in statements if s.startswith("UPDATE")]  # inserted once, complete
    assert not [s for s in statements if 'FROM "petitions_extension"' in s]
    assert not [s for s in statements if 'FROM "petitions_suspension"' in s]

    # Without a key: no claim. A known petitioner (same CCCD): the same one statement.
    with count_queries() as queries:
        again = client.post(URL, body(tree, summary="Lần hai"), format="json")
    assert again.status_code == 201, again.json()
    assert len(_statements(queries)) == len(WITH_KEY) - 1 + TRANSACTION, queries
    assert Petitioner.objects.count() == 1

    # The year's counter carried on; the clock and the search text are in the row.
    first, second = Petition.objects.order_by("id")
    assert (first.code[-6:], second.code[-6:]) == ("000001", "000002")
    assert PetitionCodeCounter.objects.get(unit=tree.commune_a1).last_value == 2
    assert first.due_date and first.clock_stage == "acceptance"
    assert "nguyen van nam" in first.search_text


@pytest.mark.django_db(transaction=True)
def test_respondents_and_a_field_add_one_statement_each(api_as, cadre_a, tree, count_queries):
    field = PetitionFieldFactory(parent=PetitionFieldFactory())
    client = api_as(cadre_a)
    with count_queries() as queries:
        response = client.post(
            URL,
            body(
                tree,
                field=field.pk,
                respondents=[{"name": "UBND xã"}, {"name": "Ông Trần Văn B", "kind": "person"}],
            ),
            format="json",
            HTTP_IDEMPOTENCY_KEY="m-2",
        )
    assert response.status_code == 201, response.json()
    assert len(_statements(queries)) == len(WITH_KEY) + 2 + TRANSACTION, queries


def _same_as_its_detail(client, response):
    assert response.status_code == 201, response.json()
    detail = client.get(f"{URL}{response.json()['id']}/")
    assert detail.status_code == 200
    assert response.json() == detail.json()
    assert response["ETag"] == detail["ETag"] == f'"{response.json()["id"]}-1"'


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        # A denunciation: the denouncer's identity hidden in the 201 as in the detail.
        {
            "kind": "denunciation",
            "respondents": [{"name": "Ông Trần Văn B", "kind": "person", "position": "Cán bộ"}],
        },
        # Anonymous, collective, placed on the map, several places, complex.
        {
            "kind": "feedback",
            "petitioners": [],
            "is_anonymous": True,
            "is_collective": True,
            "head_count": 12,
            "latitude": "11.940419",
            "longitude": "108.45",
            "complexity": "complex",
            "address": "  Thôn 3  ",
        },
        # Several petitioners, one named twice (linked once), one known already.
        {
            "petitioners": [
                {"full_name": "Nguyễn  Văn Nam", "citizen_id": "068090001234"},
                {"full_name": "Lê Thị Hoa", "phone": "0987654321", "email": "hoa@example.vn"},
                {"full_name": "Nguyễn Văn Nam", "citizen_id": "068090001234"},
            ],
            "is_eligible": False,
            "ineligibility_reason": "Quá thời hiệu",
        },
    ],
    ids=["complaint", "denunciation", "anonymous-collective", "several-petitioners"],
)
def test_the_201_is_the_detail_a_get_answers_next(api_as, cadre_a, tree, overrides):
    client = api_as(cadre_a)
    _same_as_its_detail(client, client.post(URL, body(tree, **overrides), format="json"))


def test_the_201_of_a_field_a_session_and_a_handling_unit_is_the_detail(api_as, supervisor, tree):
    field = PetitionFieldFactory(parent=PetitionFieldFactory())
    client = api_as(supervisor)
    session = client.post(
        "/api/v1/reception-sessions/",
        {
            "unit": tree.commune_a1.pk,
            "held_on": timezone.localdate().isoformat(),
            "leader_name": "Chủ tịch UBND xã",
        },
        format="json",
    )
    assert session.status_code == 201, session.json()
    response = client.post(
        URL,
        body(
            tree,
            field=field.pk,
            receiving_unit=None,
            reception_session=session.json()["id"],
            handling_unit=tree.province_a.pk,
        ),
        format="json",
        HTTP_IDEMPOTENCY_KEY="with-session",
    )
    _same_as_its_detail(client, response)
    assert response.json()["field"]["name"] == str(field)
    assert response.json()["channel"] == "reception"


def test_the_201_of_a_repeat_shows_its_link(api_as, cadre_a, handler_a, tree):
    earlier = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))
    client = api_as(cadre_a)
    response = client.post(URL, body(tree, duplicate_of=earlier.pk), format="json")
    _same_as_its_detail(client, response)
    assert [link["target"] for link in response.json()["links"]] == [earlier.pk]


def test_a_retry_answers_the_first_petition_read_again(api_as, cadre_a, tree):
    client = api_as(cadre_a)
    first = client.post(URL, body(tree), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post(URL, body(tree), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    other = client.post(
        URL, body(tree, summary="Khác"), format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 422)
    assert again.json() == first.json()
    assert Petition.objects.count() == 1


def test_a_client_id_of_someone_elses_petition_is_settled_as_before(api_as, cadre_a, cadre_b, tree):
    """The optimistic create meets the unique client id, is rolled back and replayed."""
    client_id = str(uuid.uuid4())
    theirs = api_as(cadre_b).post(
        URL,
        body(tree, receiving_unit=tree.commune_a2.pk, location_unit=tree.commune_a2.pk),
        format="json",
        HTTP_IDEMPOTENCY_KEY=client_id,
    )
    assert theirs.status_code == 201, theirs.json()

    # Another commune's cadre may not see it: a conflict, and nothing written.
    refused = api_as(cadre_a).post(URL, body(tree), format="json", HTTP_IDEMPOTENCY_KEY=client_id)
    assert refused.status_code == 409, refused.json()
    assert refused.json()["code"] == "client_id_taken"
    assert Petition.objects.count() == 1
    assert PetitionCodeCounter.objects.filter(unit=tree.commune_a1).count() == 0

    # A colleague of the same commune sees it: it is the answer (200), as before.
    colleague = UserFactory(memberships=[(tree.commune_a2, Role.COMMUNE_CADRE)])
    same = api_as(colleague).post(
        URL,
        body(tree, receiving_unit=tree.commune_a2.pk, location_unit=tree.commune_a2.pk),
        format="json",
        HTTP_IDEMPOTENCY_KEY=client_id,
    )
    assert same.status_code == 200, same.json()
    assert same.json()["id"] == theirs.json()["id"]
    assert Petition.objects.count() == 1
