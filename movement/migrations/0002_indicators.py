"""The indicators each level reports up (docs/architecture.md §14); administrators add more."""

from django.db import migrations

INDICATORS = [
    # code, name, unit of measure, aggregation, decimals
    ("meetings_held", "Hội nghị tuyên truyền, vận động đã tổ chức", "hội nghị", "sum", 0),
    ("people_reached", "Lượt người được tuyên truyền, vận động", "lượt người", "sum", 0),
    ("to_dan_van_founded", "Tổ dân vận thành lập", "tổ", "sum", 0),
    ("land_donated_m2", "Diện tích đất Nhân dân hiến", "m²", "sum", 2),
    ("workdays", "Ngày công Nhân dân đóng góp", "ngày công", "sum", 0),
    ("money_vnd", "Tiền Nhân dân đóng góp", "đồng", "sum", 0),
    ("models_recognised", "Mô hình “Dân vận khéo” được công nhận", "mô hình", "sum", 0),
]


def create(apps, schema_editor):
    Indicator = apps.get_model("movement", "Indicator")
    for position, (code, name, measure, aggregation, decimals) in enumerate(INDICATORS, 1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "measure": measure,
                "aggregation": aggregation,
                "decimals": decimals,
                "position": position,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("movement", "Indicator").objects.filter(
        code__in=[row[0] for row in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("movement", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
