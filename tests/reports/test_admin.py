"""The export log in the admin: administrators read it, scoped; nobody edits it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from reports.models import ExportRecord


def test_administrator_reads_the_export_log(
    world: Any, administrator: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    b"".join(api_as(supervisor).get("/api/v1/reports/exports/petitions.csv").streaming_content)
    assert ExportRecord.objects.count() == 1
    client = Client()
    client.force_login(administrator)
    response = client.get("/admin/reports/exportrecord/")
    assert response.status_code == 200
    assert supervisor.username in response.content.decode() or str(supervisor) in (
        response.content.decode()
    )
    assert client.get("/admin/reports/exportrecord/add/").status_code == 403


def test_a_commune_cadre_cannot_read_the_export_log(world: Any, cadre_a: Any) -> None:
    client = Client()
    client.force_login(cadre_a)
    assert client.get("/admin/reports/exportrecord/").status_code in (302, 403)
