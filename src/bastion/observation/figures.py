"""The observation figures of the dashboard (issue 11), both levels kept as their changes per unit and day.

- ``observation.active``: persons under observation; +1 at the case's unit on its start date, -1 on the local
  day it ended (released, referred, transferred outside). A transfer to another unit moves the case on the
  day of the transfer: -1 at the unit handing over, +1 at the unit taking over (the case's timeline keeps
  each hand-over, so a rebuild finds the same).
- ``observation.alerts_open``: alerts not yet closed, that is immediate reports of the observation alert
  category; +1 at the reporting unit on the day filed, -1 on the day closed. The reporting services keep it
  through ``reporting.figures.IMMEDIATE_LEVELS``, where this module registers it.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.dashboard.figures import LEVEL, Rows, figure
from bastion.observation.models import CaseEvent, ObservationCase
from bastion.reporting.figures import IMMEDIATE_LEVELS, add_rows, immediate_open_rows, local_day

ACTIVE = "observation.active"
ALERTS_OPEN = "observation.alerts_open"
KEYS = [ACTIVE, ALERTS_OPEN]
ALERT_CATEGORY = "observation_alert"  # the category of the alerts that checks out of range raise


@figure(ACTIVE, _("persons under observation"), kind=LEVEL, list_url="observation:case_list")
def observation_active() -> Rows:
    cases = ObservationCase.objects.order_by()
    rows = add_rows({}, cases.values_list("org_unit_id", "start_date").annotate(n=Count("pk")))
    ended = cases.exclude(status=ObservationCase.Status.ACTIVE).filter(ended_at__isnull=False)
    add_rows(rows, ended.values_list("org_unit_id", local_day("ended_at")).annotate(n=Count("pk")), -1)
    # Above, a case is counted at its unit now from its start. Each hand-over within the tree moved it on the
    # day of the transfer; the event names the unit handing over, the next event (or the case) the one taking over.
    transfers = (
        CaseEvent.objects.filter(kind=CaseEvent.Kind.TRANSFERRED, from_unit__isnull=False)
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "from_unit_id", "at", "case__org_unit_id", "case__start_date")
    )
    for _case, events in groupby(transfers, key=itemgetter(0)):
        steps = list(events)
        current, start = steps[0][3], steps[0][4]
        units = [from_unit for _c, from_unit, _at, _u, _s in steps] + [current]
        changes = [(units[0], start, 1), (current, start, -1)]
        for k, (_c, _from, at, _u, _s) in enumerate(steps):
            day = timezone.localdate(at)
            changes += [(units[k], day, -1), (units[k + 1], day, 1)]
        add_rows(rows, changes)
    return rows


@figure(ALERTS_OPEN, _("observation alerts open"), kind=LEVEL, list_url="observation:today")
def observation_alerts_open() -> Rows:
    return immediate_open_rows(ALERT_CATEGORY)


IMMEDIATE_LEVELS[ALERT_CATEGORY] = ALERTS_OPEN
