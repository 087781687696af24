"""Encryption of personal data at rest and keyed hashes for look-ups."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from danvan.core import crypto


def test_encrypted_value_reads_back_and_hides_the_clear_text():
    stored = crypto.encrypt("079203001234")

    assert "079203001234" not in stored
    assert stored.startswith(crypto.PREFIX)
    assert crypto.decrypt(stored) == "079203001234"


def test_two_encryptions_of_one_value_differ():
    assert crypto.encrypt("0912345678") != crypto.encrypt("0912345678")


def test_keys_rotate_newest_first(settings):
    old_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    stored_with_old = crypto.encrypt("0912345678")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    assert crypto.decrypt(stored_with_old) == "0912345678"


def test_a_missing_key_is_a_clear_configuration_error(settings):
    stored = crypto.encrypt("0912345678")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt(stored)


def test_keyed_hash_is_stable_keyed_and_purpose_bound(settings):
    first = crypto.keyed_hash("079203001234", purpose="cccd")

    assert first == crypto.keyed_hash("079203001234", purpose="cccd")
    assert first != crypto.keyed_hash("079203001234", purpose="phone")
    assert "079203001234" not in first
    settings.FIELD_HASH_KEY = "another-key-another-key-another-key"
    assert crypto.keyed_hash("079203001234", purpose="cccd") != first
    assert crypto.keyed_hash("", purpose="cccd") == ""
