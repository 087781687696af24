"""
Files from the web: several at once on the intake form and the petition's page, kept across a
validation error, checked like the API's, and downloaded only through the scoped view.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from danvan.org.models import Role
from petitions.models import Attachment, Petition
from tests.factories import UserFactory
from tests.petitions.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, PetitionFactory
from tests.petitions.test_pages import form_data

EXE = b"MZ\x90\x00 this program cannot be run in DOS mode"


def files(*named: tuple[str, bytes]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, data) for name, data in named]


def kept_tokens(html: str, field: str = "attachments") -> list[str]:
    return re.findall(rf'name="{field}_kept" value="([^"]+)"', html)


@pytest.fixture
def two_posts(tree: Any) -> Any:
    """Administrator at Xã Di Linh (A1: sees, may not attach), commune cadre at A2."""
    return UserFactory(
        username="kiem_nhiem",
        memberships=[(tree.commune_a1, Role.ADMINISTRATOR), (tree.commune_a2, Role.COMMUNE_CADRE)],
    )


# --- Intake -----------------------------------------------------------------------------------
def test_intake_form_offers_several_files_and_the_camera(client: Any, cadre_a: Any) -> None:
    client.force_login(cadre_a)

    html = client.get("/petitions/new/").content.decode()

    assert 'enctype="multipart/form-data"' in html
    field = re.search(r'<input type="file" name="attachments"[^>]*>', html)
    assert field and "multiple" in field.group(0)
    assert 'accept="image/*,application/pdf' in field.group(0)
    camera = re.search(r'<input type="file" name="attachments_camera"[^>]*>', html)
    assert camera and 'capture="environment"' in camera.group(0)
    assert "Chụp ảnh" in html


def test_intake_saves_the_petition_with_its_files(client: Any, tree: Any, cadre_a: Any) -> None:
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        {
            **form_data(tree),
            "attachments": files(("don.pdf", PDF_BYTES), ("anh-thua-dat.jpg", JPEG_BYTES)),
            "attachments_camera": files(("IMG_0001.png", PNG_BYTES)),
        },
    )

    assert response.status_code == 302
    petition = Petition.objects.get()
    stored = sorted(petition.attachments.values_list("original_name", "content_type"))
    assert stored == [
        ("IMG_0001.png", "image/png"),
        ("anh-thua-dat.jpg", "image/jpeg"),
        ("don.pdf", "application/pdf"),
    ]
    # Stored under random names, never the citizen's file name.
    assert all("don" not in str(a.file.name) for a in petition.attachments.all())


def test_intake_error_keeps_the_files_then_saves_them(client: Any, tree: Any, cadre_a: Any) -> None:
    client.force_login(cadre_a)

    first = client.post(
        "/petitions/new/",
        {
            **form_data(tree, summary=""),
            "attachments": files(("don.pdf", PDF_BYTES), ("anh.jpg", JPEG_BYTES)),
        },
    )

    html = first.content.decode()
    assert 'data-field="summary"' in html and "errorlist" in html
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    kept = kept_tokens(html)
    assert len(kept) == 2
    assert "không cần chọn lại" in html and "don.pdf" in html and "anh.jpg" in html

    # The cadre fixes the summary and leaves one file out; nothing is chosen again.
    second = client.post(
        "/petitions/new/",
        {**form_data(tree), "attachments_kept": kept[:1]},
    )

    assert second.status_code == 302
    assert list(Petition.objects.get().attachments.values_list("original_name", flat=True)) == [
        "don.pdf"
    ]


def test_intake_refuses_a_bad_file_naming_the_field_and_writes_nothing(
    client: Any, tree: Any, cadre_a: Any
) -> None:
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        {
            **form_data(tree),
            "attachments": files(("don.pdf", PDF_BYTES), ("virus.pdf", EXE)),
        },
    )

    html = response.content.decode()
    error = html.split('data-field="attachments"', 1)[1].split("</ul>", 1)[0]
    assert "Tệp đính kèm (bản quét, ảnh chụp): virus.pdf: Chỉ nhận tệp PDF, JPEG và PNG" in error
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    # The good one is kept; the bad one is not.
    assert len(kept_tokens(html)) == 1


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_intake_refuses_a_file_over_the_limit(client: Any, tree: Any, cadre_a: Any) -> None:
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        {**form_data(tree), "attachments": files(("to.png", PNG_BYTES + b"\x00" * 1_600_000))},
    )

    html = response.content.decode()
    assert "to.png: Tệp quá lớn (1.5 MB); giới hạn là 1 MB." in html
    assert not Petition.objects.exists()


def test_a_kept_file_token_works_only_for_its_owner(
    client: Any, tree: Any, cadre_a: Any, handler_a: Any
) -> None:
    client.force_login(cadre_a)
    kept = kept_tokens(
        client.post(
            "/petitions/new/",
            {**form_data(tree, summary=""), "attachments": files(("don.pdf", PDF_BYTES))},
        ).content.decode()
    )
    client.force_login(handler_a)

    response = client.post("/petitions/new/", {**form_data(tree), "attachments_kept": kept})

    assert "Vui lòng chọn lại tệp" in response.content.decode()
    assert not Petition.objects.exists()


# --- The petition's page ---------------------------------------------------------------------
def attach(client: Any, petition: Petition, *named: tuple[str, bytes]) -> Any:
    return client.post(f"/petitions/{petition.pk}/attachments/", {"attachments": files(*named)})


def test_cadre_adds_files_on_the_petition_page(client: Any, tree: Any, cadre_a: Any) -> None:
    petition = PetitionFactory(actor=cadre_a, unit=tree.commune_a1)
    client.force_login(cadre_a)
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert f'action="/petitions/{petition.pk}/attachments/"' in page

    response = attach(client, petition, ("bien-ban.pdf", PDF_BYTES), ("anh.png", PNG_BYTES))

    assert response.status_code == 302 and response["Location"].endswith("#attachments")
    html = client.get(response["Location"]).content.decode()
    assert "Đã đính kèm 2 tệp." in html
    for a in petition.attachments.all():
        assert f'href="/petitions/{petition.pk}/attachments/{a.pk}/"' in html
    assert "/media/" not in html


def test_one_bad_file_on_the_page_adds_none(client: Any, tree: Any, cadre_a: Any) -> None:
    petition = PetitionFactory(actor=cadre_a, unit=tree.commune_a1)
    version = petition.version
    client.force_login(cadre_a)

    response = attach(client, petition, ("bien-ban.pdf", PDF_BYTES), ("x.png", EXE))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp cần đính kèm (bản quét, ảnh chụp): x.png:" in html
    assert len(kept_tokens(html)) == 1  # the good one stays chosen
    petition.refresh_from_db()
    assert not petition.attachments.exists() and petition.version == version


def test_nothing_chosen_says_so(client: Any, tree: Any, cadre_a: Any) -> None:
    petition = PetitionFactory(actor=cadre_a, unit=tree.commune_a1)
    client.force_login(cadre_a)

    response = client.post(f"/petitions/{petition.pk}/attachments/", {})

    assert response.status_code == 400
    assert "Vui lòng chọn ít nhất một tệp hoặc chụp ảnh." in response.content.decode()


def test_who_may_attach_and_download(
    client: Any, tree: Any, cadre_a: Any, cadre_b: Any, supervisor: Any, two_posts: Any
) -> None:
    petition = PetitionFactory(actor=cadre_a, unit=tree.commune_a1)
    client.force_login(cadre_a)
    attach(client, petition, ("don-goc.pdf", PDF_BYTES))
    attachment = petition.attachments.get()
    download = f"/petitions/{petition.pk}/attachments/{attachment.pk}/"

    # The supervisor above: sees, attaches, downloads.
    client.force_login(supervisor)
    assert "Thêm tệp đính kèm" in client.get(f"/petitions/{petition.pk}/").content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="don-goc.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"

    # Another commune's cadre: nothing, not even that it exists.
    client.force_login(cadre_b)
    assert client.get(download).status_code == 404
    assert attach(client, petition, ("x.pdf", PDF_BYTES)).status_code == 404

    # Two posts: sees A1's petition as its administrator (who attaches nothing); the cadre post
    # at A2 does not act at A1.
    client.force_login(two_posts)
    assert client.get(download).status_code == 200
    assert "Thêm tệp đính kèm" not in client.get(f"/petitions/{petition.pk}/").content.decode()
    assert attach(client, petition, ("x.pdf", PDF_BYTES)).status_code == 403
    assert petition.attachments.count() == 1


def test_no_file_is_reachable_under_media(client: Any, tree: Any, cadre_a: Any) -> None:
    petition = PetitionFactory(actor=cadre_a, unit=tree.commune_a1)
    client.force_login(cadre_a)
    attach(client, petition, ("don.pdf", PDF_BYTES))
    stored = petition.attachments.get().file.name

    assert client.get(f"/media/{stored}").status_code == 404
    with override_settings(DEBUG=True):
        assert client.get(f"/media/{stored}").status_code == 404


# --- The API's addresses ---------------------------------------------------------------------
def test_api_attachment_urls_are_the_scoped_download(
    api_as: Any, tree: Any, cadre_a: Any, cadre_b: Any, supervisor: Any
) -> None:
    petition = PetitionFactory(actor=cadre_a, unit=tree.commune_a1)
    sent = api_as(cadre_a).post(
        f"/api/v1/petitions/{petition.pk}/attachments/",
        {"file": SimpleUploadedFile("don.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert sent.status_code == 201
    attachment = petition.attachments.get()
    url = f"http://testserver/api/v1/petitions/{petition.pk}/attachments/{attachment.pk}/"
    assert sent.json()["url"] == url
    detail = api_as(supervisor).get(f"/api/v1/petitions/{petition.pk}/").json()
    assert detail["attachments"][0]["url"] == url

    response = api_as(supervisor).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert 'filename="don.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert api_as(cadre_b).get(url).status_code == 404


def test_api_gives_no_download_of_a_denunciations_files(
    api_as: Any, tree: Any, handler_a: Any
) -> None:
    from petitions.models import PetitionKind
    from tests.petitions.factories import AttachmentFactory

    denunciation = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.DENUNCIATION
    )
    attachment = AttachmentFactory(petition=denunciation)
    client = api_as(handler_a)

    detail = client.get(f"/api/v1/petitions/{denunciation.pk}/").json()

    assert detail["attachments"][0]["url"] is None
    url = f"/api/v1/petitions/{denunciation.pk}/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 403


def test_a_forged_kept_token_is_refused_in_words(client: Any, tree: Any, cadre_a: Any) -> None:
    petition = PetitionFactory(actor=cadre_a, unit=tree.commune_a1)
    client.force_login(cadre_a)

    response = client.post(
        f"/petitions/{petition.pk}/attachments/",
        {"attachments_kept": ["stash/../../settings.py", "x" * 5000]},
    )

    assert response.status_code == 400
    assert "Vui lòng chọn lại tệp." in response.content.decode()
    assert not petition.attachments.exists()
    assert client.get(f"/petitions/{petition.pk}/attachments/").status_code == 405


# --- The service behind the form ---------------------------------------------------------------
def test_petition_and_files_are_one_transaction(tree: Any, cadre_a: Any) -> None:
    import uuid
    from datetime import date

    from danvan.core.errors import ServiceError
    from petitions import services
    from petitions.models import Channel, PetitionKind

    data = services.PetitionData(
        receiving_unit=tree.commune_a1,
        location_unit=tree.commune_a1,
        received_on=date(2026, 3, 2),
        channel=Channel.POST,
        kind=PetitionKind.COMPLAINT,
        summary="Khiếu nại về đất đai",
        petitioners=[services.PetitionerInput(full_name="Nguyễn Văn Nam")],
    )
    key = uuid.uuid4()

    with pytest.raises(ServiceError) as refused:
        services.petition_create_with_files(
            actor=cadre_a,
            data=data,
            client_id=key,
            uploads=files(("don.pdf", PDF_BYTES), ("virus.pdf", EXE)),
        )

    assert refused.value.field == "file"
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    petition, created = services.petition_create_with_files(
        actor=cadre_a, data=data, client_id=key, uploads=files(("don.pdf", PDF_BYTES))
    )
    assert created and petition.attachments.count() == 1
    # A retry with the same key answers the first petition and adds no file.
    again, created = services.petition_create_with_files(
        actor=cadre_a, data=data, client_id=key, uploads=files(("don.pdf", PDF_BYTES))
    )
    assert (again.pk, created, again.attachments.count()) == (petition.pk, False, 1)
