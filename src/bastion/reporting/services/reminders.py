"""Reminders for reports not yet filed: to the unit before and after the deadline, then to the level above."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.core.services.notifications import notification_send
from bastion.reporting.models import ReminderSent, Report, ReportForm
from bastion.reporting.services.common import deadline_at, local_today
from bastion.reporting.services.immediate import responsible_for

Stage = ReminderSent.Stage


def _missing_units(form: ReportForm, period: dt.date, stage: str) -> list[OrgUnit]:
    """Units that file the form, have not filed for the period and have not had this reminder."""
    filed = Report.objects.filter(form=form, period=period).values("org_unit_id")
    reminded = ReminderSent.objects.filter(form=form, period=period, stage=stage).values("org_unit_id")
    return list(
        OrgUnit.objects.filter(paths_q([form.owner_unit.path]), kind__in=form.levels, is_active=True)
        .exclude(pk__in=filed)
        .exclude(pk__in=reminded)
        .select_related("parent")
        .order_by("path")
    )


def _filing_link(form: ReportForm, unit: OrgUnit, period: dt.date) -> str:
    url = reverse("reporting:file", kwargs={"form_id": form.pk, "unit_id": unit.pk})
    return f"{url}?period={period.isoformat()}"


@transaction.atomic
def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send what is due now and record it, so a second run sends nothing; returns how many units were reminded."""
    now = now or timezone.now()
    sent = 0
    for form in ReportForm.objects.filter(is_active=True).select_related("owner_unit"):
        period = form.period_start(local_today(now))
        deadline = deadline_at(form, period)
        if now >= deadline:
            sent += _remind(form, period, Stage.AFTER, deadline)
        elif now >= deadline - dt.timedelta(minutes=form.remind_before_minutes):
            sent += _remind(form, period, Stage.BEFORE, deadline)
    return sent


def _remind(form: ReportForm, period: dt.date, stage: str, deadline: dt.datetime) -> int:
    units = _missing_units(form, period, stage)
    if not units:
        return 0
    ReminderSent.objects.bulk_create(
        [ReminderSent(form=form, org_unit=unit, period=period, stage=stage) for unit in units], ignore_conflicts=True
    )
    with translation.override(settings.LANGUAGE_CODE):
        due = timezone.localtime(deadline).strftime("%H:%M")
        for unit in units:
            if stage == Stage.BEFORE:
                title = _("Reminder: %(form)s for %(period)s is due at %(time)s") % {
                    "form": form.name,
                    "period": period.isoformat(),
                    "time": due,
                }
                body = _("%(unit)s has not filed yet. With nothing to report, file a zero report.") % {
                    "unit": unit.display_name
                }
            else:
                title = _("Overdue: %(form)s for %(period)s was due at %(time)s") % {
                    "form": form.name,
                    "period": period.isoformat(),
                    "time": due,
                }
                body = _("%(unit)s has not filed. File now; the level above has been told.") % {
                    "unit": unit.display_name
                }
            notification_send(
                recipients=responsible_for([unit], perm="reporting.add_report"),
                kind="report_reminder",
                title=title,
                body=body,
                link=_filing_link(form, unit, period),
                org_unit=unit,
                webhook_units=[unit],
            )
        if stage == Stage.AFTER:
            _tell_parents(form, period, units, due)
    return len(units)


def _tell_parents(form: ReportForm, period: dt.date, units: list[OrgUnit], due: str) -> None:
    by_parent: dict[OrgUnit, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        if unit.parent is not None:
            by_parent[unit.parent].append(unit)
    told = set(
        ReminderSent.objects.filter(
            form=form, period=period, stage=Stage.PARENT, org_unit__in=list(by_parent)
        ).values_list("org_unit_id", flat=True)
    )
    ReminderSent.objects.bulk_create(
        [ReminderSent(form=form, org_unit=parent, period=period, stage=Stage.PARENT) for parent in by_parent],
        ignore_conflicts=True,
    )
    for parent, missing in by_parent.items():
        names = "、".join(unit.display_name for unit in missing)
        title = ngettext(
            "%(count)d unit below %(unit)s has not filed %(form)s for %(period)s",
            "%(count)d units below %(unit)s have not filed %(form)s for %(period)s",
            len(missing),
        ) % {
            "count": len(missing),
            "unit": parent.display_name,
            "form": form.name,
            "period": period.isoformat(),
        }
        if parent.pk in told:
            title = _("More units below %(unit)s have not filed %(form)s for %(period)s") % {
                "unit": parent.display_name,
                "form": form.name,
                "period": period.isoformat(),
            }
        link = reverse("reporting:missing") + f"?form={form.pk}&unit={parent.pk}&date={period.isoformat()}"
        notification_send(
            recipients=responsible_for([parent], perm="reporting.view_report"),
            kind="report_missing",
            title=title,
            body=_("Due at %(time)s. Not filed: %(units)s.") % {"time": due, "units": names},
            link=link,
            org_unit=parent,
            webhook_units=[parent],
        )
