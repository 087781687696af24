"""
Open311 as apps meet it: the `georeport` client package against a running server (JSON and
XML), and the GeoReport v2 specification's example requests, replayed with our jurisdiction
(a commune code), service codes and a Vietnamese phone.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests
from georeport import GeoReport

from citizen.models import Open311App
from citizen.open311.services import new_key
from seeds.citizen import seed_open311_services
from seeds.petitions import seed_petition_reference


@pytest.fixture
def server(live_server, transactional_db, tree):
    seed_petition_reference()
    seed_open311_services()
    key, prefix, digest = new_key()
    Open311App.objects.create(name="Ứng dụng thử", key_prefix=prefix, key_hash=digest)
    return f"{live_server.url}/open311/v2", key, tree.commune_a1.code


def _file(root: str, key: str, jurisdiction: str, fmt: str = "json", **extra: str):
    body = {
        "api_key": key,
        "jurisdiction_id": jurisdiction,
        "service_code": "duong-giao-thong",
        "lat": "11.6130",
        "long": "108.0550",
        "address_string": "Đường liên thôn 2 – 3",
        "description": "Ổ gà lớn giữa đường liên thôn, xe máy dễ ngã",
        **extra,
    }
    return requests.post(f"{root}/requests.{fmt}", data=body, timeout=10)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_services_and_requests(server, fmt):
    root, key, jurisdiction = server
    filed = _file(root, key, jurisdiction)
    assert filed.status_code == 201
    code = filed.json()[0]["service_request_id"]
    client = GeoReport(root, jurisdiction=jurisdiction, output_format=fmt)

    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert "duong-giao-thong" in codes and "chieu-sang" in codes
    definition = client.get_service_definition("duong-giao-thong")
    assert definition["service_code"] == "duong-giao-thong"
    found = client.get_service_requests(service_request_id=code)
    if isinstance(found, dict):  # xmltodict gives one request as a dict
        found = [found]
    assert [r["service_request_id"] for r in found] == [code]
    assert found[0]["status"] == "open"
    one = client.get_service_request(code)
    assert one["service_request_id"] == code
    assert one["service_code"] == "duong-giao-thong"


def test_the_specifications_examples_replayed(server):
    root, key, jurisdiction = server
    # GET https://api.city.gov/dev/v2/services.xml?jurisdiction_id=city.gov
    listing = requests.get(f"{root}/services.xml?jurisdiction_id={jurisdiction}", timeout=10)
    assert listing.status_code == 200 and b"<services><service>" in listing.content
    # GET https://api.city.gov/dev/v2/services/033.xml?jurisdiction_id=city.gov
    one = requests.get(f"{root}/services/chieu-sang.xml?jurisdiction_id={jurisdiction}", timeout=10)
    assert b"<service_definition><service_code>chieu-sang</service_code>" in one.content
    # POST https://api.city.gov/dev/v2/requests.xml with the example's fields.
    example = {
        "api_key": key,
        "jurisdiction_id": jurisdiction,
        "service_code": "duong-giao-thong",
        "lat": "11.61524078",
        "long": "108.0521204",
        "address_string": "1234 đường 5, thôn 5",
        "email": "smit333@example.vn",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "john",
        "last_name": "smith",
        "phone": "0911111111",
        "description": "A large sinkhole is destroying the street",
        "media_url": "http://city.gov/media/638344.jpg",
    }
    posted = requests.post(
        f"{root}/requests.xml",
        data=urlencode(example),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert posted.status_code == 201, posted.content
    assert b"<service_requests><request><service_request_id>DT-" in posted.content
    assert b"<account_id>123456</account_id>" in posted.content
    code = posted.text.split("<service_request_id>")[1].split("<")[0]
    token = posted.text.split("<token>")[1].split("<")[0]
    # GET requests.xml?start_date=…&end_date=…&status=open (a range around today).
    recent = requests.get(f"{root}/requests.xml?status=open", timeout=10)
    assert f"<service_request_id>{code}</service_request_id>".encode() in recent.content
    old = requests.get(
        f"{root}/requests.xml?start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z"
        "&status=open",
        timeout=10,
    )
    assert old.status_code == 200 and code.encode() not in old.content
    # GET requests/638344.xml and tokens/12345.xml
    detail = requests.get(f"{root}/requests/{code}.xml?jurisdiction_id={jurisdiction}", timeout=10)
    assert b"<status>open</status>" in detail.content
    assert b"smith" not in detail.content and b"smit333" not in detail.content
    by_token = requests.get(f"{root}/tokens/{token}.xml", timeout=10)
    assert f"<service_request_id>{code}</service_request_id>".encode() in by_token.content
    missing = requests.get(f"{root}/requests/638344.xml", timeout=10)
    assert missing.status_code == 404 and b"<errors><error><code>404</code>" in missing.content
