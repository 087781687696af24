"""
The office day of bench/locustfile.py, for bench/soak.py: the same people and steps, and a
record of what the soak counts afterwards — every answer of 500 or more (and every request
that got no answer at all) with its time, and every acknowledged create (201) with its id.
SOAK_EVENTS names the file (one JSON object a line).
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from locust import events
from locustfile import Cadre, Handler, Supervisor  # noqa: F401 - the users locust runs

_lock = threading.Lock()
_out = open(os.environ["SOAK_EVENTS"], "a", encoding="utf-8")  # noqa: SIM115


def _write(record: dict[str, Any]) -> None:
    with _lock:
        _out.write(json.dumps(record) + "\n")
        _out.flush()


@events.request.add_listener
def _on_request(
    request_type: str,
    name: str,
    response: Any = None,
    exception: Any = None,
    start_time: float = 0.0,
    **_kwargs: Any,
) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 or status == 0:
        _write(
            {
                "kind": "error",
                "t": start_time,
                "status": status,
                "request": f"{request_type} {name}",
                "error": repr(exception)[:200] if exception else "",
            }
        )
    elif status == 201 and name == "/api/v1/petitions/ [create]":
        try:
            body = response.json()
        except ValueError:
            return
        _write({"kind": "created", "t": start_time, "id": body.get("id"), "code": body.get("code")})
