"""
Personal data at rest: encrypted fields and keyed hashes (blind indexes) for look-ups.

Citizen ID numbers and phone numbers are stored encrypted (Fernet: AES-128-CBC + HMAC)
with keys from the environment (`FIELD_ENCRYPTION_KEYS`, newest first, so keys can be
rotated), and beside them an HMAC-SHA256 of the normalised value (`FIELD_HASH_KEY`) so
"the same person" can still be found with an indexed equality query.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"Environment variable FIELD_ENCRYPTION_KEYS: not a valid Fernet key ({exc})."
        ) from None


def encrypt(value: str) -> str:
    token = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode())
    return PREFIX + token.decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value  # written before encryption was switched on; re-saved encrypted
    try:
        return (
            _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))
            .decrypt(value[len(PREFIX) :].encode())
            .decode()
        )
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS: a key is missing."
        ) from None


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of an already-normalised value: equal inputs give equal hashes, nothing else."""
    if not value:
        return ""
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text value stored encrypted; only `isnull` can be queried (use a keyed hash to look up)."""

    description = "Encrypted text"

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        # max_length validates the clear text (forms, serializers); the column is TEXT.
        self.clear_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.clear_max_length:
            kwargs["max_length"] = self.clear_max_length
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(f"{self.__class__.__name__} cannot be queried with '{lookup_name}'.")
        return super().get_lookup(lookup_name)
