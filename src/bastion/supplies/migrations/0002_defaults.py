from django.db import migrations

# code, Chinese, English, order, category, unit of measure, days of cover below which a store is warned
ITEMS = [
    ("mask_surgical", "医用外科口罩", "Surgical masks", 10, "masks", "个", 3),
    ("mask_n95", "N95口罩", "N95 masks", 20, "masks", "个", 3),
    ("mask_plain", "普通口罩", "Plain masks", 30, "masks", "个", 3),
    ("disinfectant_84", "84消毒液", "84 disinfectant", 40, "disinfectant", "瓶", 3),
    ("alcohol_75", "75%医用酒精", "Medical alcohol 75%", 50, "alcohol", "瓶", 3),
    ("thermometer", "测温枪", "Infrared thermometers", 60, "thermometers", "把", 2),
    ("protective_suit", "防护服", "Protective suits", 70, "protective", "套", 3),
    ("gloves", "医用手套", "Medical gloves", 80, "protective", "副", 3),
    ("vegetables", "蔬菜", "Vegetables", 90, "food", "公斤", 2),
    ("other", "其他物资", "Other supplies", 900, "other", "件", 0),
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    items = apps.get_model("supplies", "Item").objects
    for code, zh, en, order, category, measure, threshold in ITEMS:
        items.get_or_create(
            code=code,
            defaults={
                "names": {"zh-hans": zh, "en": en},
                "sort_order": order,
                "category": category,
                "unit_of_measure": measure,
                "cover_days_threshold": threshold,
            },
        )


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("supplies", "Item").objects.filter(code__in=[row[0] for row in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
