import datetime as dt

from django.db import migrations

# code, Chinese, English, order, usual time, material gathered
MEETING_KINDS = [
    ("weekly", "领导小组周例会", "Leading group weekly meeting", 10, dt.time(10, 0), ""),
    ("dispatch_adhoc", "随时调度会", "Ad hoc dispatch meeting", 20, None, ""),
    ("daily_analysis", "指挥部日分析会", "HQ daily analysis", 30, dt.time(17, 0), "review"),
    ("morning_dispatch", "早派工", "Morning dispatch", 40, dt.time(8, 30), "dispatch"),
    ("evening_review", "晚研判", "Evening review", 50, dt.time(20, 0), "review"),
    ("evening_roundup", "工作队碰头会", "Evening roundup of a work team", 60, dt.time(21, 0), ""),
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    kinds = apps.get_model("command", "MeetingKind").objects
    for code, zh, en, order, usual_time, material in MEETING_KINDS:
        kinds.get_or_create(
            code=code,
            defaults={
                "names": {"zh-hans": zh, "en": en},
                "sort_order": order,
                "usual_time": usual_time,
                "material": material,
            },
        )


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    kinds = apps.get_model("command", "MeetingKind").objects
    for row in MEETING_KINDS:
        try:
            kinds.filter(code=row[0]).delete()
        except Exception:  # noqa: S112  (a kind in use stays)
            continue


class Migration(migrations.Migration):
    dependencies = [("command", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
