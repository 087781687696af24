"""
The app's own sign-in, sign-out, password change and reset pages, and what every page's
layout gives: compression, the skip link, a menu of only what the person may use.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory
from tests.twofactor.test_second_factor import enrolled, totp

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
LOGIN = "/dang-nhap/"
LOCKOUT_MESSAGE = (
    "Too many failed login attempts. This account is locked for a while; "
    "try again later or ask an administrator."
)


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(
        f"{LOGIN}?next=/tasks/", {"username": username, "password": password, **extra}
    )


def test_the_sign_in_page_is_the_apps_own(db: Any) -> None:
    response = Client().get(LOGIN)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'class="topbar"' in html and 'id="login-form"' in html  # base.html, not the admin's
    assert 'href="/quen-mat-khau/"' in html


def test_signing_in_goes_where_the_person_was_going(cadre_a: Any) -> None:
    client = Client()

    response = sign_in(client, "cadre_a")

    assert response.status_code == 302 and response["Location"] == "/tasks/"
    assert client.session["_auth_user_id"] == str(cadre_a.pk)


def test_pages_send_anonymous_visitors_to_the_sign_in_page(db: Any) -> None:
    response = Client().get("/petitions/")

    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=/petitions/"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(cadre_a: Any) -> None:
    client = Client()

    response = sign_in(client, "cadre_a", "not the password")

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "invalid_login"
    ]
    assert "_auth_user_id" not in client.session
    assert sign_in(Client(), "nobody", "not the password").status_code == 200


def test_repeated_failures_lock_the_account_out_with_the_429_page(
    cadre_a: Any, cadre_b: Any, settings: Any
) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "cadre_a", "wrong password here").status_code == 200
    last = sign_in(client, "cadre_a", "wrong password here")

    assert last.status_code == 429
    with translation.override("vi"):
        message = translation.gettext(LOCKOUT_MESSAGE)
    assert message in last.content.decode()
    # Even the right password is refused now; another person at the same address signs in.
    assert sign_in(client, "cadre_a").status_code == 429
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "cadre_b").status_code == 302


def test_the_address_has_an_allowance_of_sign_in_and_reset_posts(
    cadre_a: Any, settings: Any
) -> None:
    settings.LOGIN_THROTTLE_RATE = "3/min"
    client = Client()
    sign_in(client, "nobody", "not the password")
    client.post("/quen-mat-khau/", {"email": cadre_a.email})
    assert sign_in(client, "cadre_a").status_code == 302

    refused = [
        Client().post("/quen-mat-khau/", {"email": cadre_a.email}),
        sign_in(Client(), "cadre_a"),
    ]

    for response in refused:
        assert response.status_code == 429 and int(response["Retry-After"]) >= 1
        assert "Quá nhiều yêu cầu" in response.content.decode()
    assert len(mail.outbox) == 1


def test_administrators_type_their_code_here_too(administrator: Any, settings: Any) -> None:
    settings.ADMIN_REQUIRE_OTP = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    secret = enrolled(administrator)
    client = Client()

    without = sign_in(client, "administrator")
    assert [e.code for e in without.context["form"].non_field_errors().as_data()] == [
        "otp_required"
    ]
    assert "_auth_user_id" not in client.session

    assert sign_in(client, "administrator", otp_token=totp(secret)).status_code == 302
    # Verified by the code: the admin admits the session.
    assert client.get("/admin/org/unit/").status_code == 200


def test_an_administrator_without_an_authenticator_still_cannot_reach_the_admin(
    administrator: Any, settings: Any
) -> None:
    settings.ADMIN_REQUIRE_OTP = True
    client = Client()

    assert sign_in(client, "administrator").status_code == 302  # the app's pages
    response = client.get("/admin/org/unit/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_signing_out_is_a_post(cadre_a: Any) -> None:
    client = Client()
    client.force_login(cadre_a)

    response = client.post("/dang-xuat/")

    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_changing_the_password(cadre_a: Any) -> None:
    client = Client()
    client.force_login(cadre_a)
    new = "một mật khẩu mới rất dài"

    assert client.get("/tai-khoan/mat-khau/").status_code == 200
    response = client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302 and response["Location"] == "/tai-khoan/mat-khau/da-doi/"
    assert client.get("/").context["user"].is_authenticated  # still signed in
    assert sign_in(Client(), "cadre_a", new).status_code == 302
    assert Client().get("/tai-khoan/mat-khau/")["Location"].startswith(LOGIN)


def _reset_link(body: str) -> str:
    match = re.search(r"https://danvan\.example\.vn(/dat-lai-mat-khau/\S+/)", body)
    assert match, body
    return match.group(1)


def test_a_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    cadre_a: Any,
) -> None:
    known = Client().post("/quen-mat-khau/", {"email": cadre_a.email})
    unknown = Client().post("/quen-mat-khau/", {"email": "ai-do@example.vn"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/quen-mat-khau/da-gui/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cadre_a.email]
    page = Client().get("/quen-mat-khau/da-gui/").content.decode()
    assert cadre_a.email not in page


def test_the_reset_link_sets_a_new_password_once(cadre_a: Any, settings: Any) -> None:
    settings.SITE_URL = "https://danvan.example.vn"
    # The link is on SITE_URL, whatever Host the request claimed.
    Client().post("/quen-mat-khau/", {"email": cadre_a.email}, headers={"Host": "localhost"})
    link = _reset_link(mail.outbox[0].body)
    client = Client()
    new = "một mật khẩu mới rất dài"

    form = client.get(link, follow=True)  # Django moves the token into the session
    assert form.status_code == 200 and form.context["validlink"]
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert response.status_code == 302 and response["Location"] == "/dat-lai-mat-khau/xong/"
    assert sign_in(Client(), "cadre_a", new).status_code == 302
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]


def test_in_embedded_mode_the_reset_mail_is_a_file_under_var_mail(
    cadre_a: Any, settings: Any, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    Client().post("/quen-mat-khau/", {"email": cadre_a.email})

    (written,) = list(tmp_path.iterdir())
    text = written.read_text()
    assert f"To: {cadre_a.email}" in text and "/dat-lai-mat-khau/" in text


# --- The layout of every page --------------------------------------------------------------
def test_pages_are_compressed_for_clients_that_accept_it(cadre_a: Any) -> None:
    client = Client()
    client.force_login(cadre_a)

    response = client.get("/", headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b'id="main"' in gzip.decompress(response.content)
    assert "Content-Encoding" not in Client().get("/")  # a client that did not ask


def test_the_skip_link_comes_first_and_leads_to_the_main_content(db: Any) -> None:
    html = Client().get("/").content.decode()
    body = html[html.index("<body>") + len("<body>") :].lstrip()

    assert body.startswith('<a class="skip-link" href="#main">')
    assert '<main id="main" tabindex="-1">' in html


def _menu(user: Any) -> str:
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    return html[html.index('<header class="topbar">') : html.index("</header>")]


def test_the_menu_shows_only_what_the_person_may_use(
    tree: Any, cadre_a: Any, handler_a: Any, supervisor: Any, administrator: Any
) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin, api = 'href="/admin/"', 'href="/api/v1/docs/"'

    for user in (cadre_a, handler_a):  # staff (they have posts), but work in the app's pages
        menu = _menu(user)
        assert admin not in menu and api not in menu
        assert 'href="/petitions/"' in menu and 'href="/notifications/"' in menu
    assert admin in _menu(supervisor) and api not in _menu(supervisor)
    for user in (administrator, root):
        menu = _menu(user)
        assert admin in menu and api in menu
    # Without a unit every list is empty and the reports have no unit to show: none of them.
    nobody = _menu(UserFactory(username="nobody"))
    for link in ("/petitions/", "/tasks/", "/movement/", "/reports/", "/admin/"):
        assert f'href="{link}"' not in nobody
    assert 'href="/notifications/"' in nobody and 'action="/dang-xuat/"' in nobody
    anonymous = Client().get("/").content.decode()
    assert 'href="/dang-nhap/?next=/"' in anonymous and 'href="/petitions/"' not in anonymous


def test_the_header_reads_only_the_memberships_pages_share(
    cadre_a: Any, count_queries: Any
) -> None:
    client = Client()
    client.force_login(cadre_a)
    with count_queries() as q:
        client.get("/tai-khoan/mat-khau/")
    # the session, the user with the bell's count, the memberships for the menu (the one
    # rule; read once per request, so a page that scopes its records pays it already)
    assert len(q) == 3, q


def test_the_standalone_error_page_asks_the_database_nothing(
    cadre_a: Any, count_queries: Any
) -> None:
    """The header's facts are read only when shown: a 500 after a database error stays a page."""
    from django.test import RequestFactory

    from danvan.core.views import server_error

    request = RequestFactory().get("/")
    request.user = cadre_a
    with count_queries() as q:
        response = server_error(request)

    assert response.status_code == 500
    assert len(q) == 0, q
