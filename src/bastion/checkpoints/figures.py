"""The checkpoint figures of the dashboard (issue 11): passages in and out per post's unit and local day, and
the arrivals still to verify (a level: +1 on the day of the passage at the destination unit, -1 on the day of
the verification).

The services keep them as they write (``passage_record``, ``passage_count``, ``arrival_verify``); blanking a
passage's personal data (retention) keeps the passage, so it changes no figure.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bastion.checkpoints.models import Arrival, Passage
from bastion.dashboard.figures import FLOW, LEVEL, Rows, figure
from bastion.reporting.figures import add_rows, local_day

PASSAGES_IN = "checkpoints.passages_in"
PASSAGES_OUT = "checkpoints.passages_out"
ARRIVALS_OPEN = "checkpoints.arrivals_open"
KEYS = [PASSAGES_IN, PASSAGES_OUT, ARRIVALS_OPEN]
DIRECTION_KEY: dict[str, str] = {Passage.Direction.IN: PASSAGES_IN, Passage.Direction.OUT: PASSAGES_OUT}


def _passages(direction: str) -> Rows:
    passages = Passage.objects.filter(direction=direction).order_by()
    counted = passages.values_list("org_unit_id", local_day("at")).annotate(n=Count("pk"))
    return add_rows({}, counted)


@figure(PASSAGES_IN, _("passages in"), kind=FLOW, list_url="checkpoints:passage_list")
def passages_in() -> Rows:
    return _passages(Passage.Direction.IN)


@figure(PASSAGES_OUT, _("passages out"), kind=FLOW, list_url="checkpoints:passage_list")
def passages_out() -> Rows:
    return _passages(Passage.Direction.OUT)


@figure(ARRIVALS_OPEN, _("arrivals not yet verified"), kind=LEVEL, list_url="checkpoints:arrival_list")
def arrivals_open() -> Rows:
    arrivals = Arrival.objects.order_by()
    rows = add_rows({}, arrivals.values_list("org_unit_id", local_day("passage__at")).annotate(n=Count("pk")))
    verified = arrivals.exclude(result=Arrival.Result.PENDING).filter(verified_at__isnull=False)
    return add_rows(rows, verified.values_list("org_unit_id", local_day("verified_at")).annotate(n=Count("pk")), -1)
