"""The "who to call" page of a unit: its own post, the liaisons pointing at it, its answerable leader and the
posts above it with whom to call for what, every number a tel: link; in the same few queries however many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bastion.command.models import CommandPost, Liaison, PostMember
from bastion.command.services.structure import liaison_create, working_group_create
from bastion.core.models import User
from bastion.mobilization.models import LeaderAssignment
from tests import factories
from tests.command import factories as command
from tests.conftest import World, english_client
from tests.mobilization import factories as mobilization

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")


@pytest.fixture
def township_post(world: World) -> CommandPost:
    post = command.post(world.township_a)
    command.member(post, "陈镇长", PostMember.Position.LEADER)
    command.member(post, "周联络", PostMember.Position.LIAISON, group="monitoring", lead=True)
    return post


def _liaison(post: CommandPost, hq: str, unit: object = None, **kwargs: object) -> Liaison:
    return liaison_create(
        by=None,
        command_post=post,
        hq_member=PostMember.objects.get(command_post=post, name=hq),
        unit=unit,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def village_a_links(world: World, county_post: CommandPost, township_post: CommandPost) -> dict[str, str]:
    """Both posts above village A named a liaison for it; a county leader answers for township A."""
    _liaison(township_post, "周联络", world.village_a, contact_name="马书记", contact_phone="13966667777")
    _liaison(county_post, "李主任", world.village_a, contact_name="杨主任", contact_phone="13988889999")
    leader = mobilization.responder(world.county, "郭副县长")
    LeaderAssignment.objects.create(leader=leader, org_unit=world.township_a, starts_on=leader.created_at.date())
    return {"leader_phone": leader.phone}


def tel(phone: str) -> str:
    return f'<a href="tel:{phone}">{phone}</a>'


def test_village_a_sees_its_liaisons_leader_and_the_posts_above_with_tel_links(
    world: World,
    village_cadre_a: User,
    county_post: CommandPost,
    township_post: CommandPost,
    village_a_links: dict[str, str],
) -> None:
    page = english_client(village_cadre_a).get(reverse("command:contacts", args=[world.village_a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "This unit has no command post of its own." in text
    township_liaison = PostMember.objects.get(command_post=township_post, name="周联络")
    county_director = PostMember.objects.get(command_post=county_post, name="李主任")
    # the liaisons: the post's side and the village's side, numbers in full
    assert tel(township_liaison.phone) in text and "马书记 " + tel("13966667777") in text
    assert tel(county_director.phone) in text and "杨主任 " + tel("13988889999") in text
    # the answerable leader of the township above
    assert "郭副县长" in text and tel(village_a_links["leader_phone"]) in text
    assert "for 木垒镇" in text
    # the posts above, nearest first, with duty phone and whom to call for what
    assert text.index("木垒镇疫情防控指挥部") < text.index("木垒哈萨克自治县疫情防控指挥部")
    assert tel("0994-4821234") in text
    leader = PostMember.objects.get(command_post=county_post, name="王县长")
    assert "王县长" in text and tel(leader.phone) in text
    logistics_lead = PostMember.objects.get(command_post=county_post, name="刘组长")
    assert "Logistics" in text and tel(logistics_lead.phone) in text
    assert "口罩、消毒液等物资的采购" in text  # the logistics group's duties


def test_a_unit_with_its_own_post_sees_its_leader_and_office_director(
    world: World, county_admin: User, county_post: CommandPost
) -> None:
    text = english_client(county_admin).get(reverse("command:contacts", args=[world.county.pk])).content.decode()
    director = PostMember.objects.get(command_post=county_post, name="李主任")
    assert "Our command post" in text and "office director" in text and tel(director.phone) in text
    assert "No command post above this unit yet." in text


def test_an_ended_liaison_and_a_member_who_left_are_not_on_the_page(
    world: World, village_cadre_a: User, county_post: CommandPost, township_post: CommandPost
) -> None:
    from bastion.command.services.structure import liaison_end, post_member_end

    old = _liaison(township_post, "周联络", world.village_a, contact_name="马书记", contact_phone="13966667777")
    liaison_end(by=None, liaison=old)
    post_member_end(by=None, member=PostMember.objects.get(command_post=county_post, name="王县长"))
    text = english_client(village_cadre_a).get(reverse("command:contacts", args=[world.village_a.pk])).content.decode()
    assert "马书记" not in text and "王县长" not in text
    assert "No command post above has named a liaison for this unit yet." in text


def test_my_contacts_is_the_page_of_my_first_unit(
    world: World, village_cadre_a: User, county_post: CommandPost, village_a_links: dict[str, str]
) -> None:
    text = english_client(village_cadre_a).get(reverse("command:contacts_mine")).content.decode()
    assert "Who to call: 水磨沟村" in text and "杨主任" in text


def test_a_village_a_cadre_gets_nothing_of_village_b(
    world: World, village_cadre_a: User, county_post: CommandPost
) -> None:
    post_b = command.post(world.township_b)
    command.member(post_b, "东城镇书记", PostMember.Position.LEADER)
    _liaison(post_b, "东城镇书记", world.village_b, contact_name="沈家沟书记", contact_phone="13966667777")
    client = english_client(village_cadre_a)
    assert client.get(reverse("command:contacts", args=[world.village_b.pk])).status_code == 404
    assert client.get(reverse("command:contacts", args=[world.township_b.pk])).status_code == 404
    assert client.get(reverse("command:post_detail", args=[post_b.pk])).status_code == 404
    own = client.get(reverse("command:contacts", args=[world.village_a.pk])).content.decode()
    assert "东城镇" not in own and "沈家沟" not in own


def test_the_member_list_masks_the_phones_the_contacts_page_shows(
    world: World, county_admin: User, county_post: CommandPost
) -> None:
    director = PostMember.objects.get(command_post=county_post, name="李主任")
    client = english_client(county_admin)
    detail = client.get(reverse("command:post_detail", args=[county_post.pk])).content.decode()
    assert director.phone not in detail and director.masked_phone in detail
    assert director.phone in client.get(reverse("command:contacts", args=[world.county.pk])).content.decode()


def test_a_volunteer_may_read_the_page_of_their_village(
    world: World, volunteer: User, county_post: CommandPost, village_a_links: dict[str, str]
) -> None:
    response = english_client(volunteer).get(reverse("command:contacts", args=[world.village_a.pk]))
    assert response.status_code == 200 and "杨主任" in response.content.decode()


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200  # type: ignore[attr-defined]
    return len(queries)


def test_the_page_costs_the_same_queries_with_more_groups_and_liaisons(
    world: World,
    village_cadre_a: User,
    county_post: CommandPost,
    township_post: CommandPost,
    village_a_links: dict[str, str],
) -> None:
    client = english_client(village_cadre_a)
    url = reverse("command:contacts", args=[world.village_a.pk])
    client.get(url)  # sessions and permissions warmed up
    before = _queries(client, url)
    for n in range(6):
        lead = command.member(county_post, f"新组长{n}")
        working_group_create(by=None, command_post=county_post, names={"zh-hans": f"新组{n}"}, lead=lead)
        clinic = factories.institution(world.village_a, f"水磨沟诊所{n}")
        _liaison(county_post, "李主任", institution=clinic, contact_name=f"医生{n}", contact_phone="13966667777")
    text = client.get(url).content.decode()
    assert "新组5" in text and "医生5" in text
    assert _queries(client, url) == before


def test_the_unit_page_links_to_whom_to_call_and_to_the_post(
    world: World, county_admin: User, county_post: CommandPost
) -> None:
    client = english_client(county_admin)
    county_page = client.get(reverse("core:unit", args=[world.county.pk])).content.decode()
    assert reverse("command:contacts", args=[world.county.pk]) in county_page
    assert reverse("command:post_detail", args=[county_post.pk]) in county_page
    township_page = client.get(reverse("core:unit", args=[world.township_a.pk])).content.decode()
    assert reverse("command:contacts", args=[world.township_a.pk]) in township_page
    assert "Set up a command post" in township_page
