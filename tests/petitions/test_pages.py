"""The cadre pages: my units' petitions with deadline states, and the intake form."""

from datetime import date

from django.utils import timezone

from petitions.models import Petition, PetitionKind
from petitions.services import PetitionerInput
from tests.petitions.factories import PetitionFactory


def form_data(tree, **overrides):
    values = {
        "client_id": "0b0c1d5e-7c1a-4e58-a3c2-5b7d4f1e9a01",
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.village_a1.pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "reception",
        "kind": "complaint",
        "summary": "Khiếu nại về đất đai",
        "full_name": "Nguyễn Văn Nam",
        "citizen_id": "068090001234",
        "phone": "0912345678",
        "head_count": 1,
    }
    values.update(overrides)
    return values


def test_list_shows_my_units_petitions_with_deadline_states(
    client, tree, cadre_a, handler_a, handler_a2
):
    mine = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))
    theirs = PetitionFactory(actor=handler_a2, unit=tree.commune_a2, summary="Việc xã bên")
    client.force_login(cadre_a)

    page = client.get("/petitions/").content.decode()

    assert mine.code in page
    assert theirs.summary not in page
    assert "Quá hạn" in page


def test_list_redacts_denouncers(client, tree, cadre_a, handler_a):
    PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[PetitionerInput(full_name="Lê Thị Mai")],
    )
    client.force_login(cadre_a)

    page = client.get("/petitions/").content.decode()

    assert "Lê Thị Mai" not in page
    assert "[đã ẩn]" in page


def test_list_requires_login(client):
    assert client.get("/petitions/").status_code == 302


def test_intake_creates_once_even_when_submitted_twice(client, tree, cadre_a):
    client.force_login(cadre_a)

    first = client.post("/petitions/new/", form_data(tree))
    second = client.post("/petitions/new/", form_data(tree))

    assert first.status_code == second.status_code == 302
    assert Petition.objects.count() == 1


def test_intake_shows_field_level_messages_and_saves_nothing(client, tree, cadre_a):
    client.force_login(cadre_a)

    page = client.post(
        "/petitions/new/", form_data(tree, citizen_id="123", received_on="2999-01-01")
    ).content.decode()

    assert "Số căn cước công dân (CCCD) phải gồm đúng 12 chữ số." in page
    assert not Petition.objects.exists()


def test_intake_future_date_message_from_the_service(client, tree, cadre_a):
    client.force_login(cadre_a)

    page = client.post(
        "/petitions/new/", form_data(tree, received_on="2999-01-01")
    ).content.decode()

    assert "Ngày nhận đơn không được sau ngày hôm nay." in page
    assert 'data-field="received_on"' in page
    assert not Petition.objects.exists()


def test_intake_offers_only_units_in_scope(client, tree, cadre_a):
    client.force_login(cadre_a)

    page = client.get("/petitions/new/").content.decode()

    assert "Xã Di Linh" in page
    assert "Xã Hàm Thuận Bắc" not in page
