import django.utils.timezone
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def last_change(apps, schema_editor):
    """Existing rows changed last when they were read, else when they were made."""
    Notification = apps.get_model("notify", "Notification")
    Notification.objects.update(updated_at=Coalesce(F("read_at"), F("created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0004_fill_notification_targets"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="notification",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated at"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(last_change, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["user", "updated_at", "id"], name="notify_notification_sync"),
        ),
    ]
