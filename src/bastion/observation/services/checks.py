"""Health checks: a temperature and symptoms, twice a day; one out of range raises an alert.

The alert is an immediate report (时时报) through the reporting app, so it reaches the township and
the HQ at once and escalates when nobody acknowledges it. While a case has an alert open, later
checks out of range join it instead of filing another.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bastion.core.models import User
from bastion.core.services.audit import audit_record
from bastion.observation.models import HealthCheck, ObservationCase
from bastion.observation.services.common import require
from bastion.reporting.models import ImmediateReport, IncidentCategory
from bastion.residents.models import Symptom
from bastion.residents.models.screening import FEVER_FROM
from bastion.residents.validation import plain, temperature_error

ALERT_CATEGORY = "observation_alert"
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def is_out_of_range(temperature: Decimal, symptoms: list[Symptom]) -> bool:
    return temperature >= Decimal(str(FEVER_FROM)) or bool(symptoms)


@transaction.atomic
def check_record(
    *,
    by: User | None,
    case: ObservationCase,
    temperature: Decimal | None,
    symptoms: Iterable[Symptom] = (),
    taken_at: dt.datetime | None = None,
    self_reported: bool = False,
    note: str = "",
    idempotency_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> HealthCheck:
    """Record one check; a retry with the same key gives back the first check."""
    if idempotency_key is not None:
        earlier = HealthCheck.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.case_id != case.pk:
                raise ValidationError(_("This idempotency key was already used for another check."))
            return earlier
    case = ObservationCase.objects.select_for_update(of=("self",)).select_related("org_unit", "person").get(pk=case.pk)
    require(by, "add_healthcheck", case.org_unit)
    now = now or timezone.now()
    taken_at = taken_at or now
    symptoms = list(symptoms)
    if case.status != ObservationCase.Status.ACTIVE:
        raise ValidationError(
            _("This case is %(status)s: no more checks are taken.") % {"status": case.get_status_display().lower()}
        )
    errors: dict[str, str] = {}
    if temperature is None:
        errors["temperature"] = _("Give the temperature.")
    elif message := temperature_error(temperature):
        errors["temperature"] = message
    if taken_at > now + FUTURE_TOLERANCE:
        errors["taken_at"] = _("The time of the check lies in the future.")
    elif timezone.localdate(taken_at) < case.start_date:
        errors["taken_at"] = _("The check is before the observation started.")
    if any(not s.is_active for s in symptoms):
        errors["symptoms"] = _("One of these symptoms is no longer on the checklist.")
    if errors:
        raise ValidationError(errors)
    assert temperature is not None
    check = HealthCheck.objects.create(
        case=case,
        org_unit=case.org_unit,
        taken_at=taken_at,
        temperature=temperature,
        self_reported=self_reported,
        taken_by=by,
        out_of_range=is_out_of_range(temperature, symptoms),
        note=plain(note)[:300],
        idempotency_key=idempotency_key,
    )
    check.symptoms.set(symptoms)
    audit_record(
        by=by,
        action="observation.check",
        obj=check,
        org_unit=case.org_unit,
        summary={
            "case": case.pk,
            "temperature": str(temperature),
            "symptoms": [s.code for s in symptoms],
            "self_reported": self_reported,
        },
    )
    if check.out_of_range:
        check.alert, check.raised_alert = _alert(case, check, symptoms, by)
        check.save(update_fields=["alert", "raised_alert"])
    return check


def _alert(
    case: ObservationCase, check: HealthCheck, symptoms: list[Symptom], by: User | None
) -> tuple[ImmediateReport | None, bool]:
    """(the alert this check belongs to, whether this check raised it)."""
    from bastion.reporting.services.immediate import NOT_CLOSED, immediate_report_file

    open_alert = (
        HealthCheck.objects.filter(case=case, alert__state__in=NOT_CLOSED)
        .exclude(pk=check.pk)
        .values_list("alert", flat=True)
        .first()
    )
    if open_alert is not None:
        return ImmediateReport.objects.get(pk=open_alert), False
    category = IncidentCategory.objects.filter(code=ALERT_CATEGORY, is_active=True).first()
    if category is None:
        return None, False
    with translation.override(settings.LANGUAGE_CODE):
        description = _(
            "Health check of a person under observation (day %(day)s): temperature %(temperature)s °C; %(symptoms)s"
        ) % {
            "day": (timezone.localdate(check.taken_at) - case.start_date).days + 1,
            "temperature": check.temperature,
            "symptoms": ", ".join(str(s) for s in symptoms) or _("no symptoms listed"),
        }
    filer = by if by is not None and by.has_perm("reporting.add_immediatereport") else None
    report = immediate_report_file(
        by=filer,
        org_unit=case.org_unit,
        category=category,
        description=description,
        persons_involved=case.person.masked_name,
        occurred_at=check.taken_at,
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"bastion:check:{check.pk}"),
    )
    return report, True
