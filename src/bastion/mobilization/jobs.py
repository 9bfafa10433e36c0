"""The register's Excel import as a job: every row checked first, then all written or nothing.

A row whose phone number is already registered (in the file or the database) under the same name is
left alone, so importing a file twice adds nothing; under another name it is an error.

The rows are written as tuples (``core.prepared.rows_insert``: COPY or multi-row INSERTs), each phone encrypted
and hashed once: ``bulk_create`` would build a model instance per row, prepare every field through
the ORM and hash each phone a second time, which made a 50,000-row register cost about 7 times the
bare insert (``bench/mobilization.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core.crypto import field_keys
from bastion.core.imports import UNIT_CODE, Column, Finder, Refused, RowError, _norm, collector_paused, read_sheet
from bastion.core.models import Institution, Job, OrgUnit, User
from bastion.core.prepared import rows_insert
from bastion.core.scope import scoped
from bastion.core.services.audit import audit_record
from bastion.core.services.jobs import RUNNERS, _progress, _saving
from bastion.mobilization.models import Responder, ResponderCategory
from bastion.residents.validation import Invalid, name_keys, phone_clean

RESPONDER_IMPORT = "responder_import"
MAX_ROWS = 60_000
MAX_BYTES = 20 * 1024 * 1024

FULL_NAME = Column("name", gettext_lazy("Full name"), required=True, width=12)
PHONE = Column("phone", gettext_lazy("Mobile phone"), width=14)
HOME_UNIT = Column("unit_name", gettext_lazy("Home unit"), width=20)
CATEGORY = Column("category", gettext_lazy("Category"), required=True, width=20)
INSTITUTION = Column("institution", gettext_lazy("Institution"), width=24)
SKILLS = Column("skills", gettext_lazy("Skills"), width=20)
AVAILABILITY = Column("availability", gettext_lazy("Availability"), width=20)
COLUMNS = (FULL_NAME, PHONE, CATEGORY, UNIT_CODE, HOME_UNIT, INSTITUTION, SKILLS, AVAILABILITY)


@dataclass(slots=True)
class ResponderRow:
    row: int
    name: str
    phone: str
    phone_hash: str
    category: ResponderCategory
    unit: OrgUnit
    institution: Institution | None
    skills: str
    availability: str


def _categories() -> dict[str, ResponderCategory]:
    found: dict[str, ResponderCategory] = {}
    for category in ResponderCategory.objects.filter(is_active=True):
        for name in [category.code, *category.names.values()]:
            found[_norm(name)] = category
    return found


def responders_check(
    data: bytes, *, by: User, default_unit: OrgUnit | None
) -> tuple[list[ResponderRow], list[RowError]]:
    rows = read_sheet(data, COLUMNS, one_of=(FULL_NAME,), max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    categories = _categories()
    finder = Finder(by=by, code_column=UNIT_CODE, name_column=HOME_UNIT)
    finder.load({r["unit_code"] for _n, r in rows}, {r["unit_name"] for _n, r in rows})
    institutions: dict[str, list[Institution]] = {}
    for known in scoped(Institution.objects.select_related("org_unit"), by):
        institutions.setdefault(known.name, []).append(known)
    phones: dict[str, tuple[int, str]] = {}
    keys = field_keys()
    good: list[ResponderRow] = []
    errors: list[RowError] = []
    may_add = by.has_perm("mobilization.add_responder")
    # A register names a few categories and units over and over: look each one up once.
    category_of: dict[str, ResponderCategory | None] = {}
    unit_of: dict[tuple[str, str], OrgUnit | int | Refused | None] = {}
    for number, cells in rows:
        problems: list[RowError] = []

        def refuse(column: Column, message: str, row: int = number, into: list[RowError] = problems) -> None:
            into.append(Refused(message, column).as_error(row))

        name = cells["name"]
        if not name:
            refuse(FULL_NAME, _("Give the name."))
        if cells["category"] not in category_of:
            category_of[cells["category"]] = categories.get(_norm(cells["category"]))
        category = category_of[cells["category"]]
        if category is None:
            names = "、".join(sorted({str(c) for c in categories.values()}))
            refuse(
                CATEGORY,
                _("Unknown category %(value)s; the categories are: %(names)s.")
                % {"value": cells["category"], "names": names},
            )
        phone = ""
        if cells["phone"]:
            try:
                phone = phone_clean(cells["phone"])
            except Invalid as invalid:
                refuse(PHONE, invalid.message)
        unit: OrgUnit | None = default_unit
        key = (cells["unit_code"], cells["unit_name"])
        if key not in unit_of:
            try:
                unit_of[key] = finder.find(*key)
            except Refused as refused:
                unit_of[key] = refused
        found = unit_of[key]
        if isinstance(found, Refused):
            problems.append(found.as_error(number))
        elif isinstance(found, OrgUnit):
            unit = found
        if unit is None:
            refuse(HOME_UNIT, _("Give the unit."))
        elif not may_add:
            refuse(HOME_UNIT, _("You may not add responders."))
        institution: Institution | None = None
        if cells["institution"] and unit is not None:
            candidates = [
                i for i in institutions.get(cells["institution"], []) if i.org_unit.path.startswith(unit.path)
            ]
            candidates = candidates or institutions.get(cells["institution"], [])
            if not candidates:
                refuse(
                    INSTITUTION, _("No institution %(name)s was found in your scope.") % {"name": cells["institution"]}
                )
            else:
                institution = candidates[0]
        phone_hash = keys.keyed_hash(phone) if phone else ""
        if phone_hash and phone_hash in phones and phones[phone_hash][1] != name:
            refuse(PHONE, _("Row %(row)s has the same phone number.") % {"row": phones[phone_hash][0]})
        if problems or category is None or unit is None:
            errors += problems
            continue
        if phone_hash in phones:
            continue  # the same person twice in the file
        if phone_hash:
            phones[phone_hash] = (number, name)
        good.append(
            ResponderRow(
                number, name, phone, phone_hash, category, unit, institution, cells["skills"], cells["availability"]
            )
        )
    return good, errors


def _registered(rows: list[ResponderRow]) -> dict[str, str]:
    """Phone hash -> name of the responders already registered with a phone of ``rows``.

    When the register holds no more phones than the file, one scan of its hashes is cheaper than a
    look-up of every hash of the file (50,000 probes of the unique index, about a second).
    """
    hashes = [r.phone_hash for r in rows if r.phone_hash]
    if not hashes:
        return {}
    with_phone = Responder.objects.exclude(phone_hash="")
    if with_phone.count() <= len(hashes):
        wanted = set(hashes)
        return {h: name for h, name in with_phone.values_list("phone_hash", "name").iterator() if h in wanted}
    found: dict[str, str] = {}
    for start in range(0, len(hashes), 2000):
        chunk = hashes[start : start + 2000]
        found.update(Responder.objects.filter(Q(phone_hash__in=chunk)).values_list("phone_hash", "name"))
    return found


RESPONDER_COLUMNS = (
    *("org_unit_id", "institution_id", "name", "name_initials", "name_pinyin", "phone", "phone_hash"),
    *("category_id", "skills", "availability", "is_active", "created_at", "updated_at"),
)


def responders_write(rows: list[ResponderRow]) -> tuple[int, list[RowError]]:
    """Write the checked ``rows`` not registered yet; nothing if one has a phone registered under another name."""
    registered = _registered(rows)
    errors: list[RowError] = []
    new: list[tuple[Any, ...]] = []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    keys: dict[str, tuple[str, str]] = {}  # names repeat: work out each one's pinyin once
    cipher = field_keys()
    for row in rows:
        if row.phone_hash in registered:
            if registered[row.phone_hash] != row.name:
                message = _("This phone number is already registered for %(name)s.") % {
                    "name": registered[row.phone_hash]
                }
                errors.append(Refused(message, PHONE).as_error(row.row))
            continue
        if errors:
            continue  # nothing is written: only the other errors are wanted
        if row.name not in keys:
            keys[row.name] = name_keys(row.name)
        initials, pinyin = keys[row.name]
        institution = row.institution.id if row.institution is not None else None
        phone = cipher.encrypt(row.phone) if row.phone else ""
        new.append((row.unit.id, institution, row.name, initials, pinyin, phone, row.phone_hash, row.category.id))
        new[-1] += (row.skills[:200], row.availability[:200], True, now, now)
    if errors:
        return len(new), errors
    rows_insert(Responder._meta.db_table, RESPONDER_COLUMNS, new)
    return len(new), errors


def responders_import(data: bytes, *, by: User, default_unit: OrgUnit | None) -> tuple[int, list[RowError]]:
    """Check and write a register file all or nothing; one audit event for the whole file."""
    with collector_paused():
        return _responders_import(data, by=by, default_unit=default_unit)


def _responders_import(data: bytes, *, by: User, default_unit: OrgUnit | None) -> tuple[int, list[RowError]]:
    try:
        rows, errors = responders_check(data, by=by, default_unit=default_unit)
    except Refused as refused:
        return 0, [refused.as_error()]
    if errors:
        return 0, errors
    with transaction.atomic():
        created, errors = responders_write(rows)
        if errors:
            transaction.set_rollback(True)
            return 0, errors
        audit_record(
            by=by,
            action="responder.import",
            org_unit=default_unit,
            object_type="mobilization.responder",
            summary={"created": created, "rows": len(rows)},
        )
    return created, []


def _run(job: Job) -> tuple[int, list[RowError]]:
    _progress(job)(0, 1)
    _saving(job)
    return responders_import(bytes(job.input_data), by=job.created_by, default_unit=job.org_unit)


RUNNERS[RESPONDER_IMPORT] = _run
