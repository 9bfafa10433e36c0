"""When health checks are due, and which were missed, computed from a case's check times.

Each scheduled time owns a window reaching halfway to the times before and after it (for 08:00
and 20:00: 02:00 to 14:00 and 14:00 to 02:00). A check taken inside a window covers that slot; a slot
whose window has passed without one is missed, so a missed check shows by the next round.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

DAY_MINUTES = 24 * 60
TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")

DONE, MISSED, DUE, UPCOMING = "done", "missed", "due", "upcoming"


def minutes_of(times: Sequence[str]) -> list[int]:
    """Sorted minutes after midnight; raises ValueError for a time that is not HH:MM."""
    minutes = []
    for text in times:
        match = TIME.fullmatch(text.strip())
        if match is None:
            raise ValueError(text)
        minutes.append(int(match[1]) * 60 + int(match[2]))
    return sorted(set(minutes))


@dataclass(frozen=True, slots=True)
class Slot:
    at: dt.datetime
    start: dt.datetime
    end: dt.datetime

    def state(self, taken: Iterable[dt.datetime], now: dt.datetime) -> str:
        if any(self.start <= moment < self.end for moment in taken):
            return DONE
        if now >= self.end:
            return MISSED
        return DUE if now >= self.start else UPCOMING


def day_slots(day: dt.date, minutes: Sequence[int]) -> list[Slot]:
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    slots = []
    for k, m in enumerate(minutes):
        before = minutes[k - 1] if k else minutes[-1] - DAY_MINUTES
        after = minutes[k + 1] if k + 1 < len(minutes) else minutes[0] + DAY_MINUTES
        slots.append(
            Slot(
                at=midnight + dt.timedelta(minutes=m),
                start=midnight + dt.timedelta(minutes=(m + before) / 2),
                end=midnight + dt.timedelta(minutes=(m + after) / 2),
            )
        )
    return slots


def case_slots(
    *,
    minutes: Sequence[int],
    first_day: dt.date,
    last_day: dt.date,
    opened_at: dt.datetime,
    ended_at: dt.datetime | None,
) -> list[Slot]:
    """The case's slots from its first to its last day, but those over before it opened or begun after it ended."""
    slots = []
    day = first_day
    while day <= last_day:
        for slot in day_slots(day, minutes):
            if slot.end > opened_at and (ended_at is None or slot.start < ended_at):
                slots.append(slot)
        day += dt.timedelta(days=1)
    return slots


def earliest_window_start(day: dt.date) -> dt.datetime:
    """No window of ``day`` starts before noon of the day before."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) - dt.timedelta(hours=12)
