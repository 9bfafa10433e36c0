"""Campaigns, rounds and visits: opening a round creates the tasks, a visit accounts for a person,
a round closes only when everyone is accounted for."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.residents.figures import round_closed, round_opened, visit_counted
from bastion.residents.models import (
    ACCOUNTED,
    Campaign,
    CategoryTag,
    Outcome,
    Person,
    ScreeningRound,
    Symptom,
    Visit,
    VisitTask,
)
from bastion.residents.models.screening import FEVER_FROM
from bastion.residents.services.common import require
from bastion.residents.validation import TEMPERATURE_RANGE, plain

HomeObservationStarter = Callable[[VisitTask, Visit, "User | None"], None]
home_observation_starters: list[HomeObservationStarter] = []
"""The Observation app appends its case-opening service here; until one is registered the task waits."""


@transaction.atomic
def campaign_create(
    *,
    by: User,
    org_unit: OrgUnit,
    name: str,
    tags: Iterable[CategoryTag] = (),
    arrived_from: dt.date | None = None,
    arrived_until: dt.date | None = None,
    round_count: int = 4,
) -> Campaign:
    require(by, "add_campaign", org_unit)
    errors: dict[str, str] = {}
    if not plain(name):
        errors["name"] = _("Give the campaign a name.")
    if not 1 <= round_count <= 10:
        errors["round_count"] = _("A campaign has between 1 and 10 rounds.")
    if arrived_from and arrived_until and arrived_from > arrived_until:
        errors["arrived_until"] = _("The end of the arrival window is before its start.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        org_unit=org_unit,
        name=plain(name),
        arrived_from=arrived_from,
        arrived_until=arrived_until,
        round_count=round_count,
        created_by=by,
    )
    campaign.tags.set(list(tags))
    ScreeningRound.objects.bulk_create(ScreeningRound(campaign=campaign, number=n) for n in range(1, round_count + 1))
    audit_record(
        by=by,
        action="campaign.create",
        obj=campaign,
        org_unit=org_unit,
        summary={"name": campaign.name, "rounds": round_count, "tags": [t.code for t in campaign.tags.all()]},
    )
    return campaign


def targeted_persons(campaign: Campaign) -> QuerySet[Person]:
    """Everyone the campaign targets now: in its area, with one of its categories, arrived in its window."""
    low, high = campaign.org_unit.subtree_bounds
    persons = Person.objects.filter(merged_into__isnull=True, org_unit__path__gte=low, org_unit__path__lt=high)
    tag_ids = list(campaign.tags.values_list("pk", flat=True))
    if tag_ids:
        persons = persons.filter(tags__in=tag_ids)
    if campaign.arrived_from:
        persons = persons.filter(travels__arrival_date__gte=campaign.arrived_from)
    if campaign.arrived_until:
        persons = persons.filter(travels__arrival_date__lte=campaign.arrived_until)
    return persons.distinct()


def _locked(screening_round: ScreeningRound) -> ScreeningRound:
    """The round, read again under a row lock: opening and closing it must not race."""
    return ScreeningRound.objects.select_for_update().select_related("campaign__org_unit").get(pk=screening_round.pk)


@transaction.atomic
def round_open(*, by: User, screening_round: ScreeningRound, now: dt.datetime | None = None) -> int:
    """Open the round: one visit task for every person the campaign targets now. Returns how many."""
    screening_round = _locked(screening_round)
    campaign = screening_round.campaign
    require(by, "change_screeninground", campaign.org_unit)
    if screening_round.status != ScreeningRound.Status.PLANNED:
        raise ValidationError(_("Round %(number)s is already open or closed.") % {"number": screening_round.number})
    earlier = campaign.rounds.filter(number__lt=screening_round.number).exclude(status=ScreeningRound.Status.CLOSED)
    if earlier.exists():
        raise ValidationError(_("Close the earlier rounds first."))
    targets = targeted_persons(campaign).values_list("pk", "org_unit_id")
    tasks = [VisitTask(round=screening_round, person_id=pk, org_unit_id=unit) for pk, unit in targets.iterator()]
    VisitTask.objects.bulk_create(tasks, batch_size=2000)
    screening_round.status = ScreeningRound.Status.OPEN
    screening_round.opened_at, screening_round.opened_by = now or timezone.now(), by
    screening_round.save(update_fields=["status", "opened_at", "opened_by"])
    round_opened(screening_round, Counter(task.org_unit_id for task in tasks))
    audit_record(
        by=by,
        action="round.open",
        obj=screening_round,
        org_unit=campaign.org_unit,
        summary={"campaign": campaign.pk, "number": screening_round.number, "tasks": len(tasks)},
    )
    return len(tasks)


def _visit_errors(
    *,
    task: VisitTask,
    found: bool,
    temperature: Decimal | None,
    symptoms: list[Symptom],
    outcome: str,
    moved_to: OrgUnit | None,
    moved_outside: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose an outcome.")
    elif not found and outcome not in (Outcome.NOT_FOUND, Outcome.MOVED_AWAY):
        errors["outcome"] = _("A person who was not seen is either not found or moved away.")
    elif found and outcome == Outcome.NOT_FOUND:
        errors["outcome"] = _("The person was seen, so the outcome cannot be 'not found'.")
    if temperature is not None and not TEMPERATURE_RANGE[0] <= temperature <= TEMPERATURE_RANGE[1]:
        errors["temperature"] = _("A body temperature lies between 34 and 43 °C.")
    fever = temperature is not None and temperature >= Decimal(str(FEVER_FROM))
    if (fever or symptoms) and outcome in (Outcome.NO_RISK, Outcome.NOT_FOUND):
        errors["outcome"] = _("A person with fever or symptoms is referred or put under home observation.")
    if outcome == Outcome.MOVED_AWAY:
        if moved_to is None and not plain(moved_outside):
            errors["moved_to"] = _("Say where the person now lives: a unit, or a place outside the area.")
        if moved_to is not None and moved_to.pk == task.org_unit_id:
            errors["moved_to"] = _("The person still lives in this unit.")
    return errors


def _hand_over(task: VisitTask, moved_to: OrgUnit | None, moved_outside: str) -> None:
    """A move inside the campaign's area hands the task to the new unit; elsewhere, the record says where."""
    area = task.round.campaign.org_unit
    if moved_to is not None and moved_to.path.startswith(area.path):
        task.handed_from_id, task.org_unit = task.org_unit_id, moved_to
        task.outcome, task.accounted = "", False
        Person.objects.filter(pk=task.person_id).update(org_unit=moved_to, household=None)
    else:
        task.moved_outside = moved_to.display_name if moved_to is not None else plain(moved_outside)


def _refer(task: VisitTask, visit: Visit, by: User | None) -> None:
    """A person referred with fever or symptoms is an immediate report (时时报) to the levels above."""
    from bastion.reporting.models import IncidentCategory
    from bastion.reporting.services.immediate import immediate_report_file

    category = IncidentCategory.objects.filter(code="suspected_case", is_active=True).first()
    if category is None:
        return
    symptoms = ", ".join(str(s) for s in visit.symptoms.all())
    description = _("Found in screening and referred to hospital: temperature %(temperature)s °C; %(symptoms)s") % {
        "temperature": visit.temperature if visit.temperature is not None else "-",
        "symptoms": symptoms or _("no symptoms listed"),
    }
    filer = by if by is not None and by.has_perm("reporting.add_immediatereport") else None
    immediate_report_file(
        by=filer,
        org_unit=task.org_unit,
        category=category,
        description=description,
        persons_involved=task.person.name,
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"bastion:visit:{visit.pk}"),
    )


@transaction.atomic
def visit_record(
    *,
    by: User | None,
    task: VisitTask,
    found: bool,
    outcome: str,
    method: str = Visit.Method.DOOR,
    temperature: Decimal | None = None,
    symptoms: Iterable[Symptom] = (),
    moved_to: OrgUnit | None = None,
    moved_outside: str = "",
    note: str = "",
    idempotency_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """Record one visit; a retry with the same key gives back the first visit."""
    if idempotency_key is not None:
        earlier = Visit.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.task_id != task.pk:
                raise ValidationError(_("This idempotency key was already used for another visit."))
            return earlier
    task = VisitTask.objects.select_for_update().select_related("round__campaign__org_unit", "person").get(pk=task.pk)
    require(by, "add_visit", task.org_unit)
    if task.round.status != ScreeningRound.Status.OPEN:
        raise ValidationError(_("This round is not open."))
    symptoms = list(symptoms)
    if method not in Visit.Method.values:
        raise ValidationError({"method": _("Choose how the visit was made.")})
    errors = _visit_errors(
        task=task,
        found=found,
        temperature=temperature,
        symptoms=symptoms,
        outcome=outcome,
        moved_to=moved_to,
        moved_outside=moved_outside,
    )
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    unit_before, visited_before = task.org_unit_id, task.visited_at
    visit = Visit.objects.create(
        task=task,
        org_unit=task.org_unit,
        by=by,
        at=now,
        method=method,
        found=found,
        temperature=temperature,
        outcome=outcome,
        moved_to=moved_to if outcome == Outcome.MOVED_AWAY else None,
        moved_outside=plain(moved_outside) if outcome == Outcome.MOVED_AWAY else "",
        note=plain(note),
        idempotency_key=idempotency_key,
    )
    visit.symptoms.set(symptoms)
    task.outcome, task.visited_at = outcome, now
    task.accounted = outcome in ACCOUNTED
    if outcome == Outcome.MOVED_AWAY:
        _hand_over(task, moved_to, moved_outside)
    if outcome == Outcome.HOME_OBSERVATION:
        task.awaiting_observation = not home_observation_starters
    task.save()
    visit_counted(task=task, visit=visit, unit_before=unit_before, visited_before=visited_before)
    audit_record(
        by=by,
        action="visit.record",
        obj=visit,
        org_unit=visit.org_unit,
        summary={
            "task": task.pk,
            "found": found,
            "outcome": outcome,
            "temperature": str(temperature) if temperature is not None else None,
            "symptoms": [s.code for s in symptoms],
            "handed_to": task.org_unit_id if task.handed_from_id == visit.org_unit_id else None,
        },
    )
    if outcome == Outcome.REFERRAL:
        _refer(task, visit, by)
    if outcome == Outcome.HOME_OBSERVATION:
        for start in home_observation_starters:
            start(task, visit, by)
    return visit


@transaction.atomic
def task_explain(*, by: User, task: VisitTask, reason: str) -> VisitTask:
    """Account for a person who cannot be visited, with the reason (in hospital elsewhere, deceased…)."""
    task = VisitTask.objects.select_for_update().select_related("round").get(pk=task.pk)
    require(by, "change_visittask", task.org_unit)
    if task.round.status != ScreeningRound.Status.OPEN:
        raise ValidationError(_("This round is not open."))
    if not plain(reason):
        raise ValidationError({"reason": _("Explain why the person cannot be visited.")})
    task.exception_reason, task.accounted = plain(reason), True
    task.save(update_fields=["exception_reason", "accounted"])
    audit_record(by=by, action="task.explain", obj=task, org_unit=task.org_unit, summary={"reason": reason})
    return task


@transaction.atomic
def round_close(*, by: User, screening_round: ScreeningRound, now: dt.datetime | None = None) -> ScreeningRound:
    """Close the round; refused while anyone is unaccounted for, with how many and where."""
    screening_round = _locked(screening_round)
    require(by, "change_screeninground", screening_round.campaign.org_unit)
    if screening_round.status != ScreeningRound.Status.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    open_tasks = screening_round.tasks.filter(accounted=False)
    count = open_tasks.count()
    if count:
        units = sorted({t.org_unit.display_name for t in open_tasks.select_related("org_unit")[:200]})
        message = ngettext(
            "%(count)s person is not accounted for yet (%(units)s): visit them, or explain why they cannot be.",
            "%(count)s persons are not accounted for yet (%(units)s): visit them, or explain why they cannot be.",
            count,
        )
        raise ValidationError(message % {"count": count, "units": "、".join(units[:10])})
    screening_round.status = ScreeningRound.Status.CLOSED
    screening_round.closed_at, screening_round.closed_by = now or timezone.now(), by
    screening_round.save(update_fields=["status", "closed_at", "closed_by"])
    round_closed(screening_round, screening_round.closed_at)
    audit_record(
        by=by,
        action="round.close",
        obj=screening_round,
        org_unit=screening_round.campaign.org_unit,
        summary={"campaign": screening_round.campaign_id, "number": screening_round.number},
    )
    return screening_round
