"""Who is on duty now, read by two hand-written statements: how many turns, and a page of them.

The list is the one a county HQ keeps open all day and a shift lead checks from a phone at the post, so its
data path is held to within 2x of a single hand-written query (``bench/mobilization.py``); the ORM's fixed cost
of compiling the count and the page (about 1 ms each on SQLite) was most of the list's time. The statements
apply the same scope rule as ``core.scope.scoped``: the user's scope roots as path ranges, and the unit asked
for (already checked to be in scope) as one more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, overload

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bastion.checkpoints.models import Post
from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import subtree_upper_bound
from bastion.core.scope import scope_paths
from bastion.mobilization.models import Responder, Shift, ShiftTurn

COLUMNS = (
    "id",
    "shift_id",
    "responder_id",
    "is_lead",
    "checked_in_at",
    "no_show_at",
    "name",
    "starts_at",
    "ends_at",
    "post_name",
    "unit_name",
)
"""What the list, its export and the API show of a turn."""
STAMPS = ("checked_in_at", "no_show_at", "starts_at", "ends_at")
CHUNK = 2000


def _aware(value: Any) -> dt.datetime | None:
    """A timestamp as the ORM gives it: SQLite hands back text in UTC, PostgreSQL an aware datetime."""
    if value is None or (isinstance(value, dt.datetime) and timezone.is_aware(value)):
        return value
    stamp = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(stamp, dt.UTC) if stamp is not None else None


class OnDuty:
    """The turns of shifts under way, checked in or not (a no-show shows as such) and not checked out, in the
    user's scope (and below ``unit``), ordered to the turn (two members of a shift can share a name). Counted
    and sliced like a queryset, so a ``Paginator``, the export and the API's pagination read it as they read
    one; rows are dicts of ``COLUMNS``."""

    def __init__(self, user: User, *, unit: OrgUnit | None = None, now: dt.datetime | None = None) -> None:
        paths = scope_paths(user)
        ranges = [] if paths is None else [[(path, subtree_upper_bound(path)) for path in paths]]
        if unit is not None:
            ranges.append([unit.subtree_bounds])
        q = connection.ops.quote_name
        self.tables = {
            "t": q(ShiftTurn._meta.db_table),
            "s": q(Shift._meta.db_table),
            "u": q(OrgUnit._meta.db_table),
            "r": q(Responder._meta.db_table),
            "p": q(Post._meta.db_table),
        }
        stamp = connection.ops.adapt_datetimefield_value(now or timezone.now())
        conditions = ["NOT s.cancelled", "s.starts_at <= %s", "s.ends_at > %s", "t.checked_out_at IS NULL"]
        self.params: list[Any] = [stamp, stamp]
        for alternatives in ranges:  # each list of subtrees narrows the rows: the scope, then the unit asked for
            either = " OR ".join(["(u.path >= %s AND u.path < %s)"] * len(alternatives)) or "1 = 0"
            conditions.append(f"({either})")
            self.params += [bound for low_high in alternatives for bound in low_high]
        self.where = " AND ".join(conditions)
        self._count: int | None = None

    def _joins(self) -> str:
        t = self.tables
        return f"{t['t']} t JOIN {t['s']} s ON s.id = t.shift_id JOIN {t['u']} u ON u.id = s.org_unit_id"

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {self._joins()} WHERE {self.where}", self.params)  # noqa: S608 (names only)
                self._count = int(cursor.fetchone()[0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            if index < 0 or not (rows := self._rows(index, 1)):
                raise IndexError(index)
            return rows[0]
        if index.step not in (None, 1):
            raise TypeError("OnDuty is read by slices without a step")
        start = index.start or 0
        if index.stop is not None and index.stop <= start:
            return []
        return self._rows(start, None if index.stop is None else index.stop - start)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        start = 0
        while rows := self._rows(start, CHUNK):
            yield from rows
            start += CHUNK

    def _rows(self, offset: int, limit: int | None) -> list[dict[str, Any]]:
        t = self.tables
        sql = f"""
            SELECT t.id, t.shift_id, t.responder_id, t.is_lead, t.checked_in_at, t.no_show_at, r.name,
                   s.starts_at, s.ends_at, p.name, COALESCE(NULLIF(u.short_name, ''), u.name)
            FROM {self._joins()}
            JOIN {t["r"]} r ON r.id = t.responder_id
            LEFT JOIN {t["p"]} p ON p.id = s.post_id
            WHERE {self.where}
            ORDER BY u.path, p.name, t.is_lead DESC, r.name, t.id
            LIMIT %s OFFSET %s
        """  # noqa: S608 (names only)
        if limit is None and connection.vendor == "sqlite":
            limit = -1  # SQLite's "no limit"; PostgreSQL takes NULL
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, limit, offset])
            rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
        for row in rows:
            row["is_lead"] = bool(row["is_lead"])
            for name in STAMPS:
                row[name] = _aware(row[name])
        return rows
