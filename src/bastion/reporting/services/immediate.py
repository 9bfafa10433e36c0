"""Immediate reports (时时报): filed, acknowledged, handled, closed; escalated when nobody answers."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User, UserScope
from bastion.core.services.audit import audit_record
from bastion.core.services.notifications import notification_send
from bastion.dashboard.figures import figure_add
from bastion.reporting.figures import IMMEDIATE, immediate_level_add
from bastion.reporting.models import ImmediateReport, ImmediateReportEvent, IncidentCategory
from bastion.reporting.services.common import require

State = ImmediateReport.State
Kind = ImmediateReportEvent.Kind


def command_unit_of(unit: OrgUnit) -> OrgUnit:
    """The county HQ above ``unit``: its nearest county ancestor, else the top of its tree."""
    ancestors = {a.pk: a for a in OrgUnit.objects.filter(pk__in=unit.ancestor_ids)}
    chain = [ancestors[pk] for pk in unit.ancestor_ids if pk in ancestors] + [unit]
    for candidate in reversed(chain):
        if candidate.kind == OrgUnit.Kind.COUNTY:
            return candidate
    return chain[0]


def responsible_for(units: list[OrgUnit], *, perm: str) -> list[User]:
    """Active accounts whose scope is exactly one of ``units`` and whose role has ``perm``.

    A read-only account scoped at a unit (a volunteer) is not told what its role may not see.
    """
    scopes = UserScope.objects.filter(org_unit__in=units, user__is_active=True).select_related("user")
    return [scope.user for scope in scopes if scope.user.has_perm(perm)]


def _notify(report: ImmediateReport, units: list[OrgUnit], headline: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = f"【{_('Immediate report')}】{report.org_unit.display_name}: {report.category}"
        body = "\n".join(
            [
                headline,
                f"{_('Severity')}: {report.get_severity_display()}",
                f"{_('When it happened')}: {timezone.localtime(report.occurred_at):%Y-%m-%d %H:%M}",
                f"{_('What happened')}: {report.description}",
            ]
        )
    notification_send(
        recipients=responsible_for(units, perm="reporting.view_immediatereport"),
        kind="immediate_report",
        title=title,
        body=body,
        link=reverse("reporting:immediate_detail", kwargs={"immediate_id": report.pk}),
        org_unit=report.org_unit,
        webhook_units=units,
    )


def _escalate_at(report: ImmediateReport, now: dt.datetime) -> dt.datetime | None:
    if report.waiting_unit_id == command_unit_of(report.org_unit).pk:
        return None  # at the county HQ there is nowhere higher to go
    return now + dt.timedelta(minutes=report.category.escalate_after_minutes)


@transaction.atomic
def immediate_report_file(
    *,
    by: User | None,
    org_unit: OrgUnit,
    category: IncidentCategory,
    description: str,
    severity: str = ImmediateReport.Severity.SERIOUS,
    occurred_at: dt.datetime | None = None,
    persons_involved: str = "",
    idempotency_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> ImmediateReport:
    """File an immediate report; the level above and the county HQ are told at once."""
    if idempotency_key is not None:
        earlier = ImmediateReport.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.org_unit_id != org_unit.pk or (by is not None and earlier.filed_by_id != by.pk):
                raise ValidationError(_("This idempotency key was already used for another report."))
            return earlier
    require(by, "add_immediatereport", org_unit)
    now = now or timezone.now()
    occurred_at = occurred_at or now
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Say what happened.")
    if severity not in ImmediateReport.Severity.values:
        errors["severity"] = _("Choose a severity.")
    if not category.is_active:
        errors["category"] = _("This category is no longer in use.")
    if occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("The time lies in the future.")
    if errors:
        raise ValidationError(errors)
    county = command_unit_of(org_unit)
    report = ImmediateReport(
        org_unit=org_unit,
        category=category,
        severity=severity,
        occurred_at=occurred_at,
        description=description.strip(),
        persons_involved=persons_involved.strip()[:300],
        waiting_unit=org_unit.parent or org_unit,
        filed_at=now,
        filed_by=by,
        idempotency_key=idempotency_key,
    )
    report.escalate_at = _escalate_at(report, now)
    report.save()
    figure_add(org_unit, IMMEDIATE, 1, timezone.localdate(now))
    immediate_level_add(report, 1, timezone.localdate(now))
    ImmediateReportEvent.objects.create(report=report, at=now, kind=Kind.FILED, by=by, org_unit=org_unit)
    audit_record(
        by=by,
        action="immediate.file",
        obj=report,
        org_unit=org_unit,
        summary={"category": category.code, "severity": severity},
    )
    with translation.override(settings.LANGUAGE_CODE):
        headline = _("Filed by %(unit)s; waiting for %(level)s to acknowledge.") % {
            "unit": org_unit.display_name,
            "level": report.waiting_unit.display_name,
        }
    _notify(report, list({report.waiting_unit, county}), headline)
    return report


def _step(
    report: ImmediateReport, *, by: User, kind: str, allowed: set[str], text: str, now: dt.datetime | None
) -> ImmediateReport:
    """Lock the report, check who acts and when, and put the step on the timeline.

    Any step acknowledges the report if nobody had, and stops its escalation.
    """
    report = ImmediateReport.objects.select_for_update().select_related("waiting_unit").get(pk=report.pk)
    require(
        by,
        "change_immediatereport",
        report.waiting_unit,
        _("Only the level this report waits for, or a higher one, can act on it."),
    )
    if report.state not in allowed:
        raise ValidationError(_("This report is %(state)s.") % {"state": report.get_state_display()})
    now = now or timezone.now()
    ImmediateReportEvent.objects.create(
        report=report, at=now, kind=kind, by=by, org_unit=report.waiting_unit, text=text
    )
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by = now, by
    report.escalate_at = None
    return report


STEP_FIELDS = ["state", "acknowledged_at", "acknowledged_by", "escalate_at"]
NOT_CLOSED: set[str] = {State.OPEN, State.ACKNOWLEDGED, State.HANDLING}


@transaction.atomic
def immediate_report_acknowledge(
    *, by: User, report: ImmediateReport, now: dt.datetime | None = None
) -> ImmediateReport:
    report = _step(report, by=by, kind=Kind.ACKNOWLEDGED, allowed={State.OPEN}, text="", now=now)
    report.state = State.ACKNOWLEDGED
    report.save(update_fields=STEP_FIELDS)
    audit_record(by=by, action="immediate.acknowledge", obj=report, org_unit=report.org_unit)
    return report


@transaction.atomic
def immediate_report_handle(
    *, by: User, report: ImmediateReport, text: str, now: dt.datetime | None = None
) -> ImmediateReport:
    """Record a step taken; acknowledges the report if nobody had."""
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    report = _step(report, by=by, kind=Kind.HANDLING, allowed=NOT_CLOSED, text=text.strip(), now=now)
    report.state = State.HANDLING
    report.save(update_fields=STEP_FIELDS)
    audit_record(
        by=by, action="immediate.handle", obj=report, org_unit=report.org_unit, summary={"text": text.strip()[:200]}
    )
    return report


@transaction.atomic
def immediate_report_close(
    *, by: User, report: ImmediateReport, outcome: str, now: dt.datetime | None = None
) -> ImmediateReport:
    if not outcome.strip():
        raise ValidationError({"outcome": _("Give the outcome before closing.")})
    now = now or timezone.now()
    report = _step(report, by=by, kind=Kind.CLOSED, allowed=NOT_CLOSED, text=outcome.strip(), now=now)
    report.state, report.closed_at, report.outcome = State.CLOSED, now, outcome.strip()
    report.save(update_fields=[*STEP_FIELDS, "closed_at", "outcome"])
    immediate_level_add(report, -1, timezone.localdate(now))
    audit_record(by=by, action="immediate.close", obj=report, org_unit=report.org_unit)
    return report


def immediate_reports_escalate(*, now: dt.datetime | None = None) -> int:
    """Move every report nobody acknowledged in time one level up; the periodic job calls this each minute."""
    now = now or timezone.now()
    due = ImmediateReport.objects.filter(state=State.OPEN, escalate_at__lte=now).values_list("pk", flat=True)
    return sum(_escalate_one(pk, now) for pk in list(due))


@transaction.atomic
def _escalate_one(report_id: int, now: dt.datetime) -> int:
    report = (
        ImmediateReport.objects.select_for_update(of=("self",))
        .select_related("waiting_unit__parent", "org_unit", "category")
        .filter(pk=report_id, state=State.OPEN, escalate_at__lte=now)
        .first()
    )
    if report is None:
        return 0
    if report.waiting_unit.parent is None:  # the top of the tree: nowhere higher to go
        report.escalate_at = None
        report.save(update_fields=["escalate_at"])
        return 0
    previous = report.waiting_unit
    report.waiting_unit = report.waiting_unit.parent
    report.escalations += 1
    report.escalate_at = _escalate_at(report, now)
    report.save(update_fields=["waiting_unit", "escalations", "escalate_at"])
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Not acknowledged by %(previous)s in time; now waiting for %(level)s.") % {
            "previous": previous.display_name,
            "level": report.waiting_unit.display_name,
        }
    ImmediateReportEvent.objects.create(
        report=report, at=now, kind=Kind.ESCALATED, org_unit=report.waiting_unit, text=text
    )
    audit_record(
        by=None,
        action="immediate.escalate",
        obj=report,
        org_unit=report.org_unit,
        summary={"to": report.waiting_unit.pk},
    )
    _notify(report, [report.waiting_unit], text)
    return 1


def category_by_code(code: str) -> IncidentCategory:
    category = IncidentCategory.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise ValidationError({"category": _("Unknown category %(code)s.") % {"code": code}})
    return category
