"""Petition attachments and answer documents: checked by content, stored under random names."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.core.errors import ServiceError
from petitions import services
from petitions.models import Answer
from tests.petitions.factories import PDF_BYTES, PetitionFactory

EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"


def test_attachment_is_stored_under_a_random_name_and_message_names_the_field(
    api_as, cadre_a, tree, handler_a
):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client = api_as(cadre_a)
    url = f"/api/v1/petitions/{petition.pk}/attachments/"

    bad = client.post(url, {"file": SimpleUploadedFile("don.pdf", EXE)}, format="multipart")
    good = client.post(
        url, {"file": SimpleUploadedFile("../../don thu.pdf", PDF_BYTES)}, format="multipart"
    )

    assert bad.status_code == 400 and bad.json()["message"].startswith("Tệp:")
    assert good.status_code == 201
    attachment = petition.attachments.get()
    assert attachment.original_name == "don thu.pdf"
    assert attachment.file.name.startswith("petitions/") and "don" not in attachment.file.name


@pytest.fixture
def resolving(tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))
    services.petition_accept(
        actor=handler_a,
        petition=petition,
        reason="Đủ",
        accepted_on=date(2026, 3, 3),
        today=date(2026, 3, 3),
    )
    services.petition_start_resolution(actor=handler_a, petition=petition, reason="Xác minh")
    return petition


def _answer(content: bytes, name: str = "qd.pdf") -> services.AnswerInput:
    return services.AnswerInput(
        number="15/QĐ-UBND",
        issued_on=date(2026, 3, 20),
        signer="Chủ tịch",
        file=SimpleUploadedFile(name, content),
    )


def test_answer_document_of_a_wrong_type_is_refused(resolving, handler_a):
    with pytest.raises(ServiceError) as refused:
        services.petition_resolve(
            actor=handler_a,
            petition=resolving,
            result="partly_right",
            answer=_answer(EXE),
            today=date(2026, 3, 20),
        )

    assert refused.value.field == "answer.file"
    assert not Answer.objects.exists()


def test_good_answer_document_is_stored_under_a_random_name(resolving, handler_a):
    services.petition_resolve(
        actor=handler_a,
        petition=resolving,
        result="partly_right",
        answer=_answer(PDF_BYTES, "../quyet dinh.pdf"),
        today=date(2026, 3, 20),
    )

    stored = str(Answer.objects.get().file.name)
    assert stored.startswith("answers/") and stored.endswith(".pdf") and "quyet" not in stored


def test_a_denunciations_file_names_stay_out_of_the_api_and_the_admin(
    api_as, client, administrator, tree, handler_a
):
    """A scanned letter is often named after its writer: only a neutral name is shown."""
    from petitions.models import PetitionKind

    denunciation = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.DENUNCIATION
    )
    complaint = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    api = api_as(handler_a)
    for petition in (denunciation, complaint):
        upload = SimpleUploadedFile("Don to cao - Tran Van Kin.PDF", PDF_BYTES)
        created = api.post(
            f"/api/v1/petitions/{petition.pk}/attachments/", {"file": upload}, format="multipart"
        )
        assert created.status_code == 201, created.content
    hidden = denunciation.attachments.get()

    posted_back = api.get(f"/api/v1/petitions/{denunciation.pk}/attachments/").json()
    detail = api.get(f"/api/v1/petitions/{denunciation.pk}/").json()
    shown = api.get(f"/api/v1/petitions/{complaint.pk}/attachments/").json()
    from django.contrib.auth.models import Permission

    administrator.user_permissions.add(  # so the admin shows the attachments inline
        Permission.objects.get(content_type__app_label="petitions", codename="view_attachment")
    )
    client.force_login(administrator)
    admin_page = client.get(f"/admin/petitions/petition/{denunciation.pk}/change/")

    assert hidden.original_name == "Don to cao - Tran Van Kin.PDF"  # kept, only not shown
    assert posted_back[0]["original_name"] == f"tệp-đính-kèm-{hidden.pk}.pdf"
    assert detail["attachments"][0]["original_name"] == f"tệp-đính-kèm-{hidden.pk}.pdf"
    assert "Tran Van Kin" not in str(detail) and "Tran Van Kin" not in str(posted_back)
    assert admin_page.status_code == 200
    assert "Tran Van Kin" not in admin_page.content.decode()
    assert f"tệp-đính-kèm-{hidden.pk}.pdf" in admin_page.content.decode()
    assert shown[0]["original_name"] == "Don to cao - Tran Van Kin.PDF"
