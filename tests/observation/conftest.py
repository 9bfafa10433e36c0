from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils.translation import override

from bastion.core.models import User
from tests import factories
from tests.conftest import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are asserted in English here; the Chinese ones are checked by the i18n tests and e2e."""
    with override("en"):
        yield


@pytest.fixture
def village_doctor(world: World) -> User:
    return factories.account("doctor", world.village_a, username="dr-li")


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")
