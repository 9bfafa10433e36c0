"""Background tasks: thin wrappers that take a job id and call its service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from bastion.core.services import jobs


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def job_run_task(job_id: int) -> None:
    """Idempotent: ``job_run`` claims the job only while it is queued, so a repeat delivery does nothing."""
    jobs.job_run(job_id=job_id)


@db_task(retries=2, retry_delay=30)  # type: ignore[untyped-decorator]
def notification_deliver_task(notification_ids: list[int], webhook_ids: list[int], message: dict[str, str]) -> None:
    from bastion.core.notify import deliver

    deliver(notification_ids, webhook_ids, message)
