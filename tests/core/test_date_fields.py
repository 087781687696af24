"""
Date entry is dd/mm/yyyy on every browser: a text field with a calendar (danvan.core.widgets),
never `<input type="date">`, whose display follows the browser's locale.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from danvan.core.widgets import DateField, DateInput


class ReceivedForm(forms.Form):
    received_on = DateField(label=_("received on"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31/12/2026", date(2026, 12, 31)),
        (" 1/2/2026 ", date(2026, 2, 1)),
        ("31-12-2026", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
        # The ISO date of an old link or a copied API value: unambiguous, taken as such.
        ("2026-12-31", date(2026, 12, 31)),
    ],
)
def test_dates_typed_as_dd_mm_yyyy_are_accepted(typed: str, expected: date) -> None:
    form = ReceivedForm({"received_on": typed})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["received_on"] == expected


@pytest.mark.parametrize("typed", ["32/13/2026", "31/02/2026", "12/31/2026", "31/12/26", "abc"])
def test_a_date_that_is_not_real_is_refused_in_vietnamese_naming_the_field(typed: str) -> None:
    with translation.override("vi"):
        form = ReceivedForm({"received_on": typed})
        assert not form.is_valid()
        message = form.errors["received_on"][0]

    assert message == (
        "Ngày nhận đơn: nhập một ngày có thật theo dạng ngày/tháng/năm (dd/mm/yyyy), "
        "ví dụ 31/12/2026."
    )


def test_the_message_follows_the_persons_language() -> None:
    with translation.override("en"):
        form = ReceivedForm({"received_on": "32/13/2026"})
        assert not form.is_valid()

        assert form.errors["received_on"] == [
            "Received on: enter a real date as dd/mm/yyyy, e.g. 31/12/2026."
        ]


def test_an_empty_required_date_keeps_the_usual_required_message() -> None:
    with translation.override("vi"):
        form = ReceivedForm({"received_on": ""})
        assert not form.is_valid()

        assert form.errors["received_on"] == ["Trường này là bắt buộc."]


def test_the_widget_is_a_text_field_showing_dd_mm_yyyy_with_the_calendars_words() -> None:
    with translation.override("vi"):
        html = DateInput().render("received_on", date(2026, 12, 31), {"id": "id_received_on"})

    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="31/12/2026"' in html
    assert 'inputmode="numeric"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'pattern="' in html and 'autocomplete="off"' in html
    words = json.loads(
        re.search(r'data-datefield="([^"]*)"', html)[1]  # type: ignore[index]
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )
    assert words["open"] == "Chọn ngày trên lịch"
    assert words["months"][11] == "Tháng 12"
    assert words["heading"] == "{month} năm {year}"
    assert words["weekdaysShort"] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


# --- Every date field of every page --------------------------------------------------------
def date_inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*data-datefield[^>]*>", html)


def test_intake_form_shows_today_as_dd_mm_yyyy_and_takes_it_back(
    client: Client, tree: Any, cadre_a: Any
) -> None:
    from petitions.models import Petition
    from seeds.petitions import seed_petition_reference

    seed_petition_reference()
    client.force_login(cadre_a)
    today = timezone.localdate()

    html = client.get("/petitions/new/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()

    assert 'type="date"' not in html
    [field] = date_inputs(html)
    assert 'name="received_on"' in field and f'value="{today:%d/%m/%Y}"' in field
    response = client.post(
        "/petitions/new/",
        {
            "client_id": "0b0c1d5e-7c1a-4e58-a3c2-5b7d4f1e9a03",
            "receiving_unit": tree.commune_a1.pk,
            "location_unit": tree.commune_a1.pk,
            "received_on": f"{today:%d/%m/%Y}",
            "channel": "post",
            "kind": "complaint",
            "summary": "Khiếu nại về đường làng",
            "full_name": "Nguyễn Văn An",
            "head_count": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Petition.objects.get().received_on == today


def test_intake_form_refuses_32_13_naming_the_field(
    client: Client, tree: Any, cadre_a: Any
) -> None:
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        {"receiving_unit": tree.commune_a1.pk, "received_on": "32/13/2026"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert "Ngày nhận đơn: nhập một ngày có thật theo dạng ngày/tháng/năm" in html
    [field] = date_inputs(html)
    assert 'value="32/13/2026"' in field  # what was typed, to correct


def test_petition_detail_step_forms_use_the_dd_mm_yyyy_field(
    client: Client, tree: Any, handler_a: Any
) -> None:
    from tests.petitions.factories import PetitionFactory

    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client.force_login(handler_a)

    html = client.get(f"/petitions/{petition.pk}/").content.decode()

    assert 'type="date"' not in html
    assert date_inputs(html), "the accept step has a date field"
    assert all('placeholder="dd/mm/yyyy"' in field for field in date_inputs(html))


@pytest.mark.parametrize("path", ["/movement/figures/", "/movement/dialogues/"])
def test_movement_forms_use_the_dd_mm_yyyy_field(
    client: Client, tree: Any, cadre_a: Any, path: str
) -> None:
    client.force_login(cadre_a)

    html = client.get(path).content.decode()

    assert 'type="date"' not in html
    assert date_inputs(html)


def test_dashboard_period_fields_are_dd_mm_yyyy(client: Client, tree: Any, supervisor: Any) -> None:
    client.force_login(supervisor)

    html = client.get(
        "/reports/", {"period": "custom", "from": "2026-01-01", "to": "31/03/2026"}
    ).content.decode()

    assert 'type="date"' not in html
    fields = date_inputs(html)
    assert [re.search(r'name="(\w+)"', f)[1] for f in fields] == ["from", "to"]  # type: ignore[index]
    assert 'value="01/01/2026"' in fields[0] and 'value="31/03/2026"' in fields[1]
