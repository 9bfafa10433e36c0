"""Periodic work: no-shows flagged every five minutes, the fortnight of shifts made each night."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bastion.mobilization.services.attendance import no_shows_flag
from bastion.mobilization.services.roster import roster_materialize


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def no_shows_flag_task() -> int:
    return no_shows_flag()


@db_periodic_task(crontab(hour="2", minute="17"))  # type: ignore[untyped-decorator]
def roster_materialize_task() -> int:
    return roster_materialize()
