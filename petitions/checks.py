"""A start-up check: the encryption keys of the environment open the stored personal data."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


@register(Tags.database)
def encryption_keys_open_stored_data(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Error]:
    """Run by `migrate` and `check --database default`: a wrong key stops the deploy."""
    if not databases or "default" not in databases:
        return []
    from petitions.models import Petitioner

    try:
        # Every petitioner has an encrypted name (migration 0007), so the newest row will do.
        newest = Petitioner.objects.order_by("-id")
        list(newest.values_list("full_name", "citizen_id", "phone")[:1])
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Set FIELD_ENCRYPTION_KEYS", id="danvan.E001")]
    except DatabaseError:
        return []  # not migrated yet: nothing stored to open
    return []
