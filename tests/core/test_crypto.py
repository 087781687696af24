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


# --- decrypt_many: the exports' batch decryption, equal to decrypt value by value -----------
def test_decrypt_many_equals_decrypt_for_every_length_and_key(settings):
    old_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    values = ["Nguyễn Văn Nam", "x" * 15, "y" * 16, "z" * 17, "079203001234"]
    values += ["Đ" * length for length in range(40)]
    stored = [crypto.encrypt(value) for value in values if value]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    stored += [crypto.encrypt(value) for value in values if value]  # with the newest key
    stored += ["", "written before encryption", "0912345678"]  # clear text: as it is

    assert crypto.decrypt_many(stored) == [crypto.decrypt(value) for value in stored]
    assert crypto.decrypt_many(stored)[0] == "Nguyễn Văn Nam"
    assert crypto.decrypt_many([]) == []


def test_decrypt_many_fails_as_decrypt_fails(settings):
    stored = crypto.encrypt("0912345678")
    token = stored[len(crypto.PREFIX) :]
    tampered = crypto.PREFIX + token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    truncated = stored[:-8]
    settings.FIELD_ENCRYPTION_KEYS = [settings.FIELD_ENCRYPTION_KEYS[0]]
    for bad in (tampered, truncated, crypto.PREFIX + "not a token"):
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            crypto.decrypt(bad)
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            crypto.decrypt_many([crypto.encrypt("ok"), bad])

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the key is missing
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt_many([stored])
