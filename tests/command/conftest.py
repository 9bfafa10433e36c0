from __future__ import annotations

import pytest

from bastion.command.models import CommandPost, PostMember
from bastion.core.models import User
from tests import factories
from tests.command import factories as command
from tests.conftest import World, messages_in_english

in_english = pytest.fixture(autouse=True, name="in_english")(messages_in_english)


@pytest.fixture
def hq_office(world: World) -> User:
    """The county HQ office's staff member, who runs the meetings and signs the log."""
    return factories.account("hq_staff", world.county, username="office")


@pytest.fixture
def county_post(world: World, hq_office: User) -> CommandPost:
    """The county command post, its leader and office director, and a lead for each working group."""
    post = command.post(world.county)
    command.member(post, "王县长", PostMember.Position.LEADER)
    command.member(post, "李主任", PostMember.Position.OFFICE_DIRECTOR, user=hq_office, group="coordination", lead=True)
    for code, name in [("monitoring", "张组长"), ("logistics", "刘组长"), ("supervision", "赵组长")]:
        account = factories.account("working_group", world.county, username=f"lead_{code}")
        command.member(post, name, user=account, group=code, lead=True)
    return post
