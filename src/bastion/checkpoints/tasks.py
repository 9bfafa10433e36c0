"""Periodic jobs of the background worker for checkpoints. Thin: each calls its service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bastion.checkpoints.services.arrivals import arrivals_escalate
from bastion.checkpoints.services.retention import passages_anonymise


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def arrivals_escalate_task() -> None:
    arrivals_escalate()


@db_periodic_task(crontab(hour="3", minute="41"))  # type: ignore[untyped-decorator]
def passages_anonymise_task() -> None:
    passages_anonymise()
