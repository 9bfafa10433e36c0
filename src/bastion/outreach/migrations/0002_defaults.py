from django.db import migrations

# code, Chinese, English, order
CHANNELS = [
    ("loudspeaker", "大喇叭", "Loudspeaker", 10),
    ("vehicle_loudspeaker", "流动宣传车", "Vehicle loudspeaker", 20),
    ("phone", "电话", "Phone calls", 30),
    ("wechat", "微信群", "WeChat group", 40),
    ("sms", "短信", "SMS", 50),
    ("banner", "横幅标语", "Banners", 60),
    ("leaflet", "宣传单", "Leaflets", 70),
    ("tv", "电视", "TV", 80),
    ("internet", "网络", "Internet", 90),
    ("briefing", "面对面宣讲", "Face-to-face briefing", 100),
]
TARGET_GROUPS = [
    ("residents", "居民群众", "Residents", 10),
    ("shop_owners", "商户", "Shop owners", 20),
    ("livestock_farmers", "养殖大户", "Large livestock farmers", 30),
    ("returnees", "返乡人员", "Returnees", 40),
    ("students", "学生及家长", "Students and parents", 50),
    ("other", "其他", "Others", 900),
]
COMMON = [
    ("temperature", "入口测温", "Temperature check at the entrance"),
    ("registration", "出入人员登记", "Visitors registered"),
    ("masks", "佩戴口罩", "Masks worn"),
    ("ventilation", "通风换气", "Ventilation"),
    ("disinfection_log", "消毒记录齐全", "Disinfection log kept"),
]
# code, Chinese, English, order, disinfect every (days), extra checklist items
PLACE_KINDS = [
    ("hospital", "医院", "Hospital", 10, 1, [("triage", "预检分诊", "Pre-examination triage")]),
    ("clinic", "诊所（卫生室）", "Clinic", 20, 1, [("fever_referral", "发热病人及时转诊", "Fever patients referred")]),
    ("bus_station", "汽车站", "Bus station", 30, 1, [("passenger_log", "旅客信息登记", "Passengers' details logged")]),
    ("market", "农贸市场", "Market", 40, 1, []),
    ("mall", "商场", "Mall", 50, 1, []),
    ("supermarket", "超市", "Supermarket", 60, 1, [("distance", "排队保持一米间距", "One metre kept in queues")]),
    ("restaurant", "餐馆", "Restaurant", 70, 2, [("tableware", "餐具消毒", "Tableware disinfected")]),
    ("hotel", "宾馆", "Hotel", 80, 2, [("guest_log", "住宿人员登记", "Guests registered")]),
    ("school", "学校", "School", 90, 1, [("morning_check", "晨午检", "Morning and noon checks")]),
    ("other", "其他人员密集场所", "Other crowded place", 900, 3, []),
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model, entries in (("Channel", CHANNELS), ("TargetGroup", TARGET_GROUPS)):
        manager = apps.get_model("outreach", model).objects
        for code, zh, en, order in entries:
            manager.get_or_create(code=code, defaults={"names": {"zh-hans": zh, "en": en}, "sort_order": order})
    kinds = apps.get_model("outreach", "PlaceKind").objects
    items = apps.get_model("outreach", "ChecklistItem").objects
    for code, zh, en, order, every, extra in PLACE_KINDS:
        kind, _created = kinds.get_or_create(
            code=code,
            defaults={"names": {"zh-hans": zh, "en": en}, "sort_order": order, "disinfect_every_days": every},
        )
        for number, (item_code, item_zh, item_en) in enumerate([*COMMON, *extra], start=1):
            items.get_or_create(
                place_kind=kind,
                code=item_code,
                defaults={"names": {"zh-hans": item_zh, "en": item_en}, "sort_order": number * 10},
            )


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model, codes in (
        ("PlaceKind", [row[0] for row in PLACE_KINDS]),
        ("TargetGroup", [row[0] for row in TARGET_GROUPS]),
        ("Channel", [row[0] for row in CHANNELS]),
    ):
        for code in codes:
            try:
                apps.get_model("outreach", model).objects.filter(code=code).delete()
            except Exception:  # noqa: S112  (an entry in use stays)
                continue


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
