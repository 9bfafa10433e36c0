"""Writes of the dashboard: making a daily briefing, on demand or by the morning job."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.core.services.audit import audit_record
from bastion.dashboard.briefing import briefing_gather, briefing_pdf, briefing_xlsx, filename
from bastion.dashboard.models import Briefing

logger = logging.getLogger(__name__)

# The units the morning job makes a briefing for: each county, and each township for its own office.
BRIEFED_KINDS = (OrgUnit.Kind.COUNTY, OrgUnit.Kind.TOWNSHIP)


def briefing_make(*, by: User | None, unit: OrgUnit, day: dt.date, now: dt.datetime | None = None) -> Briefing:
    """Gather and draw the briefing of ``unit`` for ``day``, keep its PDF and workbook, and audit it.

    The files are drawn before the transaction opens: drawing takes a second, and the transaction (which takes
    SQLite's write lock at once) should hold only the insert and its audit event."""
    require_in_scope(by, "dashboard.add_briefing", unit)
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    if day > today:
        raise ValidationError({"day": _("A briefing cannot be made for a day to come.")})
    data = briefing_gather(unit, day, now=now)
    briefing = Briefing(org_unit=unit, day=day, created_by=by if by is not None and by.is_authenticated else None)
    briefing.pdf.save(filename(unit, day, "pdf"), ContentFile(briefing_pdf(data)), save=False)
    briefing.xlsx.save(filename(unit, day, "xlsx"), ContentFile(briefing_xlsx(data)), save=False)
    try:
        with transaction.atomic():
            briefing.save()
            audit_record(
                by=by,
                action="briefing.make",
                obj=briefing,
                org_unit=unit,
                summary={
                    "day": day.isoformat(),
                    "immediate_reports": len(data.incidents),
                    "action_items_due": len(data.items),
                },
            )
    except BaseException:
        briefing.pdf.delete(save=False)
        briefing.xlsx.delete(save=False)
        raise
    return briefing


def briefings_make_due(day: dt.date | None = None) -> int:
    """The morning job: a briefing of ``day`` (today by default) for each active county and township that has
    none for it yet; running it again makes nothing more. Returns how many were made."""
    day = day or timezone.localdate()
    units = OrgUnit.objects.filter(kind__in=BRIEFED_KINDS, is_active=True).order_by("path")
    made_already = set(Briefing.objects.filter(day=day, org_unit__in=units).values_list("org_unit_id", flat=True))
    made = 0
    for unit in units.exclude(pk__in=made_already):
        try:
            briefing_make(by=None, unit=unit, day=day)
        except Exception:  # one unit's failure must not cost the others their briefing
            logger.exception("the briefing of unit %s for %s failed", unit.pk, day)
            continue
        made += 1
    return made
