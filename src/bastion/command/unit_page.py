"""The unit page section: whom to call, and the unit's own command post."""

from __future__ import annotations

from django.template.loader import render_to_string

from bastion.command.selectors.structure import post_of_unit
from bastion.core.extensions import UNIT_PAGE_SECTIONS
from bastion.core.models import OrgUnit, User


def command_section(user: User, unit: OrgUnit) -> str:
    if not user.has_perm("command.view_commandpost"):
        return ""
    context = {"unit": unit, "post": post_of_unit(unit), "can_add": user.has_perm("command.add_commandpost")}
    return render_to_string("command/_contacts_section.html", context)


UNIT_PAGE_SECTIONS.append(command_section)
