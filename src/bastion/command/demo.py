"""The demo county's command system, as the report of February 2020 describes it: the leading group and the
HQ with its office and eight working groups, a command post in every township, a liaison pair between the
HQ and each township, and a week of morning dispatches, evening reviews, a weekly meeting (the 500,000 yuan
put in up front), action items at every stage and a weakness found and fixed."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from bastion.command.models import ActionItem, ActionNote, CommandPost, Meeting, MeetingKind, PostMember, WorkingGroup
from bastion.command.services import actions
from bastion.command.services.meetings import attendance_record, decision_record, meeting_close, meeting_open
from bastion.command.services.structure import command_post_create, liaison_create, post_member_add
from bastion.command.services.weaknesses import weakness_record, weakness_verify
from bastion.command.services.worklog import worklog_draft, worklog_sign
from bastion.core.demo import demo_accounts
from bastion.core.models import OrgUnit, User
from bastion.supplies.models import FundEntry

_phones = (f"1399{n:07d}" for n in itertools.count(4820001))
LEADS = {
    "coordination": "何振华",
    "medical": "马丽娜",
    "monitoring": "张国庆",
    "reporting": "李晓东",
    "publicity": "阿依古丽",
    "logistics": "刘建军",
    "public_order": "杨勇",
    "supervision": "赵志强",
}
# A week of the rhythm: (days ago, group, what the morning dispatch set)
DISPATCHED = [
    (6, "monitoring", "对1月10日以来返乡人员开展第一轮入户排查"),
    (6, "logistics", "向各乡镇调拨医用外科口罩"),
    (5, "publicity", "各村大喇叭每日早晚各播放一次防控知识"),
    (5, "public_order", "高速路口卡点实行24小时带班值班"),
    (4, "monitoring", "第二轮入户核实，不漏一户一人"),
    (4, "reporting", "督促各村按时报送零报告"),
    (3, "medical", "发热门诊实行预检分诊"),
    (3, "logistics", "为居家观察人员送菜送药"),
    (2, "monitoring", "第三轮核实返乡大学生和务工人员"),
    (2, "publicity", "张贴致湖北返乡人员的一封信（汉哈双语）"),
    (1, "supervision", "抽查各乡镇卡点值守情况"),
    (1, "monitoring", "第四轮核实并汇总全县排查结果"),
    (0, "logistics", "核对县物资储备库口罩库存"),
    (0, "reporting", "汇总今日各乡镇日报告"),
]


def _member(post: CommandPost, name: str, position: str, title: str = "", user: User | None = None) -> PostMember:
    return post_member_add(
        by=None,
        command_post=post,
        name=name,
        position=position,
        title=title,
        phone=next(_phones),
        user=user,
        starts_on=timezone.localdate() - dt.timedelta(days=20),
    )


def _county_post(county: OrgUnit, users: dict[str, User]) -> CommandPost:
    post = command_post_create(
        by=None,
        org_unit=county,
        name=f"{county.display_name}新冠肺炎疫情防控指挥部",
        leading_group_name=f"{county.display_name}新冠肺炎疫情防控工作领导小组",
        duty_phone="0994-4822110",
    )
    _member(post, "王建国", PostMember.Position.LEADER, "县委书记")
    _member(post, "陈新华", PostMember.Position.DEPUTY, "县长")
    _member(post, "周文明", PostMember.Position.OFFICE_DIRECTOR, "指挥部办公室主任", users["hq"])
    for group in WorkingGroup.objects.filter(command_post=post):
        user = users["group"] if group.code == "supervision" else None
        lead = _member(post, LEADS[group.code], PostMember.Position.MEMBER, f"{group}组长", user)
        group.lead = lead
        group.save(update_fields=["lead"])
        group.members.add(lead)
    return post


def _townships(county: OrgUnit, hq: CommandPost) -> None:
    townships = county.children.filter(kind=OrgUnit.Kind.TOWNSHIP).order_by("division_code")
    for number, township in enumerate(townships, start=1):
        post = command_post_create(
            by=None,
            org_unit=township,
            name=f"{township.display_name}疫情防控指挥部",
            leading_group_name=f"{township.display_name}疫情防控工作领导小组",
            duty_phone=f"0994-48230{number:02d}",
        )
        _member(post, f"{township.display_name}党委书记", PostMember.Position.LEADER, "党委书记")
        office = _member(post, f"{township.display_name}办公室", PostMember.Position.OFFICE_DIRECTOR, "办公室主任")
        hq_side = _member(hq, f"县联络员{number:02d}", PostMember.Position.LIAISON, f"联系{township.display_name}")
        liaison_create(
            by=None,
            command_post=hq,
            hq_member=hq_side,
            unit=township,
            contact_name=office.name,
            contact_phone=office.phone,
        )


def _items_of_the_week(hq: CommandPost, users: dict[str, User], today: dt.date) -> None:
    kinds = {kind.code: kind for kind in MeetingKind.objects.all()}
    groups = {group.code: group for group in WorkingGroup.objects.filter(command_post=hq)}
    office, supervision = users["hq"], users["group"]
    leader = PostMember.objects.get(command_post=hq, position=PostMember.Position.LEADER)
    weekly = meeting_open(by=office, command_post=hq, kind=kinds["weekly"], title="领导小组第一次周例会")
    attendance_record(by=office, meeting=weekly, member=leader, present=True)
    budget = FundEntry.objects.filter(org_unit=hq.org_unit, kind=FundEntry.Kind.BUDGET).first()
    funds = decision_record(
        by=office,
        meeting=weekly,
        text="县财政先期投入50万元用于疫情防控物资采购",
        due_on=today,
        owner_group=groups["logistics"],
    )
    if budget is not None:
        funds.amount, funds.fund_entry = budget.amount, budget
        funds.save(update_fields=["amount", "fund_entry"])
    meeting_close(by=office, meeting=weekly)
    Meeting.objects.filter(pk=weekly.pk).update(held_on=today - dt.timedelta(days=6))
    for days_ago in range(6, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        morning = meeting_open(by=office, command_post=hq, kind=kinds["morning_dispatch"])
        attendance_record(by=office, meeting=morning, member=leader, present=True)
        for _ago, code, text in (row for row in DISPATCHED if row[0] == days_ago):
            decision = decision_record(by=office, meeting=morning, text=text, due_on=today, owner_group=groups[code])
            item = decision.action_items.get()
            if days_ago >= 3:
                actions.action_item_claim(by=office, item=item, text="已完成")
                actions.action_item_verify(by=supervision, item=item, text="督导组抽查属实")
            elif days_ago >= 1:
                actions.action_item_progress(by=office, item=item, text="正在推进")
            set_at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 45)))
            ActionItem.objects.filter(pk=item.pk).update(due_on=day + dt.timedelta(days=1), created_at=set_at)
            ActionNote.objects.filter(item=item).update(at=set_at + dt.timedelta(hours=8))
        if days_ago:
            meeting_close(by=office, meeting=morning)
            evening = meeting_open(by=office, command_post=hq, kind=kinds["evening_review"])
            meeting_close(by=office, meeting=evening)
            Meeting.objects.filter(pk__in=[morning.pk, evening.pk]).update(held_on=day)


def _weakness(hq: CommandPost, users: dict[str, User], today: dt.date) -> None:
    township = hq.org_unit.children.order_by("division_code").first() or hq.org_unit
    found = weakness_record(
        by=users["hq"],
        command_post=hq,
        org_unit=township,
        found_by="督导组",
        description="部分村卡点夜间值守人员不足，登记不全",
        found_on=today - dt.timedelta(days=4),
    )
    item = actions.action_item_create(
        by=users["hq"],
        command_post=hq,
        title="补齐卡点夜间带班人员并规范登记",
        due_on=today,
        owner_unit=township,
        origin=ActionItem.Origin.WEAKNESS,
        weakness=found,
    )
    actions.action_item_claim(by=users["hq"], item=item, text="已按每班两人排班，登记本逐人填写")
    actions.action_item_verify(by=users["group"], item=item, text="夜查三个卡点均有人值守")
    weakness_verify(by=users["group"], weakness=found, verification="督导组夜查三个卡点，整改到位")


@transaction.atomic
def demo_command(county: OrgUnit) -> None:
    """Idempotent: nothing is added once the county has its command post."""
    if CommandPost.objects.filter(org_unit=county).exists():
        return
    importlib.import_module("bastion.command.migrations.0002_defaults").add_defaults(apps, None)
    demo_accounts(county)
    users = {user.username: user for user in User.objects.filter(username__in=["hq", "group"])}
    hq = _county_post(county, users)
    _townships(county, hq)
    today = timezone.localdate()
    _items_of_the_week(hq, users, today)
    _weakness(hq, users, today)
    for days_ago in range(6, 0, -1):
        log = worklog_draft(by=None, command_post=hq, day=today - dt.timedelta(days=days_ago))
        worklog_sign(by=users["hq"], log=log)
