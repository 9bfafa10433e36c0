from django.db import migrations

RISK_AREAS = [("湖北省", "42")]
OVERDUE = ("arrival_overdue", "卡点来人未按时核查", "Arrival not verified in time", 16)


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    areas = apps.get_model("checkpoints", "RiskArea").objects
    for name, code in RISK_AREAS:
        areas.get_or_create(division_code=code, defaults={"name": name})
    code, zh, en, order = OVERDUE
    apps.get_model("reporting", "IncidentCategory").objects.get_or_create(
        code=code, defaults={"names": {"zh-hans": zh, "en": en}, "sort_order": order}
    )


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("reporting", "IncidentCategory").objects.filter(code=OVERDUE[0], reports__isnull=True).delete()
    apps.get_model("checkpoints", "RiskArea").objects.filter(division_code__in=[c for _n, c in RISK_AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0001_initial"), ("reporting", "0002_default_incident_categories")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
