"""Filing a day's reports from an Excel upload: the rows that passed the check, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.reporting.imports import ReportRow
from bastion.reporting.models import ReportForm
from bastion.reporting.services.common import require
from bastion.reporting.services.filing import report_submit


@transaction.atomic
def reports_import(
    *,
    by: User,
    form: ReportForm,
    unit: OrgUnit,
    period: dt.date,
    rows: Sequence[ReportRow],
    now: dt.datetime | None = None,
) -> int:
    """File every row through ``report_submit`` in one transaction; return how many reports were written.

    Rows come from ``imports.check_report_rows``; ``report_submit`` checks each again (scope, bounds,
    deadline), and any refusal rolls the whole import back: ``PermissionDenied`` as it is, a
    ``ValidationError`` with the row and unit in its message. Writing only the valid rows of a file
    with errors is the caller's decision, after the user has confirmed it.
    """
    require(by, "add_report", unit)
    if not rows:
        return 0
    now = now or timezone.now()
    period = form.period_start(period)
    prefetch_related_objects([form], "indicators")  # report_submit reads them for every row
    for item in rows:
        if not item.unit.path.startswith(unit.path):
            raise PermissionDenied(_("You may not do this for %(unit)s.") % {"unit": item.unit.display_name})
        try:
            report_submit(
                by=by,
                form=form,
                org_unit=item.unit,
                period=period,
                values=dict(item.values),
                is_zero=item.is_zero,
                note=item.note,
                edit_reason=item.edit_reason,
                now=now,
            )
        except ValidationError as exc:
            shown = {"row": item.row, "unit": item.unit.display_name, "errors": " ".join(exc.messages)}
            raise ValidationError(_("Row %(row)s (%(unit)s): %(errors)s") % shown) from exc
    audit_record(
        by=by,
        action="report.import",
        obj=form,
        org_unit=unit,
        summary={
            "form": form.code,
            "period": str(period),
            "units": len(rows),
            "zero": sum(1 for item in rows if item.is_zero),
            "changed": sum(1 for item in rows if item.replaces),
        },
    )
    return len(rows)
