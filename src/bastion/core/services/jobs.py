"""Jobs: long work as a row the page follows. Imports check every row first, then write all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from bastion.core import imports
from bastion.core.imports import Column, Refused, RowError
from bastion.core.models import Job, OrgUnit, User, UserScope
from bastion.core.services.audit import audit_record
from bastion.core.services.orgunits import institution_create, orgunit_create

logger = logging.getLogger(__name__)

ORGUNIT_IMPORT = "orgunit_import"
INSTITUTION_IMPORT = "institution_import"
MAX_ERRORS_KEPT = 500  # the job page lists these; the count says how many there were in all

# Service validation errors name model fields; the import names the sheet's columns.
UNIT_FIELDS = {"kind": imports.KIND, "name": imports.NAME, "short_name": imports.SHORT_NAME}
UNIT_FIELDS |= {"division_code": imports.CODE, "sort_order": imports.SORT_ORDER}
INSTITUTION_FIELDS = {"kind": imports.KIND, "name": imports.NAME, "note": imports.NOTE}


@transaction.atomic
def job_create(*, by: User, kind: str, input_name: str = "", input_data: bytes = b"") -> Job:
    """A queued job of ``by``; the caller enqueues it after commit. Its language is the caller's."""
    scope = UserScope.objects.filter(user=by).select_related("org_unit").order_by("pk").first()
    job = Job.objects.create(
        kind=kind,
        created_by=by,
        org_unit=scope.org_unit if scope else None,
        input_name=input_name[:200],
        input_data=input_data,
        result={"language": get_language() or settings.LANGUAGE_CODE},
    )
    audit_record(
        by=by,
        action="job.create",
        obj=job,
        org_unit=job.org_unit,
        summary={"kind": kind, "input_name": job.input_name, "bytes": len(input_data)},
    )
    return job


def job_run(*, job_id: int) -> Job | None:
    """Run a queued job once; a job that is not queued (already running or finished) is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = Job.objects.select_related("created_by", "org_unit").get(pk=job_id)
    language = str(job.result.get("language") or settings.LANGUAGE_CODE)
    if job.kind in APP_RUNNERS:
        with override(language):
            try:
                APP_RUNNERS[job.kind](job)
            except Exception:
                logger.exception("job %s failed", job_id)
                error = Refused(_("The job stopped on an unexpected error; nothing was saved.")).as_error()
                return _finish(job, created=0, errors=[error], language=language)
        return job
    with override(language):
        try:
            created, errors = RUNNERS[job.kind](job)
        except Exception:  # a bug must not leave the job running for ever; the log has the traceback
            logger.exception("job %s failed", job_id)
            created, errors = 0, [Refused(_("The job stopped on an unexpected error; nothing was saved.")).as_error()]
    return _finish(job, created=created, errors=errors, language=language)


@transaction.atomic
def _finish(job: Job, *, created: int, errors: list[RowError], language: str) -> Job:
    job.status = Job.Status.FAILED if errors else Job.Status.DONE
    job.finished_at = timezone.now()
    job.result = {
        "language": language,
        "created": 0 if errors else created,
        "errors": errors[:MAX_ERRORS_KEPT],
        "error_count": len(errors),
    }
    job.input_data = b""  # the upload may hold personal data: keep only what the result needs
    job.save(update_fields=["status", "finished_at", "result", "input_data"])
    audit_record(
        by=job.created_by,
        action="job.done" if not errors else "job.failed",
        obj=job,
        org_unit=job.org_unit,
        summary={"kind": job.kind, "created": job.result["created"], "errors": len(errors)},
    )
    return job


def _progress(job: Job) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress=done, total=total)

    return report


def _saving(job: Job) -> None:
    """Writing is one transaction whose progress nobody else can see: the page shows "saving" instead."""
    Job.objects.filter(pk=job.pk).update(result=job.result | {"phase": "saving"})


def _service_errors(
    row: int, exc: ValidationError | PermissionDenied, fields: dict[str, Column], other: Column
) -> list[RowError]:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return [
            {"row": row, "field": str(fields.get(name, other)), "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return [{"row": row, "field": str(other), "message": message} for message in messages]


def _all_or_nothing(
    write: Callable[[], tuple[int, list[RowError]]], errors: list[RowError]
) -> tuple[int, list[RowError]]:
    """Write inside one transaction; any error, found before or while writing, rolls all of it back."""
    with transaction.atomic():
        created, more = write()
        errors = sorted(errors + more, key=lambda e: e["row"] or 0)
        if errors:
            transaction.set_rollback(True)
    return created, errors


def _run_orgunit_import(job: Job) -> tuple[int, list[RowError]]:
    by = job.created_by
    try:
        rows, errors = imports.check_units(bytes(job.input_data), by=by, progress=_progress(job))
    except Refused as refused:
        return 0, [refused.as_error()]
    _saving(job)

    def write() -> tuple[int, list[RowError]]:
        created: dict[int, OrgUnit] = {}
        problems: list[RowError] = []
        for item in rows:
            parent = item.parent
            if isinstance(parent, int):
                if parent not in created:
                    message = _("Its parent, on row %(row)s, has errors.") % {"row": parent}
                    problems.append(Refused(message, item.parent_column).as_error(item.row))
                    continue
                parent = created[parent]
            try:
                created[item.row] = orgunit_create(
                    by=by,
                    parent=parent,
                    kind=item.kind,
                    name=item.name,
                    short_name=item.short_name,
                    division_code=item.division_code,
                    sort_order=item.sort_order,
                )
            except (ValidationError, PermissionDenied) as exc:
                problems += _service_errors(item.row, exc, UNIT_FIELDS, item.parent_column)
        return len(created), problems

    return _all_or_nothing(write, errors)


def _run_institution_import(job: Job) -> tuple[int, list[RowError]]:
    by = job.created_by
    try:
        rows, errors = imports.check_institutions(bytes(job.input_data), by=by, progress=_progress(job))
    except Refused as refused:
        return 0, [refused.as_error()]
    _saving(job)

    def write() -> tuple[int, list[RowError]]:
        created = 0
        problems: list[RowError] = []
        for item in rows:
            try:
                institution_create(by=by, org_unit=item.org_unit, kind=item.kind, name=item.name, note=item.note)
            except (ValidationError, PermissionDenied) as exc:
                problems += _service_errors(item.row, exc, INSTITUTION_FIELDS, item.unit_column)
            else:
                created += 1
        return created, problems

    return _all_or_nothing(write, errors)


APP_RUNNERS: dict[str, Callable[[Job], None]] = {}
"""Runners that other apps register in ``AppConfig.ready``; each finishes its job itself (status, result, audit)."""

RUNNERS: dict[str, Callable[[Job], tuple[int, list[RowError]]]] = {
    ORGUNIT_IMPORT: _run_orgunit_import,
    INSTITUTION_IMPORT: _run_institution_import,
}
