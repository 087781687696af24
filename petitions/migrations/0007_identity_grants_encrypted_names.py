"""
Denouncers' identities: per-unit grants, and petitioners' names and addresses encrypted.

- IdentityGrant: the right to see denouncers in a unit and below, given by a person, for a
  reason, until a date. The global permission `petitions.view_denouncer_identity` goes, and
  with its rows every holder's access: nobody keeps it silently (no grant is made from it;
  an administrator or supervisor grants again, by unit, what is still needed).
- Petitioner.full_name and .address become Fernet ciphertext like the CCCD and phone; the
  clear, folded `name_folded` column gives way to `name_hash`, a keyed hash of the folded name.
  Backwards: every name and address is decrypted into clear columns again (with the keys of the
  environment) and `name_folded` is rebuilt. The permission is not recreated (nobody held it
  legitimately any longer).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import danvan.core.crypto


def encrypt_rows(apps, schema_editor):
    from danvan.core.crypto import decrypt, encrypt, keyed_hash
    from danvan.core.text import fold

    table = apps.get_model("petitions", "Petitioner")._meta.db_table
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, full_name, address FROM {qn(table)}")  # nosec B608
        for pk, full_name, address in cursor.fetchall():
            full_name = decrypt(full_name or "")
            address = decrypt(address or "")
            cursor.execute(
                f"UPDATE {qn(table)} SET full_name = %s, address = %s, "  # nosec B608
                "name_hash = %s WHERE id = %s",
                [
                    encrypt(full_name) if full_name else "",
                    encrypt(address) if address else "",
                    keyed_hash(fold(full_name), purpose="name"),
                    pk,
                ],
            )


def decrypt_rows(apps, schema_editor):
    from danvan.core.crypto import decrypt
    from danvan.core.text import fold

    table = apps.get_model("petitions", "Petitioner")._meta.db_table
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, full_name, address FROM {qn(table)}")  # nosec B608
        for pk, full_name, address in cursor.fetchall():
            full_name = decrypt(full_name or "")
            address = decrypt(address or "")
            cursor.execute(
                f"UPDATE {qn(table)} SET full_name = %s, address = %s, "  # nosec B608
                "name_folded = %s WHERE id = %s",
                [full_name[:150], address[:255], fold(full_name)[:150], pk],
            )


def drop_global_identity_permission(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="petitions", codename="view_denouncer_identity"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("org", "0001_initial"),
        ("petitions", "0006_several_contents_search_text_without_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IdentityGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                ("valid_until", models.DateField(verbose_name="valid until (inclusive)")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="granted at")),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
                ),
                (
                    "granted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="granted by",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="revoked by",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                        verbose_name="unit (and the units below it)",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="identity_grants",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="granted to",
                    ),
                ),
            ],
            options={
                "verbose_name": "identity grant",
                "verbose_name_plural": "identity grants",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["user", "valid_until"], name="petitions_grant_user")
                ],
            },
        ),
        migrations.AlterModelOptions(
            name="petition",
            options={
                "ordering": ["-received_on", "-id"],
                "permissions": [
                    ("extend_deadline", "Can extend a petition's deadline by decision"),
                    ("handle_petition", "Can move petitions through the procedure"),
                ],
                "verbose_name": "petition",
                "verbose_name_plural": "petitions",
            },
        ),
        migrations.RunPython(drop_global_identity_permission, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="petitioner", name="petitions_person_nph"),
        migrations.AddField(
            model_name="petitioner",
            name="name_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="petitioner",
            name="full_name",
            field=danvan.core.crypto.EncryptedCharField(max_length=150, verbose_name="full name"),
        ),
        migrations.AlterField(
            model_name="petitioner",
            name="address",
            field=danvan.core.crypto.EncryptedCharField(
                blank=True, max_length=255, verbose_name="address"
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        # A default first, so that going back can add the column again to existing rows.
        migrations.AlterField(
            model_name="petitioner",
            name="name_folded",
            field=models.CharField(db_index=True, default="", editable=False, max_length=150),
        ),
        migrations.RemoveField(model_name="petitioner", name="name_folded"),
        migrations.AddIndex(
            model_name="petitioner",
            index=models.Index(
                fields=["name_hash", "phone_hash"], name="petitions_person_name_phone"
            ),
        ),
    ]
