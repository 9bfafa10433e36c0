"""Arrivals to verify: the destination unit verifies each one and the result flows back to the passage.

A verified arrival puts the person in the unit's register if they are not there yet (the hand-over to
the village), and "home observation" opens the observation case. Arrivals still unverified at their
deadline are immediate reports (时时报) to the levels above, which escalate on their own.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bastion.checkpoints.figures import ARRIVALS_OPEN
from bastion.checkpoints.models import Arrival
from bastion.checkpoints.services.common import require
from bastion.core.crypto import keyed_hash
from bastion.core.models import User
from bastion.core.services.audit import audit_record
from bastion.dashboard.figures import figure_add
from bastion.residents.models import Person
from bastion.residents.validation import plain

Result = Arrival.Result
OVERDUE_CATEGORY = "arrival_overdue"


def _person_for(arrival: Arrival) -> Person | None:
    """The arriving person in the register: linked, found by ID number, or registered now in the unit."""
    from bastion.residents.services.persons import person_register

    passage = arrival.passage
    if passage.person_id is not None:
        return passage.person
    person = None
    if passage.id_number:
        person = Person.objects.filter(id_hash=keyed_hash(passage.id_number), merged_into__isnull=True).first()
    if person is None and passage.name:
        person = person_register(
            by=None,
            org_unit=arrival.org_unit,
            name=passage.name,
            id_number=passage.id_number,
            phone=passage.phone,
            address=passage.extra.get("address", ""),
        )
    if person is not None:
        passage.person = person
        passage.save(update_fields=["person"])
    return person


@transaction.atomic
def arrival_verify(
    *, by: User, arrival: Arrival, result: str, note: str = "", now: dt.datetime | None = None
) -> Arrival:
    arrival = Arrival.objects.select_for_update(of=("self",)).select_related("org_unit", "passage").get(pk=arrival.pk)
    require(by, "change_arrival", arrival.org_unit)
    if arrival.result != Result.PENDING:
        raise ValidationError(
            _("This arrival was already verified: %(result)s.") % {"result": arrival.get_result_display()}
        )
    if result not in (Result.AT_HOME, Result.NOT_FOUND, Result.OBSERVATION):
        raise ValidationError({"result": _("Choose the result of the verification.")})
    if result == Result.NOT_FOUND and not plain(note):
        raise ValidationError({"note": _("Say what was done to find the person.")})
    now = now or timezone.now()
    if result != Result.NOT_FOUND:
        person = _person_for(arrival)
        if result == Result.OBSERVATION and person is not None:
            _observe(person, by)
    arrival.result, arrival.verified_at, arrival.verified_by, arrival.note = result, now, by, plain(note)[:300]
    arrival.save(update_fields=["result", "verified_at", "verified_by", "note"])
    figure_add(arrival.org_unit_id, ARRIVALS_OPEN, -1, timezone.localdate(now))
    audit_record(
        by=by,
        action="arrival.verify",
        obj=arrival,
        org_unit=arrival.org_unit,
        summary={"passage": arrival.passage_id, "result": result},
    )
    return arrival


def _observe(person: Person, by: User) -> None:
    from bastion.observation.models import ObservationCase, ObservationReason
    from bastion.observation.services.cases import case_open

    if ObservationCase.objects.filter(person=person, status=ObservationCase.Status.ACTIVE).exists():
        return
    reason = ObservationReason.objects.filter(code="returnee", is_active=True).first()
    if reason is not None:
        opener = by if by.has_perm("observation.add_observationcase") else None
        case_open(by=opener, person=person, reason=reason)


def arrivals_escalate(*, now: dt.datetime | None = None) -> int:
    """File an immediate report for each arrival past its deadline; the periodic job calls this every five minutes."""
    now = now or timezone.now()
    due = Arrival.objects.filter(result=Result.PENDING, due_at__lt=now, overdue_report__isnull=True)
    return sum(_escalate_one(pk, now) for pk in list(due.values_list("pk", flat=True)))


@transaction.atomic
def _escalate_one(arrival_id: int, now: dt.datetime) -> int:
    from bastion.reporting.models import IncidentCategory
    from bastion.reporting.services.immediate import immediate_report_file

    arrival = (
        Arrival.objects.select_for_update(of=("self",))
        .select_related("org_unit", "passage__post")
        .filter(pk=arrival_id, result=Result.PENDING, overdue_report__isnull=True)
        .first()
    )
    category = IncidentCategory.objects.filter(code=OVERDUE_CATEGORY, is_active=True).first()
    if arrival is None or category is None:
        return 0
    passage = arrival.passage
    with translation.override(settings.LANGUAGE_CODE):
        description = _(
            "An arrival registered at %(post)s on %(at)s was not verified by %(unit)s within its deadline (%(due)s)."
        ) % {
            "post": passage.post.name,
            "at": f"{timezone.localtime(passage.at):%Y-%m-%d %H:%M}",
            "unit": arrival.org_unit.display_name,
            "due": f"{timezone.localtime(arrival.due_at):%m-%d %H:%M}",
        }
    arrival.overdue_report = immediate_report_file(
        by=None,
        org_unit=arrival.org_unit,
        category=category,
        description=description,
        persons_involved=passage.masked_name,
        occurred_at=arrival.due_at,
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"bastion:arrival:{arrival.pk}"),
        now=now,
    )
    arrival.save(update_fields=["overdue_report"])
    return 1
