from __future__ import annotations

import pytest

from bastion.core.models import User
from tests import factories
from tests.conftest import World, messages_in_english

in_english = pytest.fixture(autouse=True, name="in_english")(messages_in_english)


@pytest.fixture
def publicity(world: World) -> User:
    """A member of the county's publicity working group."""
    return factories.account("working_group", world.county, username="publicity")


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")


@pytest.fixture
def inspector(world: World) -> User:
    """A member of the county's inspection team (the supervision group)."""
    return factories.account("working_group", world.county, username="inspector")
