"""Periodic jobs of the background worker: reminders and escalations. Thin: each calls its service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bastion.reporting.services.immediate import immediate_reports_escalate
from bastion.reporting.services.reminders import reminders_send


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def reminders_send_task() -> None:
    reminders_send()


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def immediate_reports_escalate_task() -> None:
    immediate_reports_escalate()
