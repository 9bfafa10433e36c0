"""The start page shows the action items waiting for the user, the overdue ones first."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from bastion.command.selectors.actions import items_waiting_for
from bastion.core.extensions import HOME_SECTIONS
from bastion.core.models import User


def items_waiting_section(user: User) -> str:
    if not user.has_perm("command.view_actionitem"):
        return ""
    items = items_waiting_for(user)
    if not items:
        return ""
    return render_to_string("command/_items_waiting.html", {"items": items, "today": timezone.localdate()})


HOME_SECTIONS.append(items_waiting_section)
