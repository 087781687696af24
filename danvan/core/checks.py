"""System checks of danvan's own settings (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104  # nosec B104 (compared, not bound)


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host in LOCAL_HOSTS:
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: links in e-mails would point at the "
                "reader's own computer.",
                hint="Set the environment variable SITE_URL to the public address, "
                "e.g. https://danvan.example.vn.",
                id="danvan.W001",
            )
        ]
    return []
