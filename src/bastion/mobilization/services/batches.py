"""Batches (第N批): who reports to which unit by when, and the check-ins as they arrive."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core.crypto import keyed_hash
from bastion.core.imports import Column, Finder, Refused, RowError, read_sheet
from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.mobilization.figures import assignment_status_count, assignments_count
from bastion.mobilization.jobs import FULL_NAME, PHONE
from bastion.mobilization.models import Assignment, Batch, Responder
from bastion.mobilization.services.common import require
from bastion.residents.validation import Invalid, phone_clean


@transaction.atomic
def batch_create(*, by: User, org_unit: OrgUnit, number: int, report_by: dt.date, name: str = "") -> Batch:
    require(by, "add_batch", org_unit)
    if number < 1:
        raise ValidationError({"number": _("A batch number is 1 or more.")})
    if Batch.objects.filter(org_unit=org_unit, number=number).exists():
        raise ValidationError(
            {"number": _("%(unit)s already has a batch %(number)s.") % {"unit": org_unit, "number": number}}
        )
    batch = Batch.objects.create(
        org_unit=org_unit, number=number, report_by=report_by, name=name.strip(), created_by=by
    )
    audit_record(by=by, action="batch.create", obj=batch, org_unit=org_unit, summary={"number": number})
    return batch


@transaction.atomic
def batch_close(*, by: User, batch: Batch) -> Batch:
    """Close a batch: its QR check-ins stop; who has not reported stays on the record as such."""
    require(by, "change_batch", batch.org_unit)
    if batch.closed_at is not None:
        raise ValidationError(_("This batch is already closed."))
    batch.closed_at = timezone.now()
    batch.save(update_fields=["closed_at"])
    pending = batch.assignments.filter(status=Assignment.Status.PENDING).count()
    audit_record(by=by, action="batch.close", obj=batch, org_unit=batch.org_unit, summary={"pending": pending})
    return batch


def _open(batch: Batch) -> None:
    if batch.closed_at is not None:
        raise ValidationError(
            _("%(batch)s was closed on %(day)s.")
            % {"batch": batch, "day": f"{timezone.localtime(batch.closed_at):%Y-%m-%d}"}
        )


@transaction.atomic
def assignment_create(*, by: User, batch: Batch, responder: Responder, unit: OrgUnit) -> Assignment:
    """Send a responder of the register to report to ``unit`` with this batch."""
    require(by, "add_assignment", batch.org_unit)
    require(by, "add_assignment", unit)
    _open(batch)
    if not unit.path.startswith(batch.org_unit.path):
        raise ValidationError(
            {"unit": _("%(unit)s is not under %(issuer)s.") % {"unit": unit, "issuer": batch.org_unit}}
        )
    if not responder.is_active:
        raise ValidationError({"responder": _("%(name)s is no longer active.") % {"name": responder.masked_name}})
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(batch=batch, responder=responder, unit=unit)
    except IntegrityError:
        raise ValidationError(
            {"responder": _("%(name)s is already in %(batch)s.") % {"name": responder.masked_name, "batch": batch}}
        ) from None
    assignments_count(batch, [unit.pk])
    audit_record(by=by, action="assignment.create", obj=assignment, org_unit=unit, summary={"batch": batch.number})
    return assignment


def _locked(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("batch", "unit", "responder")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def assignment_report(
    *, by: User | None, assignment: Assignment, method: str = Assignment.Method.CADRE, now: dt.datetime | None = None
) -> Assignment:
    """Record that the responder reported: one tap of the unit's cadre, or the responder's QR check-in
    (``by=None``). Reporting twice keeps the first time."""
    assignment = _locked(assignment)
    require(by, "change_assignment", assignment.unit)
    _open(assignment.batch)
    if assignment.status == Assignment.Status.REPORTED:
        return assignment
    was, was_reported_at = assignment.status, assignment.reported_at
    assignment.status = Assignment.Status.REPORTED
    assignment.reported_at = now or timezone.now()
    assignment.method = method
    assignment.confirmed_by = by
    assignment.absence_reason = ""
    assignment.save(update_fields=["status", "reported_at", "method", "confirmed_by", "absence_reason"])
    assignment_status_count(assignment, was, was_reported_at)
    audit_record(
        by=by, action="assignment.report", obj=assignment, org_unit=assignment.unit, summary={"method": method}
    )
    return assignment


@transaction.atomic
def assignment_absent(*, by: User, assignment: Assignment, reason: str) -> Assignment:
    assignment = _locked(assignment)
    require(by, "change_assignment", assignment.unit)
    _open(assignment.batch)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the responder is absent.")})
    if assignment.status == Assignment.Status.REPORTED:
        raise ValidationError(_("This responder has already reported."))
    was, was_reported_at = assignment.status, assignment.reported_at
    assignment.status = Assignment.Status.ABSENT
    assignment.absence_reason = reason[:200]
    assignment.confirmed_by = by
    assignment.save(update_fields=["status", "absence_reason", "confirmed_by"])
    assignment_status_count(assignment, was, was_reported_at)
    audit_record(by=by, action="assignment.absent", obj=assignment, org_unit=assignment.unit)
    return assignment


REPORT_TO_CODE = Column("unit_code", gettext_lazy("Report to (division code)"))
REPORT_TO_NAME = Column("unit_name", gettext_lazy("Report to"), width=20)
ASSIGNMENT_COLUMNS = (FULL_NAME, PHONE, REPORT_TO_CODE, REPORT_TO_NAME)
ASSIGNMENT_MAX_ROWS = 20_000


def assignments_import(*, by: User, batch: Batch, data: bytes) -> tuple[int, list[RowError]]:
    """Assign the responders of a sheet (found by phone number) to the units it names: every row or none.
    A responder already in the batch is left as they are."""
    require(by, "add_assignment", batch.org_unit)
    _open(batch)
    try:
        rows = read_sheet(data, ASSIGNMENT_COLUMNS, one_of=(PHONE,), max_rows=ASSIGNMENT_MAX_ROWS)
    except Refused as refused:
        return 0, [refused.as_error()]
    finder = Finder(by=by, code_column=REPORT_TO_CODE, name_column=REPORT_TO_NAME)
    finder.load({r["unit_code"] for _n, r in rows}, {r["unit_name"] for _n, r in rows})
    wanted: list[tuple[int, str, OrgUnit | None]] = []
    errors: list[RowError] = []
    for number, cells in rows:
        try:
            phone = phone_clean(cells["phone"])
        except Invalid as invalid:
            errors.append(Refused(invalid.message, PHONE).as_error(number))
            continue
        try:
            unit = finder.find(cells["unit_code"], cells["unit_name"])
        except Refused as refused:
            errors.append(refused.as_error(number))
            continue
        if not isinstance(unit, OrgUnit):
            errors.append(Refused(_("Give the unit to report to."), REPORT_TO_NAME).as_error(number))
        elif not unit.path.startswith(batch.org_unit.path):
            message = _("%(unit)s is not under %(issuer)s.") % {"unit": unit, "issuer": batch.org_unit}
            errors.append(Refused(message, REPORT_TO_NAME).as_error(number))
        else:
            wanted.append((number, keyed_hash(phone), unit))
    found = dict(
        Responder.objects.filter(phone_hash__in=[h for _n, h, _u in wanted], is_active=True).values_list(
            "phone_hash", "pk"
        )
    )
    already = set(batch.assignments.values_list("responder_id", flat=True))
    new: dict[int, Assignment] = {}
    for number, phone_hash, unit in wanted:
        pk = found.get(phone_hash)
        if pk is None:
            message = _("No active responder has this phone number: add them to the register first.")
            errors.append(Refused(message, PHONE).as_error(number))
        elif pk not in already and pk not in new:
            new[pk] = Assignment(batch=batch, responder_id=pk, unit=unit)
    if errors:
        return 0, sorted(errors, key=lambda e: e["row"] or 0)
    with transaction.atomic():
        Assignment.objects.bulk_create(new.values(), batch_size=2000)
        assignments_count(batch, [assignment.unit_id for assignment in new.values()])
        audit_record(
            by=by, action="assignment.import", obj=batch, org_unit=batch.org_unit, summary={"created": len(new)}
        )
    return len(new), []
