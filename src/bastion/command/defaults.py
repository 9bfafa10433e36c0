"""The working groups a new command post starts with: the eight of the county report (configurable after)."""

from __future__ import annotations

# code, Chinese, English, duties (Chinese), areas of Bastion
WORKING_GROUPS = [
    ("coordination", "综合协调组", "Comprehensive coordination", "统筹协调各组工作，组织会议，督办落实。", ["command"]),
    ("medical", "医疗救治组", "Medical treatment", "发热病人诊治、转诊和定点医院救治。", ["observation"]),
    (
        "monitoring",
        "疫情监测处置组",
        "Epidemic monitoring and response",
        "排查返乡人员，居家观察，卡点登记，疫情处置。",
        ["residents", "observation", "checkpoints"],
    ),
    ("reporting", "信息报送组", "Information reporting", "日报告、零报告和时时报的收集、汇总和上报。", ["reporting"]),
    ("publicity", "宣传报道组", "Publicity", "通知公告、双语宣传、大喇叭和微信群宣传。", ["outreach"]),
    ("logistics", "后勤保障组", "Logistics", "口罩、消毒液等物资的采购、调拨和发放，捐赠管理。", ["supplies"]),
    ("public_order", "治安组", "Public order", "卡点值守，维护社会秩序，处置聚集。", ["checkpoints", "mobilization"]),
    ("supervision", "督导组", "Supervision", "督促检查各单位工作落实，核实任务完成情况。", ["command", "outreach"]),
]
