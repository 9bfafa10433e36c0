from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from bastion.core.models import OrgUnit, User
from tests import factories
from tests.conftest import World, messages_in_english

ROSTER_HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "联系电话",
    "现住址",
    "所属村",
    "人员类别",
    "从何地返回",
    "返回日期",
    "交通方式",
    "车次",
]


def roster(rows: Sequence[Sequence[object]], header: Sequence[str] = ROSTER_HEADER) -> bytes:
    """A plain roster workbook as a village keeps it: one header row, one person per row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for number, row in enumerate(rows, 1):
        sheet.append([number, *row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def village_c(world: World) -> OrgUnit:
    return factories.unit(world.township_a, "英格堡村", kind=OrgUnit.Kind.VILLAGE, division_code="652328101201")


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erkin")


@pytest.fixture
def village_cadre_c(village_c: OrgUnit) -> User:
    return factories.account("village_cadre", village_c, username="fatima")


in_english = pytest.fixture(autouse=True, name="in_english")(messages_in_english)
