from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from bastion.checkpoints.models import Post
from bastion.core.models import User
from tests import factories
from tests.conftest import World, messages_in_english

in_english = pytest.fixture(autouse=True, name="in_english")(messages_in_english)


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Risk areas and each post's county are cached across requests, and ids come round again from one
    test to the next: every test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()


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
