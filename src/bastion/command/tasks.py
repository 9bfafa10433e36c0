"""Periodic jobs of the background worker for command. Thin: each calls its service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bastion.command.services.actions import action_items_chase
from bastion.command.services.worklog import worklogs_draft_all


@db_periodic_task(crontab(minute="20"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def action_items_chase_task() -> None:
    action_items_chase()


@db_periodic_task(crontab(hour="21", minute="30"))  # type: ignore[untyped-decorator]
def worklogs_draft_task() -> None:
    """The day's log drafts itself in the evening for every command post; the office edits and signs it."""
    worklogs_draft_all()
