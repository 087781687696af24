"""The notices' legal forms and deadlines (seeds.petitions.NOTICE_POLICIES); edits are kept."""

from django.db import migrations


def create(apps, schema_editor):
    from seeds.petitions import seed_notice_policies

    seed_notice_policies(apps.get_model("petitions", "NoticePolicy"))


class Migration(migrations.Migration):
    dependencies = [("petitions", "0010_notices")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
