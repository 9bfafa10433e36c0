"""Retention (DESIGN principle 4): a passage keeps who passed only as long as the response needs it.

After ``settings.PASSAGE_RETENTION_DAYS`` (28 by default, two incubation periods), a passage keeps its
post, time, direction, origin, destination, temperature and exception reasons, so every figure stays
true, and loses the name, ID and phone numbers (with their hashes), plate, other fields, confirmation
code and source address. A passage whose arrival is still to verify keeps them until it is verified.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bastion.checkpoints.models import Arrival, Passage
from bastion.core.services.audit import audit_record

PERSONAL: dict[str, Any] = {
    "name": "",
    "id_number": "",
    "id_hash": "",
    "phone": "",
    "phone_hash": "",
    "plate": "",
    "extra": {},
    "confirmation_code": "",
    "source_hash": "",
    "person": None,
}


@transaction.atomic
def passages_anonymise(*, now: dt.datetime | None = None) -> int:
    """Blank the personal data of the passages past their retention; the daily job calls this."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.PASSAGE_RETENTION_DAYS)
    old = Passage.objects.filter(at__lt=cutoff, counted_only=False).exclude(name="", id_hash="", phone_hash="")
    old = old.filter(Q(arrival__isnull=True) | ~Q(arrival__result=Arrival.Result.PENDING))
    count = old.update(**PERSONAL)
    if count:
        audit_record(
            by=None,
            action="passage.anonymise",
            object_type="checkpoints.passage",
            summary={"count": count, "before": cutoff.isoformat()},
        )
    return count
