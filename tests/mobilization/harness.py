"""The scope harness's builders for the mobilization URLs: records of village B."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bastion.mobilization.models import (
    Assignment,
    Batch,
    Responder,
    Shift,
    ShiftPattern,
    ShiftTurn,
    SwapRequest,
)
from tests.mobilization import factories
from tests.mobilization.harness_deployment import deployment_of_b
from tests.scope_harness import Outsider, out_of_scope


def _responder_of_b(b: Outsider) -> Responder:
    found = Responder.objects.filter(name="沈家沟队员").first()
    return found or factories.responder(b.world.village_b, "沈家沟队员")


@out_of_scope("responder_id")
def _responder(b: Outsider) -> int:
    return int(_responder_of_b(b).pk)


def _assignment_of_b(b: Outsider) -> Assignment:
    batch, _created = Batch.objects.get_or_create(
        org_unit=b.world.township_b, number=1, defaults={"report_by": timezone.localdate(), "created_by": b.cadre}
    )
    assignment, _created = Assignment.objects.get_or_create(
        batch=batch, responder=_responder_of_b(b), defaults={"unit": b.world.village_b}
    )
    return assignment


@out_of_scope("batch_id")
def _batch(b: Outsider) -> int:
    return int(_assignment_of_b(b).batch_id)


@out_of_scope("assignment_id")
def _assignment(b: Outsider) -> int:
    return int(_assignment_of_b(b).pk)


def _shift_of_b(b: Outsider) -> Shift:
    found = Shift.objects.filter(org_unit=b.world.village_b).first()
    return found or factories.shift(
        b.world.village_b, _responder_of_b(b), starts_at=timezone.now() + dt.timedelta(hours=2)
    )


@out_of_scope("shift_id")
def _shift(b: Outsider) -> int:
    return int(_shift_of_b(b).pk)


@out_of_scope("turn_id")
def _turn(b: Outsider) -> int:
    return int(_shift_of_b(b).turns.get().pk)


@out_of_scope("swap_id")
def _swap(b: Outsider) -> int:
    turn = _shift_of_b(b).turns.get()
    other = Responder.objects.filter(name="沈家沟替班").first() or factories.responder(b.world.village_b, "沈家沟替班")
    swap, _created = SwapRequest.objects.get_or_create(
        turn=turn, defaults={"replacement": other, "requested_by": b.cadre}
    )
    return int(swap.pk)


@out_of_scope("pattern_id")
def _pattern(b: Outsider) -> int:
    pattern, _created = ShiftPattern.objects.get_or_create(
        org_unit=b.world.village_b, weekday=0, defaults={"starts_at": dt.time(8), "ends_at": dt.time(16)}
    )
    return int(pattern.pk)


def mobilization_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    """What village B's mobilization records hold: none of it may change by the insider's hand."""
    return {
        "responders": list(Responder.objects.filter(**in_b).values_list("pk", "name", "is_active", "category_id")),
        "assignments": list(
            Assignment.objects.filter(**{k.replace("org_unit__", "unit__"): v for k, v in in_b.items()}).values_list(
                "pk", "status", "reported_at", "absence_reason"
            )
        ),
        "batches": list(Batch.objects.filter(**in_b).values_list("pk", "closed_at")),
        "shifts": list(Shift.objects.filter(**in_b).values_list("pk", "cancelled", "is_exception")),
        "turns": list(
            ShiftTurn.objects.filter(**{f"shift__{k}": v for k, v in in_b.items()}).values_list(
                "pk", "responder_id", "checked_in_at", "checked_out_at", "is_lead"
            )
        ),
        "swaps": list(SwapRequest.objects.values_list("pk", "status")),
        "patterns": list(ShiftPattern.objects.filter(**in_b).values_list("pk", "weekday", "starts_at", "lead_id")),
        **deployment_of_b(in_b),
    }
