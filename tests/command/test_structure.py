"""The command structure as cadres set it up: a post at every level with the eight working groups, its members
kept with their history, groups configured per post, and one-to-one liaisons with the units below."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bastion.command.models import CommandPost, Liaison, PostMember, WorkingGroup
from bastion.command.services.structure import (
    command_post_create,
    command_post_update,
    liaison_create,
    liaison_end,
    post_member_add,
    post_member_end,
    working_group_create,
    working_group_update,
)
from bastion.core.models import AuditEvent, User
from tests import factories
from tests.command import factories as command
from tests.conftest import World, english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")


@pytest.fixture
def township_post(world: World) -> CommandPost:
    post = command.post(world.township_a)
    command.member(post, "陈镇长", PostMember.Position.LEADER)
    command.member(post, "周联络", PostMember.Position.LIAISON)
    return post


def _member(post: CommandPost, name: str) -> PostMember:
    return PostMember.objects.get(command_post=post, name=name)


# --- Command posts ------------------------------------------------------------------------------------------------


def test_a_new_command_post_starts_with_the_eight_working_groups(world: World, township_cadre: User) -> None:
    post = command_post_create(
        by=township_cadre, org_unit=world.township_a, name="木垒镇疫情防控指挥部", duty_phone="0994 4821234"
    )
    groups = list(post.groups.order_by("sort_order"))
    assert [g.code for g in groups] == [
        "coordination",
        "medical",
        "monitoring",
        "reporting",
        "publicity",
        "logistics",
        "public_order",
        "supervision",
    ]
    assert groups[0].names == {"zh-hans": "综合协调组", "en": "Comprehensive coordination"}
    assert groups[2].areas == ["residents", "observation", "checkpoints"]
    assert post.duty_phone == "09944821234"
    event = AuditEvent.objects.get(action="command_post.create")
    assert event.org_unit == world.township_a
    assert event.summary == {"name": "木垒镇疫情防控指挥部", "duty_phone": "set", "groups": 8}


def test_the_new_post_page_sets_up_a_village_post(village_cadre_a: User, world: World) -> None:
    client = english_client(village_cadre_a)
    page = client.get(reverse("command:post_new"), {"unit": world.village_a.pk}).content.decode()
    assert "水磨沟村 epidemic command post" in page
    assert "沈家沟" not in page  # village B is no choice
    response = client.post(
        reverse("command:post_new"),
        {"org_unit": world.village_a.pk, "name": "水磨沟村防控指挥部", "duty_phone": "13912345678"},
        follow=True,
    )
    post = CommandPost.objects.get(org_unit=world.village_a)
    assert response.redirect_chain[-1][0] == reverse("command:post_detail", args=[post.pk])
    page = response.content.decode()
    assert "The command post 水磨沟村防控指挥部 is saved." in page
    assert "Public order" in page and "Supervision" in page


def test_a_unit_has_one_command_post_at_most(world: World, county_admin: User, township_post: CommandPost) -> None:
    with pytest.raises(ValidationError) as refused:
        command_post_create(by=county_admin, org_unit=world.township_a, name="第二个指挥部")
    assert refused.value.message_dict == {"org_unit": ["木垒镇 already has a command post."]}
    assert CommandPost.objects.filter(org_unit=world.township_a).count() == 1


def test_a_residential_compound_has_no_command_post(world: World, county_admin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        command_post_create(by=county_admin, org_unit=world.compound_b, name="小区指挥部")
    assert "not for 沈家沟一号小区" in refused.value.message_dict["org_unit"][0]
    assert not CommandPost.objects.exists()


def test_a_township_cadre_may_not_set_up_a_post_for_the_other_township(world: World, township_cadre: User) -> None:
    with pytest.raises(PermissionDenied):
        command_post_create(by=township_cadre, org_unit=world.township_b, name="东城镇指挥部")
    assert not CommandPost.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="command_post").exists()


def test_changing_a_post_records_the_change_but_not_the_phone_number(
    township_cadre: User, township_post: CommandPost
) -> None:
    command_post_update(
        by=township_cadre,
        command_post=township_post,
        name=township_post.name,
        leading_group_name="木垒镇领导小组",
        duty_phone="13911112222",
        address="木垒镇人民政府",
    )
    township_post.refresh_from_db()
    assert township_post.duty_phone == "13911112222"
    summary = AuditEvent.objects.get(action="command_post.update").summary
    assert summary["duty_phone"] == "changed"
    assert "13911112222" not in str(summary)


def test_a_wrong_duty_phone_is_refused_by_name(township_cadre: User, township_post: CommandPost) -> None:
    response = english_client(township_cadre).post(
        reverse("command:post_edit", args=[township_post.pk]), {"name": "木垒镇指挥部", "duty_phone": "12345"}
    )
    assert response.status_code == 400
    assert "12345 is not a valid phone number." in response.content.decode()
    township_post.refresh_from_db()
    assert township_post.duty_phone == "0994-4821234"


def test_the_list_shows_the_posts_in_scope_with_filters(
    world: World, county_admin: User, township_cadre: User, county_post: CommandPost, township_post: CommandPost
) -> None:
    command.post(world.township_b)
    everything = english_client(county_admin).get(reverse("command:post_list")).content.decode()
    assert "木垒哈萨克自治县疫情防控指挥部" in everything and "东城镇疫情防控指挥部" in everything
    found = english_client(county_admin).get(reverse("command:post_list"), {"q": "东城"}).content.decode()
    assert "东城镇疫情防控指挥部" in found and "木垒镇疫情防控指挥部" not in found
    within = english_client(county_admin).get(reverse("command:post_list"), {"unit": world.township_a.pk})
    assert "木垒镇疫情防控指挥部" in within.content.decode() and "东城镇疫情防控指挥部" not in within.content.decode()
    own = english_client(township_cadre).get(reverse("command:post_list")).content.decode()
    assert "木垒镇疫情防控指挥部" in own
    assert "东城镇疫情防控指挥部" not in own and "木垒哈萨克自治县疫情防控指挥部" not in own


# --- Members ------------------------------------------------------------------------------------------------------


def test_a_member_is_added_with_position_post_held_phone_and_account(
    county_admin: User, hq_office: User, county_post: CommandPost
) -> None:
    response = english_client(county_admin).post(
        reverse("command:member_new", args=[county_post.pk]),
        {
            "name": "孙副县长",
            "position": "deputy",
            "title": "副县长",
            "phone": "139 1234 5678",
            "user": hq_office.pk,
        },
        follow=True,
    )
    member = _member(county_post, "孙副县长")
    assert (member.position, member.title, member.phone, member.user) == ("deputy", "副县长", "13912345678", hq_office)
    assert member.starts_on == timezone.localdate() and member.ends_on is None
    page = response.content.decode()
    assert "孙副县长 joined" in page
    assert "13912345678" not in page  # member lists mask the phone
    assert member.masked_phone in page
    summary = AuditEvent.objects.get(action="post_member.add").summary
    assert summary["phone"] == "set" and "13912345678" not in str(summary)


def test_an_account_that_does_not_work_for_the_unit_is_refused(
    world: World, county_admin: User, village_cadre_b: User, township_post: CommandPost
) -> None:
    with pytest.raises(ValidationError) as refused:
        post_member_add(by=county_admin, command_post=township_post, name="外人", user=village_cadre_b)
    assert refused.value.message_dict == {"user": ["The account charlie does not work for 木垒镇."]}
    assert not PostMember.objects.filter(name="外人").exists()


def test_a_member_who_leaves_is_kept_and_the_replacement_is_a_new_row(
    county_admin: User, county_post: CommandPost
) -> None:
    leaving = _member(county_post, "张组长")
    monitoring = command.group(county_post, "monitoring")
    client = english_client(county_admin)
    response = client.post(reverse("command:member_end", args=[leaving.pk]), follow=True)
    assert "张组长 has left" in response.content.decode()
    leaving.refresh_from_db()
    assert leaving.ends_on == timezone.localdate()
    monitoring.refresh_from_db()
    assert monitoring.lead is None and not monitoring.members.exists()
    replacement = post_member_add(by=county_admin, command_post=county_post, name="马组长", phone="13955556666")
    working_group_update(
        by=county_admin,
        group=monitoring,
        names=monitoring.names,
        duties=monitoring.duties,
        areas=monitoring.areas,
        lead=replacement,
    )
    assert PostMember.objects.filter(command_post=county_post, name="张组长").exists()
    page = client.get(reverse("command:post_detail", args=[county_post.pk])).content.decode()
    assert "1 past member" in page
    assert AuditEvent.objects.get(action="post_member.end").summary["groups_led"] == ["monitoring"]


def test_a_member_cannot_leave_twice_nor_before_starting(county_admin: User, county_post: CommandPost) -> None:
    member = _member(county_post, "王县长")
    with pytest.raises(ValidationError, match="the end cannot come before"):
        post_member_end(by=county_admin, member=member, ends_on=member.starts_on - dt.timedelta(days=1))
    post_member_end(by=county_admin, member=member)
    with pytest.raises(ValidationError, match="王县长 already left on"):
        post_member_end(by=county_admin, member=member)


def test_the_member_roster_downloads_with_the_phones(county_admin: User, county_post: CommandPost) -> None:
    response = english_client(county_admin).get(reverse("command:member_export", args=[county_post.pk]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["Full name", "Position", "Post held", "Phone"]
    leader = _member(county_post, "王县长")
    assert ["王县长", "leader", "", leader.phone] in [row[:4] for row in rows]
    assert len(rows) == 1 + 5
    assert AuditEvent.objects.get(action="command.member_export").summary["count"] == 5


# --- Working groups -----------------------------------------------------------------------------------------------


def test_a_group_is_renamed_given_areas_lead_and_members_then_deactivated(
    county_admin: User, county_post: CommandPost
) -> None:
    group = command.group(county_post, "publicity")
    lead, other = _member(county_post, "刘组长"), _member(county_post, "赵组长")
    client = english_client(county_admin)
    response = client.post(
        reverse("command:group_edit", args=[group.pk]),
        {
            "name_zh": "宣传组",
            "name_en": "Outreach",
            "duties": "大喇叭、微信群",
            "areas": ["outreach", "reporting"],
            "lead": lead.pk,
            "members": [other.pk],
            "is_active": "on",
        },
        follow=True,
    )
    assert "The working group Outreach is saved." in response.content.decode()
    group.refresh_from_db()
    assert group.names == {"zh-hans": "宣传组", "en": "Outreach"}
    assert (group.duties, group.areas, group.lead) == ("大喇叭、微信群", ["outreach", "reporting"], lead)
    assert set(group.members.all()) == {lead, other}  # the lead is one of the members
    client.post(reverse("command:group_edit", args=[group.pk]), {"name_zh": "宣传组", "name_en": "Outreach"})
    group.refresh_from_db()
    assert not group.is_active
    assert AuditEvent.objects.filter(action="working_group.update", object_id=str(group.pk)).count() == 2


def test_a_member_of_another_post_is_refused_as_group_lead(
    county_admin: User, county_post: CommandPost, township_post: CommandPost
) -> None:
    group = command.group(county_post, "medical")
    stranger = _member(township_post, "陈镇长")
    with pytest.raises(ValidationError) as refused:
        working_group_update(by=county_admin, group=group, names=group.names, lead=stranger)
    assert refused.value.message_dict == {
        "lead": ["The lead must be a current member of 木垒哈萨克自治县疫情防控指挥部."]
    }
    with pytest.raises(ValidationError, match="陈镇长: not current members"):
        working_group_update(by=county_admin, group=group, names=group.names, members=[stranger])
    group.refresh_from_db()
    assert group.lead is None and not group.members.exists()
    assert not AuditEvent.objects.filter(action="working_group.update").exists()


def test_the_group_page_offers_only_the_posts_current_members(
    county_admin: User, county_post: CommandPost, township_post: CommandPost
) -> None:
    post_member_end(by=county_admin, member=_member(county_post, "赵组长"))
    page = english_client(county_admin).get(
        reverse("command:group_edit", args=[command.group(county_post, "medical").pk])
    )
    text = page.content.decode()
    assert "王县长" in text and "陈镇长" not in text and "赵组长" not in text


def test_a_new_group_is_added_to_the_post(county_admin: User, county_post: CommandPost) -> None:
    lead = _member(county_post, "刘组长")
    group = working_group_create(
        by=county_admin,
        command_post=county_post,
        names={"zh-hans": "复工复产组", "en": "Return to work"},
        duties="企业复工审核",
        areas=["supplies"],
        lead=lead,
    )
    assert group.code == "return-to-work"
    assert group.sort_order > command.group(county_post, "supervision").sort_order
    assert list(group.members.all()) == [lead]
    with pytest.raises(ValidationError, match="already has a working group named 复工复产组"):
        working_group_create(by=county_admin, command_post=county_post, names={"zh-hans": "复工复产组"})
    with pytest.raises(ValidationError, match="Choose areas from the list"):
        working_group_create(by=county_admin, command_post=county_post, names={"en": "X"}, areas=["nowhere"])
    assert AuditEvent.objects.filter(action="working_group.create").count() == 1


# --- Liaisons -----------------------------------------------------------------------------------------------------


def test_a_liaison_pairs_the_post_with_a_unit_below(
    world: World, township_cadre: User, township_post: CommandPost
) -> None:
    hq = _member(township_post, "周联络")
    response = english_client(township_cadre).post(
        reverse("command:liaison_new", args=[township_post.pk]),
        {"unit": world.village_a.pk, "hq_member": hq.pk, "contact_name": "马书记", "contact_phone": "13966667777"},
        follow=True,
    )
    assert "水磨沟村: the liaison is saved." in response.content.decode()
    liaison = Liaison.objects.get()
    assert (liaison.unit, liaison.hq_member, liaison.contact_phone) == (world.village_a, hq, "13966667777")
    summary = AuditEvent.objects.get(action="liaison.create").summary
    assert summary["contact_phone"] == "set" and "13966667777" not in str(summary)


def test_a_liaison_to_a_unit_not_below_the_post_is_refused(
    world: World, county_admin: User, township_post: CommandPost
) -> None:
    hq = _member(township_post, "周联络")
    response = english_client(county_admin).post(
        reverse("command:liaison_new", args=[township_post.pk]),
        {"unit": world.village_b.pk, "hq_member": hq.pk, "contact_name": "外村", "contact_phone": "13966667777"},
    )
    assert response.status_code == 400  # village B is not among the choices of township A's post
    assert not Liaison.objects.exists()
    for unit in (world.village_b, world.township_a, world.county):
        with pytest.raises(ValidationError) as refused:
            liaison_create(
                by=county_admin,
                command_post=township_post,
                hq_member=hq,
                unit=unit,
                contact_name="外村",
                contact_phone="13966667777",
            )
        assert refused.value.message_dict["unit"] == [
            f"{unit.display_name} is not below 木垒镇: a liaison pairs the post with a unit below it."
        ]
    assert not Liaison.objects.exists()
    assert not AuditEvent.objects.filter(action="liaison.create").exists()


def test_a_liaison_to_an_institution_inside_the_subtree(
    world: World, county_admin: User, township_post: CommandPost
) -> None:
    hq = _member(township_post, "周联络")
    liaison = liaison_create(
        by=county_admin,
        command_post=township_post,
        hq_member=hq,
        institution=world.clinic_a,
        contact_name="卫生室医生",
        contact_phone="13966667777",
    )
    assert liaison.counterpart == "水磨沟村卫生室"
    with pytest.raises(ValidationError, match="沈家沟村卫生室 is not within 木垒镇"):
        liaison_create(
            by=county_admin,
            command_post=township_post,
            hq_member=hq,
            institution=world.clinic_b,
            contact_name="外村",
            contact_phone="13966667777",
        )
    with pytest.raises(ValidationError, match="Choose either a unit or an institution"):
        liaison_create(
            by=county_admin,
            command_post=township_post,
            hq_member=hq,
            unit=world.village_a,
            institution=world.clinic_a,
            contact_name="两者",
            contact_phone="13966667777",
        )


def test_the_hq_side_must_be_a_current_member_of_the_post_and_the_other_side_needs_a_phone(
    world: World, county_admin: User, county_post: CommandPost, township_post: CommandPost
) -> None:
    with pytest.raises(ValidationError) as refused:
        liaison_create(
            by=county_admin,
            command_post=township_post,
            hq_member=_member(county_post, "王县长"),
            unit=world.village_a,
            contact_name="马书记",
            contact_phone="",
        )
    assert refused.value.message_dict == {
        "hq_member": ["The contact at the command post must be a current member of 木垒镇疫情防控指挥部."],
        "contact_phone": ["Give a phone number."],
    }
    assert not Liaison.objects.exists()


def test_replacing_a_liaison_keeps_the_old_one_with_its_end_date(
    world: World, county_admin: User, township_post: CommandPost
) -> None:
    first = liaison_create(
        by=county_admin,
        command_post=township_post,
        hq_member=_member(township_post, "周联络"),
        unit=world.village_a,
        contact_name="马书记",
        contact_phone="13966667777",
        starts_on=timezone.localdate() - dt.timedelta(days=5),
    )
    second = liaison_create(
        by=county_admin,
        command_post=township_post,
        hq_member=_member(township_post, "陈镇长"),
        unit=world.village_a,
        contact_name="杨主任",
        contact_phone="13988889999",
    )
    first.refresh_from_db()
    assert first.ends_on == timezone.localdate() == second.starts_on
    assert second.ends_on is None
    assert AuditEvent.objects.get(action="liaison.create", object_id=str(second.pk)).summary["replaced"] == [first.pk]
    page = english_client(county_admin).get(reverse("command:post_detail", args=[township_post.pk])).content.decode()
    assert "1 past liaison" in page and "马书记" in page and "杨主任" in page


def test_ending_a_liaison(world: World, county_admin: User, township_post: CommandPost) -> None:
    liaison = liaison_create(
        by=None,
        command_post=township_post,
        hq_member=_member(township_post, "周联络"),
        unit=world.village_a,
        contact_name="马书记",
        contact_phone="13966667777",
    )
    response = english_client(county_admin).post(reverse("command:liaison_end", args=[liaison.pk]), follow=True)
    assert "The liaison with 水磨沟村 has ended." in response.content.decode()
    liaison.refresh_from_db()
    assert liaison.ends_on == timezone.localdate()
    with pytest.raises(ValidationError, match="already ended"):
        liaison_end(by=county_admin, liaison=liaison)
    assert AuditEvent.objects.filter(action="liaison.end").count() == 1


# --- Scope --------------------------------------------------------------------------------------------------------


def test_a_village_a_cadre_gets_nothing_of_township_bs_post(world: World, village_cadre_a: User) -> None:
    post_b = command.post(world.township_b)
    member_b = command.member(post_b, "东城镇书记", PostMember.Position.LEADER, group="medical", lead=True)
    liaison_b = liaison_create(
        by=None,
        command_post=post_b,
        hq_member=member_b,
        unit=world.village_b,
        contact_name="沈家沟书记",
        contact_phone="13966667777",
    )
    client = english_client(village_cadre_a)
    medical = command.group(post_b, "medical")
    for url in (
        reverse("command:post_detail", args=[post_b.pk]),
        reverse("command:post_edit", args=[post_b.pk]),
        reverse("command:member_new", args=[post_b.pk]),
        reverse("command:group_new", args=[post_b.pk]),
        reverse("command:group_edit", args=[medical.pk]),
        reverse("command:liaison_new", args=[post_b.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("command:member_end", args=[member_b.pk])).status_code == 404
    assert client.post(reverse("command:liaison_end", args=[liaison_b.pk])).status_code == 404
    assert client.post(reverse("command:group_edit", args=[medical.pk]), {"name_zh": "改名"}).status_code == 404
    member_b.refresh_from_db()
    liaison_b.refresh_from_db()
    medical.refresh_from_db()
    assert member_b.ends_on is None and liaison_b.ends_on is None and medical.names["zh-hans"] == "医疗救治组"
    assert "东城镇" not in client.get(reverse("command:post_list")).content.decode()
    with pytest.raises(PermissionDenied):
        post_member_add(by=village_cadre_a, command_post=post_b, name="外人")
    assert not AuditEvent.objects.filter(action__startswith="post_member").exists()


def test_a_volunteer_reads_but_does_not_change(volunteer: User, world: World) -> None:
    client = english_client(volunteer)
    assert client.get(reverse("command:post_new")).status_code == 403
    assert client.post(reverse("command:post_new"), {"org_unit": world.village_a.pk, "name": "x"}).status_code == 403
    assert not CommandPost.objects.exists()
    assert not WorkingGroup.objects.exists()
