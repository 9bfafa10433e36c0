"""Filing a report: figures, zero reports, late edits, figures filled in from sources."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.dashboard.figures import figure_add
from bastion.reporting.figures import STATUS_KEY
from bastion.reporting.models import Indicator, Report, ReportForm, ReportValue
from bastion.reporting.services.common import deadline_at, files_form, local_today, require
from bastion.reporting.sources import source_value

TRUE_WORDS = {"1", "true", "yes", "y", "on", "是", "有"}
FALSE_WORDS = {"0", "false", "no", "n", "off", "否", "无", "没有"}
REASON_SUFFIX = "__reason"


@dataclass
class CleanValue:
    indicator: Indicator
    number: Decimal | None
    text: str
    source_value: Decimal | None
    override_reason: str


def indicators_of(form: ReportForm, version: int | None = None) -> list[Indicator]:
    version = form.version if version is None else version
    return [i for i in form.indicators.all() if i.in_version(version)]


def parse_value(indicator: Indicator, raw: Any) -> tuple[Decimal | None, str]:
    """Read one raw value; raises ValueError with a message for the user."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if indicator.value_type == Indicator.ValueType.TEXT:
        text = str(raw).strip()
        if len(text) > 200:
            raise ValueError(_("At most 200 characters."))
        return None, text
    if indicator.value_type == Indicator.ValueType.BOOLEAN:
        word = str(raw).strip().lower()
        if raw is True or word in TRUE_WORDS:
            return Decimal(1), ""
        if raw is False or word in FALSE_WORDS:
            return Decimal(0), ""
        raise ValueError(_("Answer yes or no."))
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if indicator.value_type == Indicator.ValueType.INTEGER and number != number.to_integral_value():
        raise ValueError(_("Enter a whole number."))
    low, high = indicator.bounds()
    if low is not None and number < low:
        raise ValueError(_("The smallest allowed value is %(low)s.") % {"low": _plain(low)})
    if high is not None and number > high:
        raise ValueError(_("The largest allowed value is %(high)s.") % {"high": _plain(high)})
    if abs(number) >= Decimal("1e12"):
        raise ValueError(_("This number is too large."))
    return number.quantize(Decimal("0.01")), ""


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def clean_values(
    *, form: ReportForm, unit: OrgUnit, period: dt.date, version: int, values: dict[str, Any]
) -> list[CleanValue]:
    """Check every figure against its indicator; errors are keyed by indicator code."""
    errors: dict[str, str] = {}
    cleaned: list[CleanValue] = []
    last = form.period_end(period)
    for indicator in indicators_of(form, version):
        known = source_value(indicator.source, unit, period, last) if indicator.source else None
        raw = values.get(indicator.code)
        try:
            number, text = parse_value(indicator, raw)
        except ValueError as exc:
            errors[indicator.code] = str(exc)
            continue
        if number is None and not text and known is not None:
            number = known  # the cadre confirmed the figure the system knows
        if number is None and not text:
            if indicator.required:
                errors[indicator.code] = _("Required: enter a figure, or file a zero report.")
            continue
        reason = str(values.get(indicator.code + REASON_SUFFIX) or "").strip()[:200]
        if known is not None and number != known and not reason:
            errors[indicator.code + REASON_SUFFIX] = _("The system counts %(known)s; say why your figure differs.") % {
                "known": _plain(known)
            }
            continue
        cleaned.append(CleanValue(indicator, number, text, known, reason if number != known else ""))
    unknown = (
        set(values) - {i.code for i in form.indicators.all()} - {i.code + REASON_SUFFIX for i in form.indicators.all()}
    )
    for code in sorted(unknown):
        errors[code] = _("This form has no indicator %(code)s.") % {"code": code}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_filing(form: ReportForm, unit: OrgUnit, period: dt.date, now: dt.datetime) -> None:
    if not form.is_active:
        raise ValidationError({"form": _("This form is no longer in use.")})
    if not files_form(form, unit):
        raise ValidationError(
            {"org_unit": _("%(unit)s does not file %(form)s.") % {"unit": unit.display_name, "form": form.name}}
        )
    if period > local_today(now):
        raise ValidationError({"period": _("A report cannot be filed for a day that has not come yet.")})


@transaction.atomic
def report_submit(
    *,
    by: User | None,
    form: ReportForm,
    org_unit: OrgUnit,
    period: dt.date,
    values: dict[str, Any] | None = None,
    is_zero: bool = False,
    note: str = "",
    edit_reason: str = "",
    idempotency_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """File (or change) a unit's report for a period; a retry with the same key returns the first report.

    A zero report (零报告) says "nothing to report" and carries no figures. After
    the deadline a change needs ``edit_late_report`` and a reason.
    """
    if idempotency_key is not None:
        earlier = Report.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if (earlier.form_id, earlier.org_unit_id, earlier.period) != (form.pk, org_unit.pk, period):
                raise ValidationError(_("This idempotency key was already used for another report."))
            return earlier
    require(by, "add_report", org_unit)
    now = now or timezone.now()
    period = form.period_start(period)
    _check_filing(form, org_unit, period, now)
    late = now > deadline_at(form, period)
    report = Report.objects.select_for_update().filter(form=form, org_unit=org_unit, period=period).first()
    if report is not None and late:
        if by is not None and not by.has_perm("reporting.edit_late_report"):
            raise PermissionDenied(_("The deadline has passed: ask the township to change this report."))
        if not edit_reason.strip():
            raise ValidationError({"edit_reason": _("Say why the report is changed after the deadline.")})
    version = report.form_version if report is not None else form.version
    cleaned = (
        [] if is_zero else clean_values(form=form, unit=org_unit, period=period, version=version, values=values or {})
    )
    if report is None:
        report = Report.objects.create(
            form=form,
            org_unit=org_unit,
            period=period,
            form_version=version,
            is_zero=is_zero,
            is_late=late,
            submitted_at=now,
            submitted_by=by,
            note=note.strip()[:300],
            idempotency_key=idempotency_key,
        )
        figure_add(org_unit, STATUS_KEY[report.status], 1, period)
        action = "report.zero" if is_zero else "report.file"
        summary: dict[str, Any] = {"late": late}
    else:
        before = {v.indicator.code: _shown(v) for v in report.values.select_related("indicator")}
        was = report.status
        report.is_zero = is_zero
        report.note = note.strip()[:300]
        report.save(update_fields=["is_zero", "note", "updated_at"])
        if report.status != was:  # a report turned into a zero report, or back
            figure_add(org_unit, STATUS_KEY[was], -1, period)
            figure_add(org_unit, STATUS_KEY[report.status], 1, period)
        report.values.all().delete()
        after = {c.indicator.code: _plain(c.number) if c.number is not None else c.text for c in cleaned}
        changes = {
            k: [before.get(k), after.get(k)]
            for k in sorted(before.keys() | after.keys())
            if before.get(k) != after.get(k)
        }
        action, summary = "report.edit", {"changes": changes, "zero": is_zero, "after_deadline": late}
        if late:
            summary["reason"] = edit_reason.strip()[:300]
    ReportValue.objects.bulk_create(
        ReportValue(
            report=report,
            indicator=c.indicator,
            org_unit=org_unit,
            period=period,
            number=c.number,
            text=c.text,
            source_value=c.source_value,
            override_reason=c.override_reason,
        )
        for c in cleaned
    )
    audit_record(by=by, action=action, obj=report, org_unit=org_unit, summary={"period": str(period), **summary})
    return report


def _shown(value: ReportValue) -> str:
    return _plain(value.number) if value.number is not None else value.text
