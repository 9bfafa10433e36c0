from __future__ import annotations

import pytest

from bastion.core.models import User
from bastion.supplies.models import Store
from tests import factories
from tests.conftest import World, messages_in_english
from tests.supplies import factories as supplies

in_english = pytest.fixture(autouse=True, name="in_english")(messages_in_english)


@pytest.fixture
def warehouse(world: World) -> Store:
    return supplies.store(world.county, "县物资储备库", Store.Kind.COUNTY_WAREHOUSE)


@pytest.fixture
def township_store(world: World) -> Store:
    return supplies.store(world.township_a, "木垒镇物资站", Store.Kind.TOWNSHIP)


@pytest.fixture
def village_store(world: World) -> Store:
    return supplies.store(world.village_a, "水磨沟村物资点", Store.Kind.VILLAGE)


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")
