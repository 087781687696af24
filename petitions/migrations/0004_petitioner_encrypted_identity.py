"""
Citizen ID numbers and phone numbers encrypted at rest, found by keyed hashes.

Forwards: the columns become TEXT holding Fernet ciphertext, `citizen_id_hash` / `phone_hash`
hold HMACs of the normalised values, and the clear `phone_normalised` goes. Backwards:
every value is decrypted into clear columns again (with the keys of the environment).
"""

import re

from django.db import migrations, models

import danvan.core.crypto
import petitions.models


def _normalise_phone(phone):
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def encrypt_rows(apps, schema_editor):
    from danvan.core.crypto import encrypt, keyed_hash

    Petitioner = apps.get_model("petitions", "Petitioner")
    table = Petitioner._meta.db_table
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, citizen_id, phone FROM {qn(table)}")  # nosec B608
        rows = cursor.fetchall()
        for pk, citizen_id, phone in rows:
            citizen_id = danvan.core.crypto.decrypt(citizen_id or "")
            phone = danvan.core.crypto.decrypt(phone or "")
            clean_id = re.sub(r"\s", "", citizen_id)
            cursor.execute(
                f"UPDATE {qn(table)} SET citizen_id = %s, phone = %s, "  # nosec B608
                "citizen_id_hash = %s, phone_hash = %s WHERE id = %s",
                [
                    encrypt(citizen_id) if citizen_id else "",
                    encrypt(phone) if phone else "",
                    keyed_hash(clean_id, purpose="cccd"),
                    keyed_hash(_normalise_phone(phone), purpose="phone"),
                    pk,
                ],
            )


def decrypt_rows(apps, schema_editor):
    from danvan.core.crypto import decrypt

    Petitioner = apps.get_model("petitions", "Petitioner")
    table = Petitioner._meta.db_table
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, citizen_id, phone FROM {qn(table)}")  # nosec B608
        rows = cursor.fetchall()
        for pk, citizen_id, phone in rows:
            citizen_id = decrypt(citizen_id or "")
            phone = decrypt(phone or "")
            cursor.execute(
                f"UPDATE {qn(table)} SET citizen_id = %s, phone = %s, "  # nosec B608
                "phone_normalised = %s WHERE id = %s",
                [citizen_id, phone, _normalise_phone(phone)[:20], pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0003_event_duplicate_dismissed"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="petitioner",
            name="petitions_petitioner_cccd_unique",
        ),
        migrations.RemoveIndex(
            model_name="petitioner",
            name="petitions_person_np",
        ),
        migrations.AddField(
            model_name="petitioner",
            name="citizen_id_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="petitioner",
            name="phone_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="petitioner",
            name="citizen_id",
            field=danvan.core.crypto.EncryptedCharField(
                blank=True,
                max_length=12,
                validators=[petitions.models.citizen_id_validator],
                verbose_name="citizen ID number",
            ),
        ),
        migrations.AlterField(
            model_name="petitioner",
            name="phone",
            field=danvan.core.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="phone"
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.RemoveField(
            model_name="petitioner",
            name="phone_normalised",
        ),
        migrations.AddConstraint(
            model_name="petitioner",
            constraint=models.UniqueConstraint(
                condition=models.Q(("citizen_id_hash", ""), _negated=True),
                fields=("citizen_id_hash",),
                name="petitions_petitioner_cccd_hash_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="petitioner",
            index=models.Index(fields=["name_folded", "phone_hash"], name="petitions_person_nph"),
        ),
    ]
