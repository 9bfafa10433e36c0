"""Periodic jobs of the background worker for the residents app. Thin: each calls its service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bastion.residents.jobs import roster_previews_purge


@db_periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def roster_previews_purge_task() -> None:
    roster_previews_purge()
