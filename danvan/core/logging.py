"""Logging filters."""

from __future__ import annotations

import logging


class ClientErrorAsWarning(logging.Filter):
    """Turns a client error reported by `django.security.*` into a one-line WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
