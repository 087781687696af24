"""
The citizen's status look-up (/tra-cuu/ and POST /api/v1/public/petition-status/): a person
with the petition's code and the last 4 digits of the phone they gave sees where it stands,
and nothing that names anyone; every miss is the same answer; guessing is rate-limited.
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from citizen.lookup.forms import CODE_LABEL, DIGITS_LABEL
from citizen.lookup.selectors import normalise_code
from citizen.lookup.texts import NOT_FOUND, retry_message
from citizen.lookup.throttling import CitizenLookupThrottle
from danvan.settings import env
from petitions import services
from petitions.models import Petition, PetitionKind
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import PetitionFactory, RespondentFactory

URL = "/api/v1/public/petition-status/"
PAGE = "/tra-cuu/"
CITIZEN = "Trần Thị Hoa"
OTHER = "Phạm Văn Đức"
DENOUNCER = "Lò Văn Sáng"
ACCUSED = "Nguyễn Văn Bị"


@pytest.fixture(autouse=True)
def _clean(db: Any, settings: Any) -> None:
    """The legal clocks seeded, a generous rate unless a test says (the tests that count use
    addresses of their own: the cache is shared with tests running in parallel)."""
    seed_petition_reference()
    settings.CITIZEN_LOOKUP_RATE = "1000/min"


def own_address(last: int) -> str:
    return f"10.{os.getpid() % 250}.{time.time_ns() % 250}.{last}"


def person(name: str, phone: str) -> services.PetitionerInput:
    return services.PetitionerInput(full_name=name, phone=phone, address="Thôn 3, xã Di Linh")


@pytest.fixture
def complaint(tree: Any, handler_a: Any) -> Petition:
    """A complaint by two people, accepted; the citizen gave +84 912 345 678."""
    petition: Petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.COMPLAINT,
        summary=f"Khiếu nại của {CITIZEN} về thu hồi đất",
        content=f"Bà {CITIZEN} và ông {OTHER} khiếu nại quyết định thu hồi đất.",
        petitioners=[person(CITIZEN, "+84 912 345 678"), person(OTHER, "0987 000 111")],
        today=date(2026, 3, 2),
    )
    RespondentFactory(petition=petition, name="Ông Hoàng Văn Cán bộ")
    services.petition_accept(
        actor=handler_a, petition=petition, reason="Đủ điều kiện", today=date(2026, 3, 5)
    )
    petition.refresh_from_db()
    return petition


@pytest.fixture
def denunciation(tree: Any, handler_a: Any) -> Petition:
    petition: Petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary=f"Tố cáo {ACCUSED} nhận hối lộ",
        content=f"Tôi là {DENOUNCER}, tố cáo {ACCUSED}.",
        petitioners=[person(DENOUNCER, "0214 555 9876")],
        today=date(2026, 3, 2),
    )
    RespondentFactory(petition=petition, kind="person", name=ACCUSED)
    petition.refresh_from_db()
    return petition


def api_lookup(body: Any, **extra: Any) -> Any:
    return APIClient().post(URL, body, format="json", **extra)


def page_lookup(client: Client | None = None, extra: Any = None, **data: str) -> Any:
    return (client or Client()).post(PAGE, data, **(extra or {}))


def text_of(response: Any) -> str:
    return response.content.decode()


# --- Found ----------------------------------------------------------------------------------
def test_the_citizen_sees_the_status_in_json(complaint: Petition) -> None:
    response = api_lookup({"code": complaint.code, "phone_last4": "5678"})

    assert response.status_code == 200, response.content
    (answer,) = response.json()["petitions"]
    assert answer == {
        "code": complaint.code,
        "receiving_unit": "Xã Di Linh",
        "kind": "complaint",
        "kind_display": "Khiếu nại",
        "status": "accepted",
        "status_display": str(translation.gettext("Accepted for resolution.")),
        "received_on": "2026-03-02",
        "accepted_on": "2026-03-05",
        "due_date": complaint.due_date.isoformat(),
        "clock_stage": complaint.clock_stage,
        "clock_stage_display": "Giải quyết",
        "result": "",
        "result_display": "",
        "finished_on": None,
    }


def test_the_other_petitioner_finds_it_with_their_own_digits(complaint: Petition) -> None:
    response = api_lookup({"code": complaint.code, "phone_last4": "0111"})

    assert response.status_code == 200
    assert response.json()["petitions"][0]["code"] == complaint.code


def test_the_citizen_sees_the_status_on_the_page(complaint: Petition) -> None:
    response = page_lookup(code=complaint.code, phone_last4="5678")

    html = text_of(response)
    assert response.status_code == 200
    assert f'data-code="{complaint.code}"' in html
    assert "Xã Di Linh" in html and "Khiếu nại" in html
    assert "02/03/2026" in html and "05/03/2026" in html
    assert complaint.due_date.strftime("%d/%m/%Y") in html
    assert 'data-status="accepted"' in html
    # The digits are never written back into the page.
    assert 'value="5678"' not in html


def test_a_resolved_petition_shows_its_result_and_end(complaint: Petition, handler_a: Any) -> None:
    services.petition_resolve(
        actor=handler_a,
        petition=complaint,
        result="partly_right",
        answer=services.AnswerInput(
            number="15/QĐ-UBND", issued_on=date(2026, 3, 20), signer="Chủ tịch UBND xã"
        ),
        today=date(2026, 3, 20),
    )

    answer = api_lookup({"code": complaint.code, "phone_last4": "5678"}).json()["petitions"][0]
    html = text_of(page_lookup(code=complaint.code, phone_last4="5678"))

    assert answer["status"] == "resolved"
    assert (answer["result"], answer["result_display"]) == ("partly_right", "Đúng một phần")
    assert answer["finished_on"] == "2026-03-20"
    assert answer["due_date"] is None and answer["clock_stage"] == ""
    assert "Đúng một phần" in html and "20/03/2026" in html
    # The answer document's number and signer are not the citizen's look-up's business.
    assert "15/QĐ-UBND" not in html and "Chủ tịch UBND xã" not in html


@pytest.mark.parametrize(
    "typed", ["{code}", " {code} ", "{lower}", "{bare}", "{digits}", "DT {year} {number}"]
)
def test_the_code_may_be_typed_loosely(complaint: Petition, typed: str) -> None:
    _prefix, year, number = complaint.code.split("-")
    code = typed.format(
        code=complaint.code,
        lower=complaint.code.lower(),
        bare=f"{year}-{number}",
        digits=f"{year}{number}",
        year=year,
        number=int(number),
    )

    assert normalise_code(code) == complaint.code
    assert api_lookup({"code": code, "phone_last4": "5678"}).status_code == 200


def test_the_same_code_in_two_communes_answers_the_one_with_these_digits(
    complaint: Petition, tree: Any, cadre_b: Any
) -> None:
    twin = PetitionFactory(
        actor=cadre_b,
        unit=tree.commune_a2,
        kind=PetitionKind.RECOMMENDATION,
        petitioners=[person(OTHER, "0911 222 333")],
        today=date(2026, 3, 2),
    )
    assert twin.code == complaint.code

    mine = api_lookup({"code": complaint.code, "phone_last4": "5678"}).json()["petitions"]
    theirs = api_lookup({"code": complaint.code, "phone_last4": "2333"}).json()["petitions"]

    assert [p["receiving_unit"] for p in mine] == ["Xã Di Linh"]
    assert [(p["receiving_unit"], p["kind"]) for p in theirs] == [
        ("Xã Hàm Thuận Bắc", "recommendation")
    ]


# --- Nothing that names anyone ----------------------------------------------------------------
PRIVATE = [CITIZEN, OTHER, "Hoàng Văn Cán bộ", "Thôn 3", "912", "0987", "thu hồi đất"]


def test_no_name_phone_address_or_content_is_shown(complaint: Petition) -> None:
    body = text_of(api_lookup({"code": complaint.code, "phone_last4": "5678"}))
    html = text_of(page_lookup(code=complaint.code, phone_last4="5678"))

    for secret in PRIVATE:
        assert secret not in body, secret
        assert secret not in html, secret
        assert json.dumps(secret)[1:-1] not in body, secret


def test_a_denunciation_shows_its_status_and_nothing_of_the_denouncer(
    denunciation: Petition,
) -> None:
    response = api_lookup({"code": denunciation.code, "phone_last4": "9876"})
    page = page_lookup(code=denunciation.code, phone_last4="9876")

    assert response.status_code == 200 and page.status_code == 200
    answer = response.json()["petitions"][0]
    assert (answer["kind"], answer["status"]) == ("denunciation", "received")
    assert answer["due_date"]
    for secret in [DENOUNCER, ACCUSED, "0214", "555", "Thôn 3", "hối lộ"]:
        assert secret not in text_of(response), secret
        assert secret not in text_of(page), secret
    assert "Tố cáo" in text_of(page)


# --- Every miss is the same answer --------------------------------------------------------------
def test_wrong_code_wrong_digits_anonymous_and_deleted_are_byte_identical(
    complaint: Petition, tree: Any, handler_a: Any, administrator: Any
) -> None:
    anonymous = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, is_anonymous=True, today=date(2026, 3, 2)
    )
    no_phone = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[services.PetitionerInput(full_name="Võ Thị Lan")],
        today=date(2026, 3, 2),
    )
    deleted = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[person("Đinh Văn Tú", "0900 000 444")],
        today=date(2026, 3, 2),
    )
    services.petition_delete(actor=administrator, petition=deleted, reason="Nhập nhầm")

    misses = [
        {"code": "DT-2026-999999", "phone_last4": "5678"},  # no such code
        {"code": complaint.code, "phone_last4": "5679"},  # other digits
        {"code": complaint.code, "phone_last4": "2345"},  # digits from the middle
        {"code": anonymous.code, "phone_last4": "0000"},  # anonymous: no phone at all
        {"code": no_phone.code, "phone_last4": "0000"},  # a petitioner who gave no phone
        {"code": deleted.code, "phone_last4": "0444"},  # deleted, right digits
        {"code": "ZZZ", "phone_last4": "1234"},  # not even a code's shape
    ]
    responses = [api_lookup(body) for body in misses]
    pages = [page_lookup(**body) for body in misses]

    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    assert responses[0].json() == {"code": "not_found", "message": str(NOT_FOUND), "fields": {}}
    assert {p.status_code for p in pages} == {404}
    # The page keeps the code typed (it differs) and a fresh CSRF token; the answer is the same.
    alerts = {re.search(r'<p class="alert"[^>]*>(.*?)</p>', text_of(p)).group(1) for p in pages}
    assert alerts == {str(NOT_FOUND)}
    assert all("data-code=" not in text_of(p) for p in pages)


def test_the_miss_is_said_in_vietnamese_by_default() -> None:
    body = api_lookup({"code": "DT-2026-000001", "phone_last4": "1234"}).json()

    with translation.override("vi"):
        assert body["message"] == str(NOT_FOUND)


def test_a_miss_decrypts_as_a_hit_does(complaint: Petition, monkeypatch: Any) -> None:
    """Comparable work: a code nobody has still decrypts and compares one phone."""
    from citizen.lookup import selectors

    calls: list[str] = []
    real = selectors.decrypt

    def counting(value: str) -> str:
        calls.append(value)
        return real(value)

    monkeypatch.setattr(selectors, "decrypt", counting)

    api_lookup({"code": "DT-2026-999999", "phone_last4": "5678"})
    miss = len(calls)
    calls.clear()
    api_lookup({"code": complaint.code, "phone_last4": "9999"})

    assert miss == 1
    assert len(calls) == 2  # both petitioners' phones, no early exit


# --- Invalid input: 400 naming the field ------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone_last4": "1234"}, "code"),
        ({"code": "", "phone_last4": "1234"}, "code"),
        ({"code": "   ", "phone_last4": "1234"}, "code"),
        ({"code": "D" * 31, "phone_last4": "1234"}, "code"),
        ({"code": "DT-2026-000001"}, "phone_last4"),
        ({"code": "DT-2026-000001", "phone_last4": "123"}, "phone_last4"),
        ({"code": "DT-2026-000001", "phone_last4": "12345"}, "phone_last4"),
        ({"code": "DT-2026-000001", "phone_last4": "12a4"}, "phone_last4"),
        ({"code": "DT-2026-000001", "phone_last4": "١٢٣٤"}, "phone_last4"),  # Arabic-Indic
        ({"code": "DT-2026-000001", "phone_last4": "１２３４"}, "phone_last4"),  # full-width
    ],
)
def test_invalid_input_is_a_400_naming_the_field(body: dict[str, str], field: str) -> None:
    response = api_lookup(body)
    page = page_lookup(**body)

    assert response.status_code == 400, response.content
    error = response.json()
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    with translation.override("vi"):
        label = str({"code": CODE_LABEL, "phone_last4": DIGITS_LABEL}[field])
    assert error["message"].lower().startswith(label.lower())
    assert page.status_code == 400
    summary = re.search(r'id="errors">(.*?)</div>', text_of(page), re.S).group(1)
    assert f'href="#id_{field}"' in summary


def test_the_page_error_messages_are_vietnamese_for_known_words() -> None:
    page = page_lookup(code="", phone_last4="")

    assert page.status_code == 400
    assert "Vui lòng sửa các trường dưới đây." in text_of(page)


# --- No 500, whatever is sent ------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "null",
        "[]",
        '["DT-2026-000001", "1234"]',
        "42",
        '"DT-2026-000001"',
        '{"code": null, "phone_last4": null}',
        '{"code": ["DT-2026-000001"], "phone_last4": ["1234"]}',
        '{"code": {"$ne": ""}, "phone_last4": {"a": 1}}',
        '{"code": "DT-2026-000001\\u0000", "phone_last4": "12\\u00004"}',
        '{"code": "' + "Đ" * 5000 + '", "phone_last4": "' + "9" * 5000 + '"}',
        '{"code": "ß' + "ﬃ" * 20 + '", "phone_last4": "1234"}',
        '{"code": "\\ud800", "phone_last4": "1234"}',
        '{"code": "DT-2026-000001", "phone_last4": 1234}',
        '{"code": 2026000001, "phone_last4": 1234.5}',
        '{"code": true, "phone_last4": false}',
        '{"code": "\'; DROP TABLE petitions_petition; --", "phone_last4": "1234"}',
        '{"code": "DT-2026-' + "9" * 20 + '", "phone_last4": "1234"}',
        "{",
    ],
)
def test_hostile_json_never_makes_a_500(raw: str) -> None:
    response = APIClient().generic("POST", URL, raw, content_type="application/json")

    assert response.status_code in (400, 404), response.content
    assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "data",
    [
        {"code": "x" * 10_000, "phone_last4": "1" * 10_000},
        {"code": "DT\x00-2026", "phone_last4": "12\x0034"},
        {"code": "ﬃß" * 12, "phone_last4": "1234"},
        {"code": "DT-2026-" + "9" * 22, "phone_last4": "1234"},
        {},
    ],
)
def test_hostile_form_input_never_makes_a_500(data: dict[str, str]) -> None:
    response = Client().post(PAGE, data)

    assert response.status_code in (400, 404)


def test_other_methods_are_refused_without_a_500() -> None:
    assert Client().get(PAGE).status_code == 200
    assert Client().put(PAGE).status_code == 405
    assert APIClient().get(URL).status_code == 405
    assert APIClient().post(URL, "code=1", content_type="text/plain").status_code == 415


# --- Public, and signed-in people can use it too ----------------------------------------------
def test_no_sign_in_and_no_csrf_token_are_needed(complaint: Petition) -> None:
    client = APIClient(enforce_csrf_checks=True)

    response = client.post(URL, {"code": complaint.code, "phone_last4": "5678"}, format="json")

    assert response.status_code == 200


def test_signed_in_people_use_it_too(complaint: Petition, api_as: Any, cadre_b: Any) -> None:
    api = api_as(cadre_b).post(URL, {"code": complaint.code, "phone_last4": "5678"}, format="json")
    web = Client()
    web.force_login(cadre_b)
    page = web.post(PAGE, {"code": complaint.code, "phone_last4": "5678"})

    assert api.status_code == 200 and page.status_code == 200
    # cadre_b's own units do not hold the petition: what shows is the public answer only.
    assert CITIZEN not in text_of(api) and CITIZEN not in text_of(page)


def test_a_bad_token_does_not_stop_a_citizen(complaint: Petition) -> None:
    response = api_lookup(
        {"code": complaint.code, "phone_last4": "5678"}, HTTP_AUTHORIZATION="Bearer rubbish"
    )

    assert response.status_code == 200


def test_the_home_page_links_to_it() -> None:
    html = text_of(Client().get("/"))

    assert f'href="{PAGE}"' in html


def test_the_page_asks_for_numeric_digits_without_autocomplete() -> None:
    html = text_of(Client().get(PAGE))

    digits = re.search(r"<input[^>]*name=\"phone_last4\"[^>]*>", html).group(0)
    assert 'inputmode="numeric"' in digits and 'autocomplete="off"' in digits
    assert '<label for="id_phone_last4">' in html and '<label for="id_code">' in html
    assert 'method="post"' in html


# --- Rate limit per address -------------------------------------------------------------------
def test_the_eleventh_attempt_in_ten_minutes_is_a_429(complaint: Petition, settings: Any) -> None:
    settings.CITIZEN_LOOKUP_RATE = "10/10min"
    # An address of this test's own: the cache is shared with tests running in parallel.
    me = {"REMOTE_ADDR": own_address(11)}
    for attempt in range(5):
        assert (
            api_lookup(
                {"code": "DT-2026-999999", "phone_last4": f"{attempt:04d}"}, **me
            ).status_code
            == 404
        )
    for attempt in range(5):
        assert (
            page_lookup(extra=me, code="DT-2026-999999", phone_last4=f"{attempt:04d}").status_code
            == 404
        )

    refused = api_lookup({"code": complaint.code, "phone_last4": "5678"}, **me)
    page = page_lookup(extra=me, code=complaint.code, phone_last4="5678")

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 600
    assert body["message"] == retry_message(int(refused["Retry-After"]))
    assert body["message"] != retry_message(1)  # minutes of a ten-minute window, not one
    assert complaint.code not in text_of(refused)
    assert page.status_code == 429
    assert 'id="throttled"' in text_of(page) and "data-code" not in text_of(page)
    assert retry_message(int(page["Retry-After"])) in text_of(page)
    assert int(page["Retry-After"]) <= 600
    # Another address still gets its answer.
    other = api_lookup({"code": complaint.code, "phone_last4": "5678"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_limit_follows_the_client_behind_a_trusted_proxy(
    complaint: Petition, settings: Any
) -> None:
    settings.CITIZEN_LOOKUP_RATE = "2/10min"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    client, other = own_address(7), own_address(8)
    body = {"code": complaint.code, "phone_last4": "5678"}

    for _ in range(2):
        assert api_lookup(body, HTTP_X_FORWARDED_FOR=client).status_code == 200
    # A client cannot pick a new address by adding its own entries on the left.
    assert api_lookup(body, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client}").status_code == 429
    assert api_lookup(body, HTTP_X_FORWARDED_FOR=other).status_code == 200


def test_showing_the_form_does_not_count(settings: Any) -> None:
    settings.CITIZEN_LOOKUP_RATE = "1/10min"
    me = {"REMOTE_ADDR": own_address(13)}
    for _ in range(3):
        assert Client().get(PAGE, **me).status_code == 200

    assert page_lookup(extra=me, code="DT-2026-999999", phone_last4="1234").status_code == 404


# --- Queries -----------------------------------------------------------------------------------
def test_one_query_per_look_up(
    complaint: Petition, django_assert_max_num_queries: Any, count_queries: Any
) -> None:
    # 1: the petitioners (with their petition and its receiving unit) having this code.
    with django_assert_max_num_queries(1):
        assert api_lookup({"code": complaint.code, "phone_last4": "5678"}).status_code == 200
    with django_assert_max_num_queries(1):
        assert api_lookup({"code": "DT-2026-999999", "phone_last4": "5678"}).status_code == 404
    with count_queries() as queries:
        assert page_lookup(code=complaint.code, phone_last4="5678").status_code == 200
    assert len(queries) <= 1, queries


# --- The setting --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rate", "allowed"),
    [("10/10min", (10, 600)), ("3/min", (3, 60)), ("100/2h", (100, 7200)), ("1/1d", (1, 86400))],
)
def test_the_rate_counts_in_windows_of_several_units(rate: str, allowed: tuple[int, int]) -> None:
    assert CitizenLookupThrottle().parse_rate(rate) == allowed


@pytest.mark.parametrize("value", ["10/0min", "ten/10min", "10/10 min", "10/10weeks", "10"])
def test_a_bad_rate_stops_start_up_naming_the_variable(monkeypatch: Any, value: str) -> None:
    monkeypatch.setenv("CITIZEN_LOOKUP_RATE", value)

    with pytest.raises(ImproperlyConfigured, match="CITIZEN_LOOKUP_RATE"):
        env.rate("CITIZEN_LOOKUP_RATE", "10/10min", windowed=True)


def test_other_rates_still_take_one_unit(monkeypatch: Any) -> None:
    monkeypatch.setenv("CREATE_THROTTLE_RATE", "120/10min")

    with pytest.raises(ImproperlyConfigured, match="CREATE_THROTTLE_RATE"):
        env.rate("CREATE_THROTTLE_RATE", "120/min")
