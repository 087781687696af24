"""Saved views: a person's named filters of the petitions and tasks lists, theirs alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError

from danvan.core import saved_views
from danvan.core.errors import ServiceError
from danvan.core.models import SavedView


def save(client: Any, **data: str) -> Any:
    return client.post("/saved-views/", data)


def test_a_saved_view_is_a_quick_link_on_its_list(client: Any, supervisor: Any) -> None:
    client.force_login(supervisor)

    response = save(
        client,
        list_name="tasks",
        name="Chờ tôi duyệt",
        querystring="status=in_progress&awaiting_my_approval=1&before=40",
    )

    assert response.status_code == 302
    assert response["Location"] == "/tasks/?status=in_progress&awaiting_my_approval=1"
    html = client.get("/tasks/").content.decode()
    assert 'href="?status=in_progress&amp;awaiting_my_approval=1">Chờ tôi duyệt</a>' in html
    assert "Lưu bộ lọc này" not in html  # nothing filtered: nothing to save
    assert "Lưu bộ lọc này" in client.get("/tasks/?status=overdue").content.decode()


def test_saving_the_same_name_again_replaces_its_filters(client: Any, handler_a: Any) -> None:
    client.force_login(handler_a)
    save(client, list_name="petitions", name="Quá hạn", querystring="state=overdue")

    save(client, list_name="petitions", name=" Quá  hạn ", querystring="state=due_soon&q=đất")

    (view,) = SavedView.objects.filter(owner=handler_a)
    assert view.name == "Quá hạn"
    assert view.querystring == "state=due_soon&q=%C4%91%E1%BA%A5t"
    assert "Quá hạn</a>" in client.get("/petitions/").content.decode()


def test_only_the_owner_sees_and_deletes_a_view(
    client: Any, supervisor: Any, handler_a: Any
) -> None:
    mine = saved_views.saved_view_save(
        actor=supervisor, list_name="tasks", name="Của tôi", querystring="status=overdue"
    )
    client.force_login(handler_a)

    assert "Của tôi" not in client.get("/tasks/").content.decode()
    assert client.post(f"/saved-views/{mine.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=mine.pk).exists()

    client.force_login(supervisor)
    response = client.post(f"/saved-views/{mine.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/tasks/"
    assert not SavedView.objects.filter(pk=mine.pk).exists()
    assert client.get(f"/saved-views/{mine.pk}/delete/").status_code == 405


@pytest.mark.parametrize(
    ("querystring", "kept"),
    [
        ("state=overdue&evil=1&unit=3", "state=overdue"),
        ("?q=đất+đại&state=nonsense", "q=%C4%91%E1%BA%A5t+%C4%91%E1%BA%A1i"),
    ],
)
def test_only_known_filters_are_kept(querystring: str, kept: str) -> None:
    assert saved_views.clean_querystring("petitions", querystring) == kept


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"list_name": "tasks", "name": "Rác", "querystring": "evil=1&status=nonsense"},
            "Bộ lọc: Chưa có gì để lưu",
        ),
        ({"list_name": "tasks", "name": "  ", "querystring": "status=overdue"}, "Tên bộ lọc: "),
        ({"list_name": "tasks", "name": "x" * 81, "querystring": "status=overdue"}, "Tên bộ lọc"),
    ],
)
def test_a_bad_view_is_refused_with_a_400_naming_the_field(
    client: Any, supervisor: Any, data: dict[str, str], message: str
) -> None:
    client.force_login(supervisor)

    response = save(client, **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SavedView.objects.exists()


def test_an_unknown_list_is_a_400(client: Any, supervisor: Any) -> None:
    client.force_login(supervisor)

    response = save(client, list_name="secrets", name="x", querystring="a=1")

    assert response.status_code == 400
    assert not SavedView.objects.exists()


def test_names_are_unique_per_owner_and_list(supervisor: Any, handler_a: Any) -> None:
    for owner in (supervisor, handler_a):
        for list_name in ("tasks", "petitions"):
            SavedView.objects.create(owner=owner, list_name=list_name, name="A", querystring="q=1")

    with pytest.raises(IntegrityError):
        SavedView.objects.create(owner=supervisor, list_name="tasks", name="A", querystring="q=2")


def test_a_person_keeps_at_most_thirty_per_list(supervisor: Any) -> None:
    for n in range(saved_views.MAX_PER_LIST):
        saved_views.saved_view_save(
            actor=supervisor, list_name="tasks", name=f"V{n}", querystring="q=x"
        )

    with pytest.raises(ServiceError) as refused:
        saved_views.saved_view_save(
            actor=supervisor, list_name="tasks", name="one more", querystring="q=x"
        )
    assert refused.value.field == "name"


def test_saving_needs_sign_in(client: Any, db: Any) -> None:
    response = save(client, list_name="tasks", name="x", querystring="status=overdue")

    assert response.status_code == 302
    assert not SavedView.objects.exists()
