"""Roster imports as jobs: a preview (a dry run that keeps the upload) and the import it leads to.

Both runners are registered in core's ``APP_RUNNERS`` when this module is imported (``AppConfig.ready``);
each finishes its job itself: status, result, error report, audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.imports import Refused, RowError
from bastion.core.models import Job, OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.core.services.jobs import APP_RUNNERS, MAX_ERRORS_KEPT, job_create
from bastion.residents.services.roster import RosterResult, roster_import

ROSTER_PREVIEW = "roster_preview"
ROSTER_IMPORT = "roster_import"


@transaction.atomic
def roster_job_create(*, by: User, kind: str, unit: OrgUnit, input_name: str, input_data: bytes) -> Job:
    """A queued roster job; the caller enqueues it after commit. ``unit`` takes the rows that name none."""
    job = job_create(by=by, kind=kind, input_name=input_name, input_data=input_data)
    job.result["unit_id"] = unit.pk
    job.save(update_fields=["result"])
    return job


@transaction.atomic
def roster_confirm(*, by: User, preview: Job) -> Job:
    """The import that follows a finished preview, owned by the same user; confirming twice gives the same job."""
    preview = Job.objects.select_for_update().get(pk=preview.pk, created_by=by, kind=ROSTER_PREVIEW)
    if preview.result.get("import_job_id"):
        return Job.objects.get(pk=preview.result["import_job_id"])
    if preview.status != Job.Status.DONE or not preview.input_data:
        raise Refused(_("This preview cannot be imported any more: upload the file again."))
    unit = OrgUnit.objects.get(pk=preview.result["unit_id"])
    job = roster_job_create(
        by=by, kind=ROSTER_IMPORT, unit=unit, input_name=preview.input_name, input_data=bytes(preview.input_data)
    )
    job.result["preview_job_id"] = preview.pk
    job.save(update_fields=["result"])
    preview.result["import_job_id"] = job.pk
    preview.input_data = b""  # the import job holds the only copy of the upload now
    preview.save(update_fields=["result", "input_data"])
    return job


def _progress(job: Job) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress=done, total=total)

    return report


def _run(job: Job, *, dry_run: bool) -> None:
    data = bytes(job.input_data)
    if not dry_run:
        job.input_data = b""
    outcome: RosterResult | None = None
    try:
        unit = OrgUnit.objects.get(pk=job.result.get("unit_id"))
        outcome = roster_import(
            by=job.created_by, data=data, default_unit=unit, dry_run=dry_run, progress=_progress(job)
        )
    except (Refused, OrgUnit.DoesNotExist) as exc:
        message = exc.message if isinstance(exc, Refused) else _("The unit chosen for the import no longer exists.")
        _finish(job, None, [{"row": None, "field": "", "message": message}], dry_run=dry_run)
        return
    del data
    _finish(job, outcome, outcome.errors, dry_run=dry_run)


@transaction.atomic
def _finish(job: Job, outcome: RosterResult | None, errors: Sequence[RowError], *, dry_run: bool) -> None:
    job.status = Job.Status.FAILED if outcome is None else Job.Status.DONE
    job.finished_at = timezone.now()
    keep = {k: job.result[k] for k in ("language", "unit_id", "preview_job_id") if k in job.result}
    counts = outcome.counts() if outcome else {"created": 0, "already_registered": 0, "refused": 0}
    job.result = keep | counts | {"errors": list(errors[:MAX_ERRORS_KEPT]), "error_count": len(errors)}
    if outcome is not None:
        job.result |= {"error_count": outcome.error_count, "sheets": outcome.sheets}
        job.result["skipped_sheets"] = outcome.skipped_sheets
        if dry_run:
            job.result["preview"] = outcome.preview
        job.output_data = outcome.error_report
    fields = ["status", "finished_at", "result", "output_data"]
    if not dry_run or outcome is None:
        job.input_data = b""  # the upload holds personal data: keep it only while an import may follow
        fields.append("input_data")
    job.save(update_fields=fields)
    audit_record(
        by=job.created_by,
        action="job.done" if outcome is not None else "job.failed",
        obj=job,
        org_unit=job.org_unit,
        summary={"kind": job.kind} | counts,
    )


def _run_preview(job: Job) -> None:
    _run(job, dry_run=True)


def _run_import(job: Job) -> None:
    _run(job, dry_run=False)


APP_RUNNERS[ROSTER_PREVIEW] = _run_preview
APP_RUNNERS[ROSTER_IMPORT] = _run_import


PREVIEW_KEPT = dt.timedelta(hours=24)


def roster_previews_purge(*, now: dt.datetime | None = None) -> int:
    """Drop the uploads of previews nobody confirmed within a day: a roster is personal data, kept no longer
    than an import may follow. Returns how many uploads were dropped."""
    cutoff = (now or timezone.now()) - PREVIEW_KEPT
    stale = Job.objects.filter(kind=ROSTER_PREVIEW, created_at__lt=cutoff).exclude(input_data=b"")
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        Job.objects.filter(pk__in=ids).update(input_data=b"", output_data=b"")
        if ids:
            audit_record(by=None, action="roster.previews_purge", object_type="core.job", summary={"jobs": ids})
    return len(ids)
