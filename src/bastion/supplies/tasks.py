"""Periodic jobs of the background worker for supplies. Thin: each calls its service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bastion.supplies.services.alerts import cover_alerts_send


@db_periodic_task(crontab(hour="7,15", minute="10"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def cover_alerts_task() -> None:
    cover_alerts_send()
