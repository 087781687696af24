"""Parsing the timestamps clients send (sync cursors), so no odd value reaches the database."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def parse_client_datetime(raw: str) -> datetime.datetime | None:
    """An aware UTC datetime from ISO 8601 text, or None when it is not one we can store.

    A "+" in a query string arrives as a space, so it is put back. Offsets that parse but
    that PostgreSQL rejects (beyond ±15:59) and instants outside year 1-9999 once in UTC
    give None, never an error from the database.
    """
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        return None
    if value is None:
        return None
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None
