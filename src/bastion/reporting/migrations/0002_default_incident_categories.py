from django.db import migrations

DEFAULTS = [
    ("suspected_case", "疑似病例或发热", "Suspected case or fever", 10),
    ("refusal", "拒不配合", "Refusal to cooperate", 20),
    ("supply_shortage", "物资短缺", "Supply shortage", 30),
    ("gathering", "聚集活动", "Gathering", 40),
    ("other", "其他", "Other", 90),
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    category = apps.get_model("reporting", "IncidentCategory")
    for code, zh, en, order in DEFAULTS:
        category.objects.get_or_create(code=code, defaults={"names": {"zh-hans": zh, "en": en}, "sort_order": order})


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    category = apps.get_model("reporting", "IncidentCategory")
    category.objects.filter(code__in=[code for code, *_rest in DEFAULTS], reports__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
