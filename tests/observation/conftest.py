from __future__ import annotations

import pytest

from bastion.core.models import User
from tests import factories
from tests.conftest import World, messages_in_english

in_english = pytest.fixture(autouse=True, name="in_english")(messages_in_english)


@pytest.fixture
def village_doctor(world: World) -> User:
    return factories.account("doctor", world.village_a, username="dr-li")


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")
