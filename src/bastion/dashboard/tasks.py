"""Periodic jobs of the background worker for the dashboard. Thin: each calls its service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bastion.dashboard.services import briefings_make_due


# Ten minutes before the HQ office prints it at 07:30.
@db_periodic_task(crontab(hour="7", minute="20"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def briefings_make_task() -> None:
    briefings_make_due()
