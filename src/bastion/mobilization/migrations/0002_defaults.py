from django.db import migrations

CATEGORIES = [
    ("leader", "科级以上领导", "Section-level and above leaders", 10),
    ("cadre", "机关、村(社区)党员干部", "Agency and village (community) cadres", 20),
    ("farmer_herder", "农牧民党员", "Farmer and herder party members", 30),
    ("volunteer", "志愿者", "Volunteers", 40),
]
DUTY_TYPES = [
    ("four_in_one", "社区四位一体", "Community four-in-one team", 10),
    ("hq", "指挥部", "Command HQ", 20),
    ("screening", "下沉大排查", "Door-to-door screening", 30),
    ("checkpoint", "卡点带班值班", "Checkpoint shift lead and duty", 40),
    ("contact", "包乡联村", "Township and village contact", 50),
    ("supervision", "到村督促指导", "Supervision of village work", 60),
]
TEAM_KINDS = [
    ("vanguard", "党员先锋队", "Party members' vanguard team", 10),
    ("commando", "突击队", "Commando team", 20),
    ("service", "服务小分队", "Service team", 30),
]
LISTS = {"ResponderCategory": CATEGORIES, "DutyType": DUTY_TYPES, "TeamKind": TEAM_KINDS}


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model, entries in LISTS.items():
        manager = apps.get_model("mobilization", model).objects
        for code, zh, en, order in entries:
            manager.get_or_create(code=code, defaults={"names": {"zh-hans": zh, "en": en}, "sort_order": order})


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model, entries in LISTS.items():
        manager = apps.get_model("mobilization", model).objects
        for code, _zh, _en, _order in entries:
            try:
                manager.filter(code=code).delete()
            except Exception:  # noqa: S112  (an entry in use stays)
                continue


class Migration(migrations.Migration):
    dependencies = [("mobilization", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
