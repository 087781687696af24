"""
A progress report's photos: several from the page (or the camera), kept across a validation
error, and reaching the supervisor through a scoped download, never a /media/ address.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from danvan.org.models import Role
from tasks.models import DirectiveFile, ProgressEvidence, ProgressReport, Task
from tests.factories import UserFactory
from tests.tasks.factories import DirectiveFactory
from tests.tasks.test_pages import report_data

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def two_posts(tree: Any) -> Any:
    """Commune cadre at A2 and petition handler in province B: no post near commune A1."""
    return UserFactory(
        username="kiem_nhiem",
        memberships=[
            (tree.commune_a2, Role.COMMUNE_CADRE),
            (tree.province_b, Role.PETITION_HANDLER),
        ],
    )


def report(client: Any, task: Task, **overrides: Any) -> Any:
    return client.post(f"/tasks/{task.pk}/report/", report_data(**overrides))


def kept_tokens(html: str) -> list[str]:
    return re.findall(r'name="evidence_kept" value="([^"]+)"', html)


def test_report_form_takes_several_photos_and_the_camera(
    client: Any, cadre_a: Any, task_a1: Task
) -> None:
    client.force_login(cadre_a)

    html = client.get(f"/tasks/{task_a1.pk}/").content.decode()

    field = re.search(r'<input type="file" name="evidence"[^>]*>', html)
    assert field and "multiple" in field.group(0) and "image/*" in field.group(0)
    camera = re.search(r'<input type="file" name="evidence_camera"[^>]*>', html)
    assert camera and 'capture="environment"' in camera.group(0)


def test_photo_survives_a_validation_error(client: Any, cadre_a: Any, task_a1: Task) -> None:
    client.force_login(cadre_a)

    refused = report(
        client,
        task_a1,
        percent=150,
        evidence=[SimpleUploadedFile("hien-dat.jpg", JPEG)],
        evidence_camera=[SimpleUploadedFile("IMG_2001.jpg", JPEG)],
    )

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Tiến độ phải là số nguyên từ 0 đến 100." in html
    assert "hien-dat.jpg" in html and "IMG_2001.jpg" in html and "không cần chọn lại" in html
    assert not ProgressReport.objects.exists()

    sent = report(client, task_a1, percent=60, evidence_kept=kept_tokens(html))

    assert sent.status_code == 302
    names = sorted(ProgressEvidence.objects.values_list("name", flat=True))
    assert names == ["IMG_2001.jpg", "hien-dat.jpg"]


def test_a_bad_photo_names_the_field_and_the_file(client: Any, cadre_a: Any, task_a1: Task) -> None:
    client.force_login(cadre_a)

    response = report(
        client,
        task_a1,
        evidence=[
            SimpleUploadedFile("bien-ban.pdf", PDF),
            SimpleUploadedFile("setup.jpg", b"MZ\x90\x00 not an image"),
        ],
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp minh chứng (ảnh chụp, bản quét): setup.jpg: Chỉ nhận tệp PDF, JPEG và PNG" in html
    assert len(kept_tokens(html)) == 1
    assert not ProgressReport.objects.exists() and not ProgressEvidence.objects.exists()


def test_the_photo_reaches_the_supervisor_and_no_one_else(
    client: Any,
    tree: Any,
    cadre_a: Any,
    cadre_b: Any,
    supervisor: Any,
    two_posts: Any,
    task_a1: Task,
) -> None:
    client.force_login(cadre_a)
    report(client, task_a1, evidence=[SimpleUploadedFile("hien-dat.jpg", JPEG)])
    evidence = ProgressEvidence.objects.get()
    download = f"/tasks/{task_a1.pk}/evidence/{evidence.pk}/"

    # The province's supervisor (the issuing unit, above the commune) opens it.
    client.force_login(supervisor)
    html = client.get(f"/tasks/{task_a1.pk}/").content.decode()
    assert f'href="{download}"' in html and "/media/" not in html
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert 'filename="hien-dat.jpg"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]

    # Another commune's cadre and a person with two posts elsewhere: as if it did not exist.
    for outsider in (cadre_b, two_posts):
        client.force_login(outsider)
        assert client.get(download).status_code == 404
    # Through another task's address: 404 too.
    other = Task.objects.create(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Khác", created_by=cadre_a
    )
    client.force_login(supervisor)
    assert client.get(f"/tasks/{other.pk}/evidence/{evidence.pk}/").status_code == 404
    client.logout()
    assert client.get(download).status_code == 302  # to the sign-in

    # Guessing the stored address gives nothing, DEBUG or not.
    client.force_login(supervisor)
    assert client.get(f"/media/{evidence.file.name}").status_code == 404
    with override_settings(DEBUG=True):
        assert client.get(f"/media/{evidence.file.name}").status_code == 404


def test_api_gives_scoped_download_urls(
    api_as: Any, cadre_a: Any, cadre_b: Any, supervisor: Any, task_a1: Task
) -> None:
    sent = api_as(cadre_a).post(
        f"/api/v1/tasks/{task_a1.pk}/progress/",
        {"text": "Đã họp dân", "percent": 30, "evidence": [SimpleUploadedFile("a.jpg", JPEG)]},
        format="multipart",
    )
    assert sent.status_code == 201
    evidence = ProgressEvidence.objects.get()
    url = f"http://testserver/api/v1/tasks/{task_a1.pk}/evidence/{evidence.pk}/"
    assert sent.json()["evidence"] == [{"name": "a.jpg", "url": url}]

    listed = api_as(supervisor).get(f"/api/v1/tasks/{task_a1.pk}/progress/").json()
    assert listed[0]["evidence"][0]["url"] == url
    response = api_as(supervisor).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert 'filename="a.jpg"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == JPEG
    assert api_as(cadre_b).get(url).status_code == 404


def test_directive_files_are_downloaded_through_the_api(api_as: Any, cadre_a: Any) -> None:
    directive = DirectiveFactory()
    stored = DirectiveFile(directive=directive, name="66-CTr-TU.pdf")
    stored.file.save("upload.pdf", ContentFile(PDF), save=True)

    detail = api_as(cadre_a).get(f"/api/v1/directives/{directive.pk}/").json()

    url = f"http://testserver/api/v1/directives/{directive.pk}/files/{stored.pk}/"
    assert detail["files"] == [{"name": "66-CTr-TU.pdf", "url": url}]
    response = api_as(cadre_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert api_as(cadre_a).get(f"/api/v1/directives/{directive.pk}/files/999/").status_code == 404


def test_the_admin_links_a_directive_file_to_its_scoped_download(
    client: Any, tree: Any, supervisor: Any
) -> None:
    from tasks import services

    directive = services.directive_create(
        actor=supervisor,
        number_text="Chỉ thị 14-CT/TU",
        title="Dân vận chính quyền",
        issuing_unit=tree.province_a,
    )
    stored = DirectiveFile(directive=directive, name="14-CT-TU.pdf")
    stored.file.save("upload.pdf", ContentFile(PDF), save=True)
    # The files inline is shown to those with the model's admin permissions: a superuser here.
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    html = client.get(f"/admin/tasks/directive/{directive.pk}/change/").content.decode()

    link = f"/tasks/directives/{directive.pk}/files/{stored.pk}/"
    assert f'href="{link}"' in html and "/media/" not in html
    response = client.get(link)
    assert (
        response.status_code == 200 and 'filename="14-CT-TU.pdf"' in response["Content-Disposition"]
    )


def test_a_download_costs_a_fixed_few_queries(
    client: Any, cadre_a: Any, supervisor: Any, task_a1: Task, django_assert_num_queries: Any
) -> None:
    client.force_login(cadre_a)
    for n in range(3):
        report(
            client,
            task_a1,
            client_id=f"6f1d8a52-3c1e-4c55-9a55-0b3e5d2a7c1{n}",
            evidence=[SimpleUploadedFile(f"anh-{n}.jpg", JPEG)],
        )
    evidence = ProgressEvidence.objects.order_by("pk").last()
    assert evidence is not None
    client.force_login(supervisor)

    # session, user, the person's posts (scope), the scope's unit ids, the evidence joined to
    # its visible task
    with django_assert_num_queries(5):
        response = client.get(f"/tasks/{task_a1.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 200
