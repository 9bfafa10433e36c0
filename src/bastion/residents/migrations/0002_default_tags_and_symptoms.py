from django.db import migrations

TAGS = [
    ("college_student", "返乡大学生", "Returning college student", 10),
    ("migrant_worker", "返乡务工人员", "Returning migrant worker", 20),
    ("other_returnee", "其他返乡人员", "Other returnee", 30),
    ("resident", "常住居民", "Resident", 40),
]
SYMPTOMS = [
    ("fever", "发热", "Fever", 10),
    ("dry_cough", "干咳", "Dry cough", 20),
    ("fatigue", "乏力", "Fatigue", 30),
    ("sore_throat", "咽痛", "Sore throat", 40),
    ("smell_taste_loss", "嗅觉味觉减退", "Loss of smell or taste", 50),
    ("diarrhoea", "腹泻", "Diarrhoea", 60),
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model, rows in (("CategoryTag", TAGS), ("Symptom", SYMPTOMS)):
        manager = apps.get_model("residents", model).objects
        for code, zh, en, order in rows:
            manager.get_or_create(code=code, defaults={"names": {"zh-hans": zh, "en": en}, "sort_order": order})


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("residents", "CategoryTag").objects.filter(
        code__in=[row[0] for row in TAGS], persons__isnull=True, campaigns__isnull=True
    ).delete()
    apps.get_model("residents", "Symptom").objects.filter(code__in=[row[0] for row in SYMPTOMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
