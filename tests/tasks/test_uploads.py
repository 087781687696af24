"""Directive files and progress evidence are checked by content, limited in size, renamed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.test import override_settings

from tasks.models import DirectiveFile, ProgressEvidence, ProgressReport, Task
from tests.tasks.factories import DirectiveFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"


def _progress(client: Any, task: Task, *files: SimpleUploadedFile) -> Any:
    return client.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"text": "Đã họp dân", "percent": 30, "evidence": list(files)},
        format="multipart",
    )


def test_evidence_of_a_wrong_type_is_refused_naming_the_field(
    api_as: Any, task_a1: Task, cadre_a: Any
) -> None:
    response = _progress(
        api_as(cadre_a), task_a1, SimpleUploadedFile("bien-ban.pdf", EXE, "application/pdf")
    )

    assert response.status_code == 400
    body = response.json()
    assert "evidence" in body["fields"]
    assert body["message"].startswith("Tệp minh chứng:"), body["message"]
    assert "PDF, JPEG" in body["message"]
    assert not ProgressReport.objects.exists() and not ProgressEvidence.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_oversized_evidence_is_refused(api_as: Any, task_a1: Task, cadre_a: Any) -> None:
    big = SimpleUploadedFile("anh.png", PNG + b"\x00" * 2048)

    response = _progress(api_as(cadre_a), task_a1, big)

    assert response.status_code == 400
    assert "evidence" in response.json()["fields"]
    assert not ProgressReport.objects.exists()


def test_good_evidence_is_stored_under_a_random_name(
    api_as: Any, task_a1: Task, cadre_a: Any
) -> None:
    response = _progress(
        api_as(cadre_a),
        task_a1,
        SimpleUploadedFile("../../etc/bien ban.pdf", PDF),
        SimpleUploadedFile("anh.png", PNG),
    )

    assert response.status_code == 201, response.json()
    assert [e["name"] for e in response.json()["evidence"]] == ["bien ban.pdf", "anh.png"]
    stored = sorted(str(e.file.name) for e in ProgressEvidence.objects.all())
    assert all(n.startswith("evidence/") and ".." not in n and "bien" not in n for n in stored)
    assert sorted(n.rsplit(".", 1)[1] for n in stored) == ["pdf", "png"]


@pytest.fixture
def directive(tree: Any) -> Any:
    return DirectiveFactory(issuing_unit=tree.province_a, issuer="TU", number="14")


def _attach(client: Any, directive: Any, upload: SimpleUploadedFile) -> Any:
    return client.post(
        f"/api/v1/directives/{directive.pk}/files/", {"file": upload}, format="multipart"
    )


def test_directive_file_of_a_wrong_type_is_refused(
    api_as: Any, directive: Any, supervisor: Any
) -> None:
    response = _attach(api_as(supervisor), directive, SimpleUploadedFile("14-CT.pdf", EXE))

    assert response.status_code == 400
    assert response.json()["message"].startswith("Tệp:")
    assert "file" in response.json()["fields"]
    assert not DirectiveFile.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_oversized_directive_file_is_refused(api_as: Any, directive: Any, supervisor: Any) -> None:
    response = _attach(
        api_as(supervisor), directive, SimpleUploadedFile("14-CT.pdf", PDF + b"0" * 2048)
    )

    assert response.status_code == 400
    assert "1 MB" not in response.json()["message"]
    assert not DirectiveFile.objects.exists()


def test_good_directive_file_is_kept_with_its_name_under_a_random_path(
    api_as: Any, directive: Any, supervisor: Any
) -> None:
    response = _attach(
        api_as(supervisor), directive, SimpleUploadedFile("C:\\scan\\14-CT.pdf", PDF)
    )

    assert response.status_code == 201
    attached = DirectiveFile.objects.get()
    assert attached.name == "14-CT.pdf"
    assert attached.file.name.startswith("directives/") and attached.file.name.endswith(".pdf")
    assert "14-CT" not in str(attached.file.name)


def test_the_admin_form_checks_content_too(directive: Any) -> None:
    Form = modelform_factory(DirectiveFile, fields=["file", "name"])

    bad = Form(
        data={"name": "x"},
        files={"file": SimpleUploadedFile("x.pdf", EXE)},
        instance=DirectiveFile(directive=directive),
    )
    good = Form(
        data={"name": "x"},
        files={"file": SimpleUploadedFile("x.png", PNG)},
        instance=DirectiveFile(directive=directive),
    )

    assert not bad.is_valid() and "PDF" in bad.errors["file"][0]
    assert good.is_valid(), good.errors
