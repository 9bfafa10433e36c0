"""Configuring report forms without code: forms, indicators (versioned), incident categories."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.names import PRIMARY_LANGUAGE
from bastion.core.services.audit import audit_record, field_changes
from bastion.reporting.models import IncidentCategory, Indicator, Report, ReportForm
from bastion.reporting.services.common import require
from bastion.reporting.services.filing import REASON_SUFFIX
from bastion.reporting.sources import SOURCES

# Names a page or the API uses beside the indicator codes of a form.
RESERVED_CODES = {"form", "org_unit", "period", "note", "edit_reason", "is_zero", "idempotency_key"}


def _names(names: dict[str, str], field: str = "names") -> dict[str, str]:
    cleaned = {code: text.strip() for code, text in names.items() if text and text.strip()}
    if not cleaned.get(PRIMARY_LANGUAGE):
        raise ValidationError({field: _("Give the name in Chinese.")})
    return cleaned


def _form_settings(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    levels = list(dict.fromkeys(data.get("levels") or []))
    if not levels:
        errors["levels"] = _("Choose at least one level of units that file this form.")
    elif set(levels) - set(OrgUnit.Kind.values):
        errors["levels"] = _("Unknown level: %(levels)s.") % {
            "levels": ", ".join(sorted(set(levels) - set(OrgUnit.Kind.values)))
        }
    if data.get("period", ReportForm.Period.DAILY) not in ReportForm.Period.values:
        errors["period"] = _("Choose daily or weekly.")
    if not isinstance(data.get("deadline"), dt.time):
        errors["deadline"] = _("Give the deadline as a time of day, for example 18:00.")
    if errors:
        raise ValidationError(errors)
    return {**data, "levels": levels, "names": _names(data.get("names") or {})}


@transaction.atomic
def reportform_create(*, by: User | None, owner_unit: OrgUnit, code: str, **data: Any) -> ReportForm:
    require(by, "add_reportform", owner_unit)
    settings = _form_settings(data)
    if ReportForm.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A form with the code %(code)s exists already.") % {"code": code}})
    form = ReportForm.objects.create(owner_unit=owner_unit, code=code, **settings)
    audit_record(by=by, action="reportform.create", obj=form, org_unit=owner_unit, summary={"code": code})
    return form


@transaction.atomic
def reportform_update(*, by: User, form: ReportForm, data: dict[str, Any]) -> ReportForm:
    require(by, "change_reportform", form.owner_unit)
    changes = field_changes(form, _form_settings(data))
    if changes:
        form.save()
        audit_record(by=by, action="reportform.update", obj=form, org_unit=form.owner_unit, summary=changes)
    return form


def _next_version(form: ReportForm) -> int:
    """A change to the indicators opens a new version once reports exist under the current one."""
    if Report.objects.filter(form=form, form_version=form.version).exists():
        ReportForm.objects.filter(pk=form.pk).update(version=F("version") + 1)
        form.refresh_from_db(fields=["version"])
    return form.version


def _indicator_settings(data: dict[str, Any], value_type: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    low, high = data.get("min_value"), data.get("max_value")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        errors["max_value"] = _("The maximum is below the minimum.")
    if data.get("source") and data["source"] not in SOURCES:
        errors["source"] = _("Unknown source: %(source)s.") % {"source": data["source"]}
    if data.get("source") and value_type in (Indicator.ValueType.TEXT, Indicator.ValueType.BOOLEAN):
        errors["source"] = _("Only numbers can be filled in from a source.")
    if errors:
        raise ValidationError(errors)
    return {**data, "names": _names(data.get("names") or {})}


@transaction.atomic
def indicator_add(*, by: User | None, form: ReportForm, code: str, value_type: str, **data: Any) -> Indicator:
    require(by, "add_indicator", form.owner_unit)
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    if code in RESERVED_CODES or code.endswith(REASON_SUFFIX):
        raise ValidationError({"code": _("%(code)s is reserved; choose another code.") % {"code": code}})
    if form.indicators.filter(code=code).exists():
        raise ValidationError({"code": _("This form has an indicator %(code)s already.") % {"code": code}})
    if value_type not in Indicator.ValueType.values:
        raise ValidationError({"value_type": _("Choose a type.")})
    settings = _indicator_settings(data, value_type)
    version = _next_version(form)
    indicator = Indicator.objects.create(form=form, code=code, value_type=value_type, added_in=version, **settings)
    audit_record(
        by=by,
        action="indicator.add",
        obj=indicator,
        org_unit=form.owner_unit,
        summary={"form": form.code, "code": code, "version": version},
    )
    return indicator


@transaction.atomic
def indicator_update(*, by: User, indicator: Indicator, data: dict[str, Any]) -> Indicator:
    """Names, bounds, required flag, source and order; the type and code never change."""
    require(by, "change_indicator", indicator.form.owner_unit)
    changes = field_changes(indicator, _indicator_settings(data, indicator.value_type))
    if changes:
        indicator.save()
        audit_record(
            by=by, action="indicator.update", obj=indicator, org_unit=indicator.form.owner_unit, summary=changes
        )
    return indicator


@transaction.atomic
def indicator_retire(*, by: User, indicator: Indicator) -> Indicator:
    """Take an indicator off the form from the next version; reports filed before keep it."""
    form = ReportForm.objects.select_for_update().get(pk=indicator.form_id)
    require(by, "change_indicator", form.owner_unit)
    if indicator.retired_in is not None:
        return indicator
    indicator.retired_in = _next_version(form)
    indicator.save(update_fields=["retired_in"])
    audit_record(
        by=by,
        action="indicator.retire",
        obj=indicator,
        org_unit=form.owner_unit,
        summary={"form": form.code, "code": indicator.code, "version": indicator.retired_in},
    )
    return indicator


@transaction.atomic
def incident_category_create(*, by: User | None, code: str, names: dict[str, str], **data: Any) -> IncidentCategory:
    if by is not None and not by.has_perm("reporting.add_incidentcategory"):
        raise ValidationError(_("You may not add incident categories."))
    if IncidentCategory.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A category with the code %(code)s exists already.") % {"code": code}})
    category = IncidentCategory.objects.create(code=code, names=_names(names), **data)
    audit_record(by=by, action="incidentcategory.create", obj=category, summary={"code": code})
    return category
