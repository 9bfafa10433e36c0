"""Places where other apps add to core's pages without core importing them."""

from __future__ import annotations

from collections.abc import Callable

from bastion.core.models import OrgUnit, User

UnitSection = Callable[[User, OrgUnit], str]
UnitMoved = Callable[[OrgUnit, str], None]
HomeSection = Callable[[User], str]

UNIT_PAGE_SECTIONS: list[UnitSection] = []
"""Each renders a section of the unit's page for the user (HTML, "" for nothing), registered in ``ready``."""

HOME_SECTIONS: list[HomeSection] = []
"""Each renders a section of the user's start page (what is waiting for them), registered in ``ready``."""

UNIT_MOVED: list[UnitMoved] = []
"""Each is told of a unit moved in the tree (the unit, its new path already saved, and its old path), in the
move's transaction: what another app keeps per subtree follows it."""
