"""A traveller's own registration (自助登记) from the poster's QR code, throttled per address.

Two limits per client address, kept apart on purpose: registrations are counted in the database
on ``Passage.source_hash`` (a keyed hash of the address, never the address itself), so the limit
holds across server processes; every attempt, valid or not, is counted in Django's cache, so a
flood of invalid forms is stopped too without writing anything.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.checkpoints.models import Passage, Post
from bastion.checkpoints.services.passages import passage_record
from bastion.core.crypto import keyed_hash
from bastion.core.models import OrgUnit
from bastion.core.throttle import attempts_counted

WINDOW = dt.timedelta(minutes=10)
REGISTRATIONS_PER_WINDOW = 10
ATTEMPTS_PER_WINDOW = 30


class Throttled(Exception):
    """Too many registrations or attempts from one address; ``message`` is for the traveller."""

    def __init__(self) -> None:
        self.message = _(
            "Too many registrations from this network. Wait ten minutes, or ask the staff to register you."
        )
        super().__init__(self.message)


def source_of(address: str) -> str:
    """The keyed hash a client address is counted under."""
    return keyed_hash(address or "unknown")


def attempt_note(source: str) -> None:
    """Count one attempt from ``source``; ``Throttled`` past the limit of the window."""
    if attempts_counted(f"checkpoints:selfreg:attempts:{source}", int(WINDOW.total_seconds())) > ATTEMPTS_PER_WINDOW:
        raise Throttled()


@transaction.atomic
def passage_self_register(
    *,
    post: Post,
    source: str,
    idempotency_key: uuid.UUID,
    direction: str,
    name: str = "",
    id_number: str = "",
    phone: str = "",
    plate: str = "",
    from_region: str = "",
    from_division_code: str = "",
    to_unit: OrgUnit | None = None,
    to_outside: str = "",
    purpose: str = "",
    temperature: Decimal | None = None,
    extra: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Passage:
    """Register a traveller's own passage (validated, audited and handed to the village as any passage),
    marked with the keyed hash of the address it came from; ``Throttled`` past the address's limit.

    A retry of the same form (same idempotency key) gives back the passage and is not counted again.
    """
    earlier = Passage.objects.filter(idempotency_key=idempotency_key, post=post, self_registered=True).first()
    if earlier is not None:
        return earlier
    now = now or timezone.now()
    recent = Passage.objects.filter(source_hash=source, self_registered=True, at__gte=now - WINDOW).count()
    if recent >= REGISTRATIONS_PER_WINDOW:
        raise Throttled()
    passage = passage_record(
        by=None,
        post=post,
        direction=direction,
        name=name,
        id_number=id_number,
        phone=phone,
        plate=plate,
        from_region=from_region,
        from_division_code=from_division_code,
        to_unit=to_unit,
        to_outside=to_outside,
        purpose=purpose,
        temperature=temperature,
        extra=extra,
        self_registered=True,
        source_hash=source,
        idempotency_key=idempotency_key,
        now=now,
    )
    return passage
