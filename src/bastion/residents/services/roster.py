"""The Excel roster import: every row checked, the good ones written in chunks, the others reported.

A person already registered (same ID number; else same name and phone; else same name, unit and
address) gets no second record, and no travel entry or category it already has: importing the same
file twice adds nothing. Rows are streamed sheet by sheet and written chunk by chunk, each chunk in
its own transaction, with multi-row INSERTs whose numbers are encrypted and hashed once here; the
model's ``bulk_create`` would build an instance per row and hash every number a second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.crypto import field_keys, mask_name
from bastion.core.imports import Refused, collector_paused
from bastion.core.models import OrgUnit, User
from bastion.core.prepared import ROWS_PER_INSERT, rows_insert
from bastion.core.scope import scope_paths
from bastion.core.services.audit import audit_record
from bastion.residents.imports.checking import PersonRow, RosterError, RowChecker
from bastion.residents.imports.reading import Roster
from bastion.residents.imports.writing import ErrorReport
from bastion.residents.models import Person, TravelEntry
from bastion.residents.validation import name_keys

CHUNK = 10_000
PREVIEW_ROWS = 200
MAX_ERRORS_KEPT = 1000
INSERT_BATCH = ROWS_PER_INSERT  # rows per multi-row INSERT (a test makes it smaller)

Progress = Callable[[int, int], None]


class PreviewRow(TypedDict):
    sheet: str
    row: int
    name: str
    unit: str
    outcome: str  # "new", "existing" or "error"


@dataclass
class RosterResult:
    created: int = 0
    already_registered: int = 0
    refused: int = 0
    error_count: int = 0
    errors: list[RosterError] = field(default_factory=list)  # the first MAX_ERRORS_KEPT
    preview: list[PreviewRow] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    error_report: bytes = b""

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "already_registered": self.already_registered,
            "refused": self.refused,
            "error_count": self.error_count,
        }


@dataclass(slots=True)
class _Pending:
    person: PersonRow
    preview: PreviewRow | None
    id_hash: str
    phone_hash: str


def roster_import(
    *, by: User, data: bytes, default_unit: OrgUnit, dry_run: bool, progress: Progress | None = None
) -> RosterResult:
    """Check every row of a roster and, unless ``dry_run``, write the rows that passed.

    Raises ``Refused`` for a file that cannot be read at all. Rows naming no unit go to
    ``default_unit``; every unit must be in ``by``'s scope with ``residents.add_person``.
    """
    with collector_paused():
        return _roster_import(by=by, data=data, default_unit=default_unit, dry_run=dry_run, progress=progress)


def _roster_import(
    *, by: User, data: bytes, default_unit: OrgUnit, dry_run: bool, progress: Progress | None
) -> RosterResult:
    roster = Roster(data)
    checker = RowChecker(by=by, default_unit=default_unit)
    writer = _Writer(by=by, dry_run=dry_run)
    report = ErrorReport()
    result = RosterResult()
    done = 0
    pending: list[_Pending] = []
    for sheet in roster.sheets():
        result.sheets.append(sheet.name)
        checker.start(sheet)
        keys = field_keys()
        for number, cells in sheet.rows:
            outcome = checker.check(number, cells)
            if outcome is None:
                continue
            preview = None
            if len(result.preview) < PREVIEW_ROWS:
                preview = _preview(sheet.name, number, outcome, cells, sheet.positions)
                result.preview.append(preview)
            if isinstance(outcome, list):
                result.refused += 1
                result.error_count += len(outcome)
                result.errors += outcome[: max(MAX_ERRORS_KEPT - len(result.errors), 0)]
                report.add(sheet.name, sheet.headers, cells, outcome)
                continue
            id_hash = keys.keyed_hash(outcome.id_number) if outcome.id_number else ""
            phone_hash = keys.keyed_hash(outcome.phone) if outcome.phone else ""
            pending.append(_Pending(outcome, preview, id_hash, phone_hash))
            if len(pending) >= CHUNK:
                done += _flush(writer, pending, result)
                pending = []
                if progress:
                    progress(done + result.refused, max(roster.rows_seen, done + result.refused))
    done += _flush(writer, pending, result)
    result.skipped_sheets = roster.skipped
    if not result.sheets:
        message = _("No sheet has a header row with a name column (姓名) among its first ten rows.")
        raise Refused(message)
    result.error_report = report.save()
    if progress:
        progress(done + result.refused, done + result.refused)
    if not dry_run:
        with transaction.atomic():
            audit_record(
                by=by,
                action="person.roster_import",
                org_unit=default_unit,
                object_type="residents.roster",
                summary=result.counts() | {"sheets": len(result.sheets)},
            )
    return result


def _preview(sheet: str, row: int, outcome: object, cells: Sequence[object], at: dict[str, int]) -> PreviewRow:
    if isinstance(outcome, PersonRow):
        return {
            "sheet": sheet,
            "row": row,
            "name": mask_name(outcome.name),
            "unit": outcome.unit.display_name,
            "outcome": "new",
        }
    name = str(cells[at["name"]]) if at["name"] < len(cells) else ""
    return {"sheet": sheet, "row": row, "name": mask_name(name.strip()), "unit": "", "outcome": "error"}


def _flush(writer: _Writer, pending: list[_Pending], result: RosterResult) -> int:
    if not pending:
        return 0
    try:
        created, existing = writer.write(pending)
    except IntegrityError:  # another import registered one of these numbers meanwhile: look again
        created, existing = writer.write(pending)
    result.created += created
    result.already_registered += existing
    return len(pending)


class _Writer:
    """Writes one chunk of checked rows in a transaction; a dry run only looks the persons up."""

    def __init__(self, *, by: User, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.paths = scope_paths(by)
        self.person_table = Person._meta.db_table
        self.tag_table = Person.tags.through._meta.db_table
        self.travel_table = TravelEntry._meta.db_table

    def _in_scope(self, path: str) -> bool:
        return self.paths is None or any(path.startswith(p) for p in self.paths)

    def write(self, pending: list[_Pending]) -> tuple[int, int]:
        """(persons created, rows that matched a person already registered)."""
        if connection.vendor == "sqlite" and not self.dry_run:
            with connection.cursor() as cursor:  # the person table's six indexes outgrow SQLite's 2 MB default; 32 MB
                cursor.execute("PRAGMA cache_size = -32768")
        with transaction.atomic():
            found = self._existing(pending)
            keys: dict[tuple[Any, ...], int] = {}  # a later row of the chunk naming a person an earlier row adds
            new: list[_Pending] = []
            targets: list[tuple[_Pending, int | None]] = []
            existing = 0
            for item in pending:
                key = _key(item)
                match = found.get(key)
                if match is None and key in keys:
                    match = (keys[key], "")
                if match is None:
                    keys[key] = -len(new) - 1
                    new.append(item)
                    targets.append((item, None))
                    continue
                existing += 1
                if item.preview is not None:
                    item.preview["outcome"] = "existing"
                if match[0] < 0 or self._in_scope(match[1]):
                    targets.append((item, match[0]))
            if self.dry_run:
                return len(new), existing
            ids = self._insert_persons(new)
            resolved: list[tuple[_Pending, int]] = []
            new_ids = iter(ids)
            for item, target in targets:
                if target is None:
                    resolved.append((item, next(new_ids)))
                else:
                    resolved.append((item, ids[-target - 1] if target < 0 else target))
            self._insert_links(resolved, {pk for _i, pk in targets if pk is not None and pk > 0})
            return len(new), existing

    def _existing(self, pending: Sequence[_Pending]) -> dict[tuple[Any, ...], tuple[int, str]]:
        """Key of a row -> (pk, unit path) of the person registered under it."""
        found: dict[tuple[Any, ...], tuple[int, str]] = {}
        live = Person.objects.filter(merged_into__isnull=True)
        by_id = [p.id_hash for p in pending if p.id_hash]
        if by_id:
            for id_hash, pk, path in live.filter(id_hash__in=by_id).values_list("id_hash", "pk", "org_unit__path"):
                found[("id", id_hash)] = (pk, path)
        by_phone = {p.phone_hash for p in pending if p.phone_hash and not p.id_hash}
        if by_phone:
            phones = live.filter(phone_hash__in=by_phone).values_list("name", "phone_hash", "pk", "org_unit__path")
            for name, phone_hash, pk, path in phones:
                found.setdefault(("phone", name, phone_hash), (pk, path))
        by_place = [p.person for p in pending if not p.id_hash and not p.phone_hash]
        if by_place:
            rows = live.filter(
                name__in={p.name for p in by_place}, org_unit_id__in={p.unit.pk for p in by_place}
            ).values_list("name", "org_unit_id", "address", "pk", "org_unit__path")
            for name, unit_id, address, pk, path in rows:
                found.setdefault(("place", name, unit_id, address), (pk, path))
        return found

    def _insert_persons(self, new: Sequence[_Pending]) -> list[int]:
        if not new:
            return []
        now = timezone.now()
        rows = []
        cipher = field_keys()
        postgres = connection.vendor == "postgresql"
        ops = connection.ops
        stamp = now if postgres else ops.adapt_datetimefield_value(now)
        for item in new:
            p = item.person
            initials, pinyin = name_keys(p.name)
            id_number = cipher.encrypt(p.id_number) if p.id_number else ""
            phone = cipher.encrypt(p.phone) if p.phone else ""
            birth = p.birth_date if postgres or p.birth_date is None else ops.adapt_datefield_value(p.birth_date)
            person = (p.unit.pk, p.name, initials, pinyin, p.sex, birth, id_number, item.id_hash or None)
            rows.append((*person, phone, item.phone_hash, p.address, stamp, stamp))
        columns: tuple[str, ...] = ("org_unit_id", "name", "name_initials", "name_pinyin", "sex", "birth_date")
        columns += ("id_number", "id_hash", "phone", "phone_hash", "address", "created_at", "updated_at")
        if not postgres:
            return rows_insert(self.person_table, columns, rows, returning=True, batch=INSERT_BATCH)
        with connection.cursor() as cursor:
            sequence = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
            cursor.execute(sequence, [self.person_table, len(rows)])
            ids = [row[0] for row in cursor.fetchall()]
        rows_insert(self.person_table, ("id", *columns), [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
        return ids

    def _insert_links(self, resolved: Iterable[tuple[_Pending, int]], existing: set[int]) -> None:
        """Categories and travel entries, leaving out those the persons already have."""
        ops = connection.ops
        have_tags: set[tuple[int, int]] = set()
        have_travel: set[tuple[int, dt.date | None, str]] = set()
        if existing:
            through = Person.tags.through.objects.filter(person_id__in=existing)
            have_tags = set(through.values_list("person_id", "categorytag_id"))
            travels = TravelEntry.objects.filter(person_id__in=existing)
            have_travel = set(travels.values_list("person_id", "arrival_date", "from_region"))
        now = ops.adapt_datetimefield_value(timezone.now())
        tag_rows: list[tuple[int, int]] = []
        travel_rows: list[tuple[Any, ...]] = []
        for item, pk in resolved:
            for tag in item.person.tags:
                if (pk, tag) not in have_tags:
                    have_tags.add((pk, tag))
                    tag_rows.append((pk, tag))
            travel = item.person.travel
            if travel is not None and (pk, travel.arrival_date, travel.from_region) not in have_travel:
                have_travel.add((pk, travel.arrival_date, travel.from_region))
                arrival = ops.adapt_datefield_value(travel.arrival_date) if travel.arrival_date else None
                travel_rows.append((pk, travel.from_region, "", arrival, travel.mode, travel.transport_number, now))
        travel_columns: tuple[str, ...] = ("person_id", "from_region", "from_division_code", "arrival_date", "mode")
        travel_columns += ("transport_number", "created_at")
        rows_insert(self.tag_table, ("person_id", "categorytag_id"), tag_rows, batch=INSERT_BATCH)
        rows_insert(self.travel_table, travel_columns, travel_rows, batch=INSERT_BATCH)


def _key(item: _Pending) -> tuple[Any, ...]:
    if item.id_hash:
        return ("id", item.id_hash)
    p = item.person
    if item.phone_hash:
        return ("phone", p.name, item.phone_hash)
    return ("place", p.name, p.unit.pk, p.address)
