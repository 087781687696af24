"""
How a text message (SMS, Zalo) leaves the system: a provider named by import path in the
settings (CITIZEN_SMS_PROVIDER, CITIZEN_ZALO_PROVIDER; empty: the channel is off). Embedded
mode writes each message to a file under var/sms/ (FileTextProvider); a gateway's provider
implements `send` and raises DeliveryError (docs/operations.md, "Messages to citizens").
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The provider did not take the message; `permanent`: retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class TextProvider(Protocol):
    def send(self, to: str, text: str, *, key: str) -> str:
        """Hand the text to the gateway; answer its message id. `key`: its idempotency key."""


class FileTextProvider:
    """One JSON file per message under CITIZEN_TEXT_DIR (var/sms/): embedded mode, tests."""

    def __init__(self, channel: str = "sms") -> None:
        self.channel = channel

    def send(self, to: str, text: str, *, key: str) -> str:
        folder = Path(settings.CITIZEN_TEXT_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{self.channel}-{key.replace(':', '-')}.json"
        payload = {"channel": self.channel, "to": to, "text": text, "key": key}
        (folder / name).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return name


class ZaloFileProvider(FileTextProvider):
    def __init__(self) -> None:
        super().__init__("zalo")


class ConsoleTextProvider:
    """Logs the message (development)."""

    def send(self, to: str, text: str, *, key: str) -> str:
        log.info("Text message %s to %s: %s", key, to, text)
        return key


@cache
def _provider(path: str) -> TextProvider:
    return import_string(path)()


def text_provider(channel: str) -> TextProvider | None:
    """The provider of a text channel ("sms", "zalo"), or None when the channel is off."""
    path = {
        "sms": settings.CITIZEN_SMS_PROVIDER,
        "zalo": settings.CITIZEN_ZALO_PROVIDER,
    }.get(channel, "")
    return _provider(path) if path else None
