from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils.translation import override

from bastion.checkpoints.models import Post
from bastion.core.models import User
from tests import factories
from tests.conftest import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are asserted in English here; the Chinese ones are checked by the i18n tests and e2e."""
    with override("en"):
        yield


@pytest.fixture
def highway_exit(world: World) -> Post:
    return Post.objects.create(org_unit=world.township_a, name="木垒东高速出口", kind=Post.Kind.HIGHWAY_EXIT)


@pytest.fixture
def bus_station(world: World) -> Post:
    return Post.objects.create(org_unit=world.county, name="木垒县汽车站", kind=Post.Kind.BUS_STATION)


@pytest.fixture
def duty_officer(world: World, highway_exit: Post) -> User:
    officer = factories.account("checkpoint_staff", world.township_a, username="frank")
    highway_exit.staff.add(officer)
    return officer
