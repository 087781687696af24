"""An e-mail backend whose server is down, for the failure tests."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("SMTP server unreachable")


class SlowFileBackend(BaseEmailBackend):
    """
    A slow mail server (0.05 s a message) that appends one line per message to the file named
    by DANVAN_TEST_MAIL_LOG, shared by worker processes: a delivery batch takes seconds, long
    enough to kill the worker in the middle of it.
    """

    def send_messages(self, email_messages: Any) -> int:
        import json
        import os
        import time

        for message in email_messages:
            time.sleep(0.05)
            with open(os.environ["DANVAN_TEST_MAIL_LOG"], "a", encoding="utf-8") as log:
                log.write(json.dumps([message.to, message.subject, message.body]) + "\n")
        return len(email_messages)
