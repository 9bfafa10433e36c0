from django.db import migrations

REASONS = [
    ("returnee", "重点地区返乡人员", "Returnee from a risk area", 10, 14),
    ("close_contact", "密切接触者", "Close contact", 20, 14),
    ("screening", "排查中发现症状", "Found with symptoms in screening", 30, 14),
    ("other", "其他", "Other", 90, 14),
]
NEED_ITEMS = [
    ("vegetables", "蔬菜", "Vegetables", 10, "公斤"),
    ("groceries", "生活用品", "Groceries", 20, "份"),
    ("medicine", "药品", "Medicine", 30, "份"),
    ("disinfectant", "消毒液", "Disinfectant", 40, "瓶"),
    ("masks", "口罩", "Masks", 50, "个"),
    ("other", "其他", "Other", 90, "份"),
]
CARE_CATEGORIES = [
    ("elderly_alone", "独居老人", "Elderly living alone", 10),
    ("disabled", "残疾人", "Disabled", 20),
    ("poor_household", "建档立卡贫困户", "Registered poor household", 30),
    ("other", "其他困难群众", "Other person in difficulty", 90),
]


def names(zh: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": en}


ALERT = ("observation_alert", "居家观察人员发热或出现症状", "Fever or symptoms under observation", 15)


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    reasons = apps.get_model("observation", "ObservationReason").objects
    for code, zh, en, order, days in REASONS:
        reasons.get_or_create(code=code, defaults={"names": names(zh, en), "sort_order": order, "default_days": days})
    items = apps.get_model("observation", "NeedItem").objects
    for code, zh, en, order, measure in NEED_ITEMS:
        items.get_or_create(
            code=code, defaults={"names": names(zh, en), "sort_order": order, "unit_of_measure": measure}
        )
    categories = apps.get_model("observation", "CareCategory").objects
    for code, zh, en, order in CARE_CATEGORIES:
        categories.get_or_create(code=code, defaults={"names": names(zh, en), "sort_order": order})
    code, zh, en, order = ALERT
    apps.get_model("reporting", "IncidentCategory").objects.get_or_create(
        code=code, defaults={"names": names(zh, en), "sort_order": order}
    )


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("reporting", "IncidentCategory").objects.filter(code=ALERT[0], reports__isnull=True).delete()
    for model in ("ObservationReason", "NeedItem", "CareCategory"):
        apps.get_model("observation", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("observation", "0001_initial"), ("reporting", "0002_default_incident_categories")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
