"""
Over-long addresses and headers get the one error shape from the application (414/431),
below gunicorn's own limits (deploy/gunicorn.conf.py), which the live test goes through.
"""

from __future__ import annotations

import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from danvan.core import middleware


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == code, body
    return body


def test_an_over_long_address_is_a_json_414(client, db):
    response = client.get("/api/v1/units/", {"search": "x" * middleware.MAX_REQUEST_TARGET})

    body = error(response, 414, "uri_too_long")
    assert "6144" in body["message"]


def test_an_address_at_the_limit_goes_through(client, db):
    query = "x" * (middleware.MAX_REQUEST_TARGET - len("/api/v1/units/") - len("search="))

    response = client.get(f"/api/v1/units/?search={query}")

    assert response.status_code == 401  # reached the API (which asks for a sign-in)


def test_an_over_long_header_is_a_json_431_in_the_chosen_language(client, db):
    # Refused before anyone is signed in: the header selector's language (cookie), never
    # Accept-Language.
    headers = {"HTTP_X_TRACE": "y" * middleware.MAX_HEADER_FIELD_SIZE, "HTTP_ACCEPT_LANGUAGE": "en"}

    vietnamese = client.get("/api/v1/units/", **headers)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/api/v1/units/", **headers)

    assert error(vietnamese, 431, "headers_too_large")["message"].startswith(
        "Tiêu đề X-Trace quá dài"
    )
    assert error(english, 431, "headers_too_large")["message"].startswith(
        "The X-Trace header is too long"
    )


def test_too_many_headers_is_a_json_431(client, db):
    headers = {f"HTTP_X_H{i}": "1" for i in range(middleware.MAX_HEADER_FIELDS + 1)}

    response = client.get("/api/v1/units/", **headers)

    error(response, 431, "headers_too_large")


def test_a_page_with_an_over_long_address_is_a_page(client, db):
    response = client.get("/petitions/", {"q": "x" * middleware.MAX_REQUEST_TARGET})

    assert response.status_code == 414
    assert response["Content-Type"].startswith("text/html")


def test_gunicorn_limits_are_above_the_application_limits():
    config = runpy.run_path(str(Path(django_settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))

    assert config["limit_request_line"] > middleware.MAX_REQUEST_TARGET + len("GET  HTTP/1.1")
    assert config["limit_request_fields"] > middleware.MAX_HEADER_FIELDS
    assert config["limit_request_field_size"] > middleware.MAX_HEADER_FIELD_SIZE
    procfile = (Path(django_settings.BASE_DIR) / "Procfile").read_text()
    assert "-c deploy/gunicorn.conf.py" in procfile


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _raw_get(port: int, target: str, headers: str = "") -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data or len(data) < 20:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        # read the rest (Connection: close from gunicorn's sync worker)
        s.settimeout(5)
        try:
            while chunk := s.recv(65536):
                data += chunk
        except TimeoutError:
            pass
    return int(data.split(b" ", 2)[1]), data


@pytest.fixture
def gunicorn() -> Any:
    port = 8211
    if not _free(port):
        pytest.skip(f"port {port} is in use")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "danvan.wsgi",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            if not _free(port):
                break
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_through_gunicorn_an_address_over_4_kb_gets_the_json_414(gunicorn):
    """gunicorn's default limit (4,094 bytes) answered its own HTML 414; now the app answers."""
    status, data = _raw_get(gunicorn, "/api/v1/units/?search=" + "x" * 7000)

    assert status == 414, data[:500]
    assert b'"uri_too_long"' in data and b"application/json" in data


def test_through_gunicorn_an_over_long_header_gets_the_json_431(gunicorn):
    status, data = _raw_get(gunicorn, "/api/v1/units/", headers=f"X-Trace: {'y' * 7000}\r\n")

    assert status == 431, data[:500]
    assert b'"headers_too_large"' in data and b"application/json" in data
