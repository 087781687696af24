"""
A commune office's day against the API (Xã Di Linh, Lâm Đồng), for `bench/load.sh`.

Three kinds of people, weighted like a real office: cadres who take in petitions and look
things up, handlers who work their petitions through the steps, and the province supervisor
who reads lists and the sync feed for reports. Each simulated person signs in once
(POST /api/v1/auth/token/) with the demo accounts and then keeps its bearer token.

Every write touches only rows the same simulated person created (no lost-race 409/412 by
design): an error here is a real error. LOCUST_PASSWORD holds the demo accounts' password.
"""

from __future__ import annotations

import datetime
import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOCUST_PASSWORD", "")
SEARCHES = ["đất", "dat dai", "đường", "tố cáo", "môi trường", "Di Linh", "bồi thường"]


class OfficePerson(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    username = ""

    def on_start(self) -> None:
        response = self.client.post(
            "/api/v1/auth/token/",
            json={"username": self.username, "password": PASSWORD},
            name="/api/v1/auth/token/",
        )
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {response.json()['access']}"
        me = self.client.get("/api/v1/me/", name="/api/v1/me/").json()
        self.unit_id = me["memberships"][0]["unit"]["id"]
        self.mine: list[int] = []

    # --- shared steps --------------------------------------------------------------------
    def list_petitions(self, **params: Any) -> list[dict[str, Any]]:
        response = self.client.get(
            "/api/v1/petitions/", params={"page_size": 20, **params}, name="/api/v1/petitions/"
        )
        return response.json().get("results", []) if response.ok else []

    def intake(self) -> None:
        today = datetime.date.today().isoformat()
        body = {
            "receiving_unit": self.unit_id,
            "location_unit": self.unit_id,
            "received_on": today,
            "channel": random.choice(["post", "reception", "hotline"]),
            "kind": random.choice(["recommendation", "complaint", "feedback"]),
            "summary": f"Kiến nghị về {random.choice(SEARCHES)} ({uuid.uuid4().hex[:6]})",
            "content": "Công dân đề nghị xem xét, giải quyết.",
            "petitioners": [{"full_name": "Nguyễn Văn Thử", "phone": "0912345678"}],
        }
        response = self.client.post(
            "/api/v1/petitions/",
            json=body,
            headers={"Idempotency-Key": str(uuid.uuid4())},
            name="/api/v1/petitions/ [create]",
        )
        if response.status_code == 201:
            self.mine.append(response.json()["id"])

    def edit_own(self) -> None:
        if not self.mine:
            return
        pk = random.choice(self.mine)
        detail = self.client.get(f"/api/v1/petitions/{pk}/", name="/api/v1/petitions/{id}/")
        if not detail.ok:
            return
        self.client.patch(
            f"/api/v1/petitions/{pk}/",
            json={"content": f"Bổ sung thông tin {uuid.uuid4().hex[:8]}"},
            headers={"If-Match": detail.headers["ETag"]},
            name="/api/v1/petitions/{id}/ [patch]",
        )


class Cadre(OfficePerson):
    """Commune cadre: intake at the reception desk, look-ups, own notifications."""

    weight = 3
    username = "canbo.dilinh"

    @task(3)
    def take_in(self) -> None:
        self.intake()

    @task(4)
    def browse(self) -> None:
        self.list_petitions()
        self.client.get("/api/v1/notifications/unread-count/", name="/api/v1/notifications/")

    @task(3)
    def search(self) -> None:
        self.list_petitions(search=random.choice(SEARCHES))

    @task(1)
    def task_list(self) -> None:
        self.client.get("/api/v1/tasks/", name="/api/v1/tasks/")


class Handler(OfficePerson):
    """Petition handler: takes in, updates and accepts own petitions, reads timelines."""

    weight = 2
    username = "xuly.dilinh"

    @task(2)
    def take_in(self) -> None:
        self.intake()

    @task(3)
    def update(self) -> None:
        self.edit_own()

    @task(2)
    def accept(self) -> None:
        if not self.mine:
            return
        pk = self.mine.pop(0)  # each petition is accepted once, by the person who created it
        self.client.post(
            f"/api/v1/petitions/{pk}/accept/",
            json={"reason": "Đủ điều kiện thụ lý"},
            name="/api/v1/petitions/{id}/accept/",
        )
        self.client.get(
            f"/api/v1/petitions/{pk}/timeline/", name="/api/v1/petitions/{id}/timeline/"
        )

    @task(3)
    def worklist(self) -> None:
        self.list_petitions(status=["received", "accepted"])
        self.list_petitions(deadline_state="due_soon")


class Supervisor(OfficePerson):
    """Province supervisor: reports, overdue lists, the sync feed, tasks."""

    weight = 1
    username = "bdv.lamdong"

    @task(2)
    def overdue(self) -> None:
        self.list_petitions(deadline_state="overdue")

    @task(2)
    def report_feed(self) -> None:
        since = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)).isoformat()
        self.client.get(
            "/api/v1/petitions/sync/",
            params={"updated_since": since, "limit": 200},
            name="/api/v1/petitions/sync/",
        )

    @task(2)
    def reports(self) -> None:
        self.client.get("/api/v1/reports/petitions/", name="/api/v1/reports/petitions/")
        self.client.get("/api/v1/reports/overdue/", name="/api/v1/reports/overdue/")

    @task(1)
    def task_list(self) -> None:
        self.client.get("/api/v1/tasks/", name="/api/v1/tasks/")
        self.client.get("/api/v1/directives/", name="/api/v1/directives/")
