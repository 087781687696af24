"""
Schemathesis against Open311's own OpenAPI description (/open311/v2/openapi.json): generated
requests to every operation, anonymous (reads are public) and with a registered app's key
(filing), must never be a 5xx and must answer a documented status, content type and shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import danvan.wsgi
from citizen.models import Open311App
from citizen.open311.schema import SCHEMA
from citizen.open311.services import new_key
from seeds.citizen import seed_open311_services
from seeds.petitions import seed_petition_reference
from tests.factories import build_unit_tree

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SENT: Counter[str] = Counter()
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = danvan.wsgi.application
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


def test_the_description_is_valid_openapi_and_served(client: Any) -> None:
    validate(SCHEMA)
    assert client.get("/open311/v2/openapi.json").json() == SCHEMA


@pytest.fixture
def world(db: Any, settings: Any) -> Iterator[dict[str, str]]:
    settings.OPEN311_READ_RATE = "100000/min"
    tree = build_unit_tree()
    seed_petition_reference()
    seed_open311_services()
    key, prefix, digest = new_key()
    Open311App.objects.create(name="Fuzz", key_prefix=prefix, key_hash=digest, rate="100000/min")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"key": key, "commune": tree.commune_a1.code}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_open311(case: Any, world: dict[str, str]) -> None:
    # Half the filings with the real key and commune, so they get past the key check.
    if isinstance(case.body, dict) and len(str(case.body.get("description", ""))) % 2 == 0:
        case.body["api_key"] = world["key"]
        case.body.setdefault("jurisdiction_id", world["commune"])
    SENT[f"{case.operation.method.upper()} {case.operation.path}"] += 1
    # The WSGI client does not undo gzip (real clients do; compression is tested apart).
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})


def test_every_operation_was_exercised() -> None:
    if not SENT:
        pytest.skip("the generated tests were not selected in this run")
    operations = {
        f"{method.upper()} {path}" for path, item in SCHEMA["paths"].items() for method in item
    }
    assert operations <= set(SENT), operations - set(SENT)
    assert sum(SENT.values()) >= 100, SENT
