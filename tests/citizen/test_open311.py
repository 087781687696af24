"""Open311 GeoReport v2: services, filing a phản ánh with a key, public status, both formats."""

from __future__ import annotations

import os
import time
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from citizen.models import Open311App
from citizen.open311.services import new_key
from petitions import services
from petitions.models import Attachment, Channel, Petition, Petitioner, PetitionKind
from seeds.citizen import seed_open311_services
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import JPEG_BYTES, PetitionFactory

BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def reference(db):
    seed_petition_reference()
    seed_open311_services()


@pytest.fixture
def key(db):
    value, prefix, digest = new_key()
    Open311App.objects.create(name="Ứng dụng Phản ánh", key_prefix=prefix, key_hash=digest)
    return value


def report(tree, key, **overrides):
    values = {
        "api_key": key,
        "jurisdiction_id": tree.commune_a1.code,
        "service_code": "chieu-sang",
        "lat": "11.613",
        "long": "108.055",
        "address_string": "Thôn 3, xã Di Linh",
        "description": "Đèn đường trước nhà văn hoá thôn 3 không sáng đã hai tuần",
        "first_name": "Nam",
        "last_name": "Nguyễn Văn",
        "email": "nam@example.vn",
        "phone": "0912345678",
        "device_id": "phone-1",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def test_services_in_json_and_xml(client):
    services_json = client.get(f"{BASE}/services.json").json()
    assert {s["service_code"] for s in services_json} >= {"chieu-sang", "duong-giao-thong"}
    first = services_json[0]
    assert set(first) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert first["metadata"] is False and first["type"] == "realtime"
    xml = client.get(f"{BASE}/services.xml")
    assert xml["Content-Type"].startswith("text/xml")
    root = ET.fromstring(xml.content)  # noqa: S314
    assert root.tag == "services" and root.find("service/service_code") is not None
    definition = client.get(f"{BASE}/services/chieu-sang.json").json()
    assert definition == {"service_code": "chieu-sang", "attributes": []}


def test_a_report_becomes_a_feedback_petition_of_the_commune_with_an_encrypted_contact(
    client, tree, key
):
    answer = client.post(f"{BASE}/requests.json", report(tree, key))
    assert answer.status_code == 201, answer.content
    [body] = answer.json()
    petition = Petition.objects.get(code=body["service_request_id"])
    assert body["token"] and "/tra-cuu/" in body["service_notice"]
    assert petition.kind == PetitionKind.FEEDBACK and petition.channel == Channel.ONLINE
    assert petition.receiving_unit == petition.handling_unit == tree.commune_a1
    assert petition.created_by is None
    assert str(petition.latitude) == "11.613000" and petition.address == "Thôn 3, xã Di Linh"
    assert petition.field is not None and petition.field.code == "hanh-chinh-khac"
    person = Petitioner.objects.get()
    assert person.full_name == "Nguyễn Văn Nam" and person.email == "nam@example.vn"
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, phone, email FROM petitions_petitioner")
        raw = " ".join(cursor.fetchone())
    assert "Nguyễn" not in raw and "0912345678" not in raw and "nam@example" not in raw
    assert petition.due_date is not None  # the legal clock runs


def test_a_retried_post_files_nothing_twice(client, tree, key):
    first = client.post(f"{BASE}/requests.json", report(tree, key)).json()
    again = client.post(f"{BASE}/requests.json", report(tree, key))
    assert again.status_code == 200 and again.json() == first
    assert Petition.objects.count() == 1


def test_a_photo_upload_is_kept_as_an_attachment_and_a_media_url_as_given(client, tree, key):
    photo = SimpleUploadedFile("den.jpg", JPEG_BYTES, content_type="image/jpeg")
    answer = client.post(f"{BASE}/requests.json", {**report(tree, key), "media": photo})
    assert answer.status_code == 201
    assert Attachment.objects.get().content_type == "image/jpeg"
    url = "https://anh.example.vn/den.jpg"
    other = client.post(
        f"{BASE}/requests.json",
        report(tree, key, media_url=url, description="Đèn hỏng ở thôn 4"),
    ).json()[0]
    shown = client.get(f"{BASE}/requests/{other['service_request_id']}.json").json()[0]
    assert shown["media_url"] == url


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_code": "khong-co"}, "service_code"),
        ({"jurisdiction_id": "99999"}, "jurisdiction_id"),
        ({"lat": "abc"}, "lat"),
        ({"lat": "91", "long": "1"}, "lat"),
        ({"lat": None, "long": None, "address_string": None}, "address_string"),
        ({"description": "  "}, "description"),
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"first_name": "", "last_name": ""}, "first_name"),
        ({"media_url": "ftp://x"}, "media_url"),
    ],
)
def test_bad_input_is_a_400_in_the_spec_shape_naming_the_field(client, tree, key, overrides, field):
    for fmt in ("json", "xml"):
        answer = client.post(f"{BASE}/requests.{fmt}", report(tree, key, **overrides))
        assert answer.status_code == 400, answer.content
        if fmt == "json":
            [problem] = answer.json()
            assert problem["code"] == 400 and field.split("_")[0] in problem["description"]
        else:
            root = ET.fromstring(answer.content)  # noqa: S314
            assert root.tag == "errors" and root.find("error/code").text == "400"
    assert Petition.objects.count() == 0


def test_a_missing_wrong_or_disabled_key_is_a_403(client, tree, key):
    assert client.post(f"{BASE}/requests.json", report(tree, "")).status_code == 403
    assert client.post(f"{BASE}/requests.json", report(tree, "dv311_nope")).status_code == 403
    Open311App.objects.update(is_active=False)
    refused = client.post(f"{BASE}/requests.json", report(tree, key))
    assert refused.status_code == 403
    assert refused.json()[0]["description"].startswith("api_key")


def test_the_public_status_shows_no_name_contact_description_or_other_petitions(
    client, tree, key, handler_a
):
    filed = client.post(f"{BASE}/requests.json", report(tree, key)).json()[0]
    # A petition a cadre recorded is never public, even one of the same kind and commune.
    recorded = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.FEEDBACK,
        petitioners=[services.PetitionerInput(full_name="Lê Thị Mai", phone="0977555666")],
    )
    listing = client.get(f"{BASE}/requests.json?jurisdiction_id={tree.commune_a1.code}")
    assert [r["service_request_id"] for r in listing.json()] == [filed["service_request_id"]]
    text = listing.content.decode()
    for secret in ("Nguyễn", "Nam", "nam@example.vn", "0912345678", "Đèn đường trước", "Lê Thị"):
        assert secret not in text
    row = listing.json()[0]
    assert row["status"] == "open" and row["agency_responsible"] == tree.commune_a1.name
    assert row["expected_datetime"].endswith("T17:00:00+07:00")
    assert client.get(f"{BASE}/requests/{recorded.code}.json").status_code in (400, 404)
    token = client.get(f"{BASE}/tokens/{filed['token']}.json").json()
    assert token == [{"service_request_id": filed["service_request_id"], "token": filed["token"]}]


def test_reclassified_as_a_denunciation_it_disappears(client, tree, key):
    filed = client.post(f"{BASE}/requests.json", report(tree, key)).json()[0]
    Petition.objects.filter(code=filed["service_request_id"]).update(kind=PetitionKind.DENUNCIATION)
    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{filed['service_request_id']}.json").status_code == 404
    assert client.get(f"{BASE}/tokens/{filed['token']}.json").status_code == 404


def test_status_closes_when_resolved_and_filters_by_status(client, tree, key, handler_a):
    filed = client.post(f"{BASE}/requests.json", report(tree, key)).json()[0]
    petition = Petition.objects.get(code=filed["service_request_id"])
    services.petition_guide(
        actor=handler_a, petition=petition, reason="Thuộc điện lực", competent_body="Điện lực"
    )
    assert client.get(f"{BASE}/requests.json?status=open").json() == []
    closed = client.get(f"{BASE}/requests.json?status=closed").json()
    assert [r["status"] for r in closed] == ["closed"]
    assert client.get(f"{BASE}/requests.json?status=lost").status_code == 400
    span = client.get(
        f"{BASE}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
    )
    assert span.status_code == 400  # more than 90 days


def test_reads_are_rate_limited_per_address_and_posts_per_app(client, tree, key, settings):
    settings.OPEN311_READ_RATE = "3/min"
    # An address of this test's own: the cache is shared with tests running in parallel.
    me = {"REMOTE_ADDR": f"10.{os.getpid() % 250}.{time.time_ns() % 250}.12"}
    codes = [client.get(f"{BASE}/services.json", **me).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get(f"{BASE}/services.xml", **me)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    Open311App.objects.update(rate="1/min")
    assert client.post(f"{BASE}/requests.json", report(tree, key)).status_code == 201
    again = client.post(f"{BASE}/requests.json", report(tree, key, description="Khác"))
    assert again.status_code == 429 and again.json()[0]["code"] == 429


def test_the_listing_reads_a_fixed_number_of_queries(client, tree, key, count_queries):
    for n in range(5):
        client.post(f"{BASE}/requests.json", report(tree, key, description=f"Đèn số {n} hỏng"))
    with count_queries() as queries:
        assert len(client.get(f"{BASE}/requests.json").json()) == 5
    assert len(queries) == 1, queries


def test_unknown_paths_and_methods_answer_without_a_500(client):
    assert client.get(f"{BASE}/services.html").status_code == 404
    assert client.delete(f"{BASE}/requests.json").status_code == 405
    assert client.get(f"{BASE}/requests/x.json").status_code == 404
    assert client.get(f"{BASE}/requests.json?start_date=%00").status_code == 400
    assert client.get(f"{BASE}/services/x.json?jurisdiction_id=" + "9" * 50).status_code == 404


HOSTILE = ["\x00", "a\x00b", "9" * 5000, "nan", "1e400", "-0", "<x/>", "' OR 1=1 --", "\U0001f600"]


def test_no_hostile_input_gets_a_server_error(tree, key):
    from django.test import Client

    client = Client(raise_request_exception=False)
    out = []
    for value in HOSTILE:
        for field in (
            "jurisdiction_id",
            "service_code",
            "lat",
            "long",
            "address_string",
            "description",
            "email",
            "phone",
            "first_name",
            "media_url",
            "device_id",
            "api_key",
            "account_id",
        ):
            for fmt in ("json", "xml"):
                r = client.post(f"{BASE}/requests.{fmt}", report(tree, key, **{field: value}))
                if r.status_code >= 500:
                    out.append((field, value[:20], fmt, r.status_code))
        for param in (
            "jurisdiction_id",
            "start_date",
            "end_date",
            "status",
            "service_code",
            "service_request_id",
        ):
            r = client.get(f"{BASE}/requests.json", {param: value})
            if r.status_code >= 500:
                out.append((param, value[:20], "GET", r.status_code))
        r = client.get(f"{BASE}/tokens/x.json", {"jurisdiction_id": value})
        if r.status_code >= 500:
            out.append(("token", value[:20], "GET", r.status_code))
    assert not out


def test_a_signed_in_person_gets_nothing_more_than_the_public(
    tree, key, cadre_a, handler_a, administrator
):
    """Open311 ignores sessions: reads are the public's, filing needs an app's key."""
    from django.test import Client

    filed = Client().post(f"{BASE}/requests.json", report(tree, key)).json()[0]
    anonymous = Client().get(f"{BASE}/requests.json").content
    for person in (cadre_a, handler_a, administrator):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        assert client.get(f"{BASE}/requests.json").content == anonymous
        assert client.get(f"{BASE}/requests/{filed['service_request_id']}.json").status_code == 200
        refused = client.post(f"{BASE}/requests.json", report(tree, ""))
        assert refused.status_code == 403
