"""The unit's page shows its answerable leader (包乡联村) and who reports there."""

from __future__ import annotations

from django.template.loader import render_to_string

from bastion.core.extensions import UNIT_PAGE_SECTIONS
from bastion.core.models import OrgUnit, User
from bastion.mobilization.selectors import answerable_leaders


def answerable_leader_section(user: User, unit: OrgUnit) -> str:
    if not user.has_perm("mobilization.view_leaderassignment"):
        return ""
    return render_to_string("mobilization/_answerable_leader.html", {"unit": unit, "leaders": answerable_leaders(unit)})


UNIT_PAGE_SECTIONS.append(answerable_leader_section)
