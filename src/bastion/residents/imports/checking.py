"""Checking a roster row: cells to cleaned values, or one error per bad cell naming the sheet's column.

Runs on every row of rosters of a million rows: look-ups (units, tags) are cached per distinct value and
nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import NotRequired

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bastion.core.imports import Column, Finder, Refused, RowError, kind_lookup, text
from bastion.core.models import OrgUnit, User
from bastion.residents.imports.reading import (
    ADDRESS,
    ARRIVAL_DATE,
    FROM_REGION,
    ID_NUMBER,
    MODE,
    NAME,
    PHONE,
    SEX,
    TAGS,
    TRANSPORT_NUMBER,
    UNIT_CODE,
    UNIT_NAME,
    Cell,
    SheetRows,
    blank,
    norm,
)
from bastion.residents.models import CategoryTag, Person, TravelEntry
from bastion.residents.services.common import require
from bastion.residents.validation import IdFacts, Invalid, date_clean, id_number_clean, phone_clean, plain


class RosterError(RowError):
    sheet: NotRequired[str]


@dataclass(slots=True)
class Travel:
    from_region: str
    arrival_date: dt.date | None
    mode: str
    transport_number: str


@dataclass(slots=True)
class PersonRow:
    sheet: str
    row: int
    unit: OrgUnit
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str
    phone: str
    address: str
    tags: tuple[int, ...]
    travel: Travel | None


MODES = {
    "火车": "train",
    "高铁": "train",
    "动车": "train",
    "列车": "train",
    "飞机": "flight",
    "航班": "flight",
    "汽车": "bus",
    "大巴": "bus",
    "客车": "bus",
    "班车": "bus",
    "长途汽车": "bus",
    "自驾": "car",
    "私家车": "car",
    "小汽车": "car",
    "其他": "other",
    "其它": "other",
}
# The cells ``check`` reads, in the order it unpacks them; the last four are the travel entry's.
CELL_KEYS = (
    *("name", "sex", "id_number", "phone", "address", "unit_code", "unit_name", "tags"),
    *("from_region", "arrival_date", "mode", "transport_number"),
)
NO_TRAVEL = ["", "", "", ""]
SEXES = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
_SCIENTIFIC = re.compile(r"\d+(\.\d*)?e\+?\d+", re.IGNORECASE)
_TAG_SEPARATORS = re.compile(r"[、,;]+")


def unrecoverable() -> str:
    return _(
        "Excel stored this ID number as a number and lost its last digits; it cannot be recovered. "
        "Format the column as text and type the number again."
    )


class RowChecker:
    """Checks the rows of one import; keeps the ID numbers seen, to refuse a second occurrence in the file."""

    def __init__(self, *, by: User, default_unit: OrgUnit) -> None:
        self.by = by
        self.default_unit = default_unit
        self.finder = Finder(by, UNIT_CODE, UNIT_NAME)
        self.units: dict[tuple[str, str], OrgUnit | str] = {}
        self.seen: dict[int, int] = {}  # the first 17 digits of an ID -> sheet index << 32 | row
        self.sheet_names: list[str] = []
        self.tags: dict[str, int] = {}
        self.tag_cache: dict[Cell, tuple[tuple[int, ...], list[str]]] = {}
        for tag in CategoryTag.objects.all():
            self.tags.update(dict.fromkeys({norm(tag.code), *(norm(n) for n in tag.names.values() if n)}, tag.pk))
        self.modes = {norm(k): v for k, v in (kind_lookup(TravelEntry.Mode.choices) | MODES).items()}
        self.sexes = {norm(label): value for value, label in kind_lookup(Person.Sex.choices).items()} | SEXES
        self.sheet = ""
        self.headers: list[str] = []
        self.at: dict[str, int] = {}

    def start(self, sheet: SheetRows) -> None:
        self.sheet = sheet.name
        self.sheet_names.append(sheet.name)
        self.headers = sheet.headers
        self.at = sheet.positions
        # A row's cells are picked in one call (a dict of them per row costs more than the rest of the
        # picking): the row is cut after the widest known column and padded with "", and a column the
        # sheet lacks points at the padding.
        self.width = max(sheet.positions.values()) + 1
        self.padding = [""] * (self.width + 1)
        self.pick = itemgetter(*(sheet.positions.get(key, self.width) for key in CELL_KEYS))

    def _header(self, column: Column) -> str:
        index = self.at.get(column.key)
        return self.headers[index] if index is not None and self.headers[index] else str(column.label)

    def _error(self, row: int, column: Column, message: str) -> RosterError:
        return {"sheet": self.sheet, "row": row, "field": self._header(column), "message": message}

    def check(self, row: int, cells: list[Cell]) -> PersonRow | list[RosterError] | None:
        """The person on the row, its errors, or None for a row that only looks filled (spaces)."""
        picked = cells[: self.width]
        picked += self.padding[len(picked) :]
        raw_name, raw_sex, raw_id, raw_phone, raw_address, raw_code, raw_unit, raw_tags, *raw_travel = self.pick(picked)
        errors: list[RosterError] = []

        name = plain(raw_name)
        if not name:
            if blank(cells):
                return None
            errors.append(self._error(row, NAME, _("Give the person's name.")))
        elif len(name) > 100:
            errors.append(self._error(row, NAME, _("At most %(count)s characters.") % {"count": 100}))

        sex = ""
        if raw_sex != "":
            sex = self.sexes.get(str(raw_sex)) or self.sexes.get(norm(raw_sex), "")
            if not sex:
                errors.append(self._error(row, SEX, _("Write the sex as 男 or 女.")))

        id_number, birth_date = "", None
        if raw_id != "":
            try:
                facts = self._id_number(raw_id)
            except Invalid as invalid:
                errors.append(self._error(row, ID_NUMBER, invalid.message))
            else:
                id_number, birth_date = facts.number, facts.birth_date
                if sex and sex != facts.sex:
                    message = _("The ID number says the person is %(sex)s.") % {"sex": Person.Sex(facts.sex).label}
                    errors.append(self._error(row, SEX, message))
                sex = facts.sex
                key = int(id_number[:17])
                first = self.seen.get(key)
                if first is None:
                    self.seen[key] = (len(self.sheet_names) - 1) << 32 | row
                else:
                    where = {"sheet": self.sheet_names[first >> 32], "row": first & 0xFFFFFFFF}
                    message = _("The same ID number is already on row %(row)s of sheet %(sheet)s.") % where
                    errors.append(self._error(row, ID_NUMBER, message))

        phone = ""
        if raw_phone != "":
            try:
                phone = phone_clean(text(raw_phone))
            except Invalid as invalid:
                errors.append(self._error(row, PHONE, invalid.message))

        address = plain(raw_address)
        if len(address) > 200:
            errors.append(self._error(row, ADDRESS, _("At most %(count)s characters.") % {"count": 200}))

        unit = self._unit(text(raw_code), plain(raw_unit))
        if isinstance(unit, str):
            column = UNIT_CODE if raw_code != "" else UNIT_NAME
            errors.append(self._error(row, column, unit))

        tags: tuple[int, ...] = ()
        if raw_tags != "":
            if raw_tags not in self.tag_cache:
                self.tag_cache[raw_tags] = self._tags(plain(raw_tags))
            tags, unknown = self.tag_cache[raw_tags]
            if unknown:
                errors.append(self._error(row, TAGS, _("Unknown category: %(names)s.") % {"names": "、".join(unknown)}))

        travel = None
        if raw_travel != NO_TRAVEL:
            travel = self._travel(row, *raw_travel, errors=errors)

        if errors or isinstance(unit, str):
            return errors
        return PersonRow(self.sheet, row, unit, name, sex, birth_date, id_number, phone, address, tags, travel)

    def _id_number(self, value: Cell) -> IdFacts:
        if isinstance(value, float | int) and not isinstance(value, bool):
            raise Invalid(unrecoverable())
        number = plain(value)
        if ("e" in number or "E" in number) and _SCIENTIFIC.fullmatch(number):
            raise Invalid(unrecoverable())
        try:
            return id_number_clean(number)
        except Invalid:
            if len(number) == 18 and number.isdigit() and number.endswith("000"):
                raise Invalid(unrecoverable()) from None
            raise

    def _unit(self, code: str, name: str) -> OrgUnit | str:
        """The row's unit, or why it cannot be used; the form's unit when the row names none."""
        key = (code, name)
        if key not in self.units:
            try:
                if code or name:
                    self.finder.load({code}, {name})
                    found = self.finder.find(code, name)
                else:
                    found = self.default_unit
                if not isinstance(found, OrgUnit):
                    raise Refused(_("No unit %(unit)s was found in your scope.") % {"unit": code or name})
                require(self.by, "add_person", found)
                self.units[key] = found
            except Refused as refused:
                self.units[key] = refused.message
            except PermissionDenied as denied:
                self.units[key] = str(denied)
        return self.units[key]

    def _tags(self, value: str) -> tuple[tuple[int, ...], list[str]]:
        found: list[int] = []
        unknown: list[str] = []
        for part in _TAG_SEPARATORS.split(value):
            if part.strip():
                pk = self.tags.get(norm(part))
                if pk is None:
                    unknown.append(part.strip())
                elif pk not in found:
                    found.append(pk)
        return tuple(found), unknown

    def _travel(
        self, row: int, raw_region: Cell, raw_date: Cell, raw_mode: Cell, raw_number: Cell, *, errors: list[RosterError]
    ) -> Travel:
        from_region = plain(raw_region)
        if len(from_region) > 100:
            errors.append(self._error(row, FROM_REGION, _("At most %(count)s characters.") % {"count": 100}))
        arrival = None
        if raw_date != "":
            try:
                arrival = date_clean(raw_date)
            except Invalid as invalid:
                errors.append(self._error(row, ARRIVAL_DATE, invalid.message))
        mode = ""
        if raw_mode != "":
            mode = self.modes.get(str(raw_mode)) or self.modes.get(norm(raw_mode), "")
            if not mode:
                message = _("Unknown transport %(mode)s: write 火车, 飞机, 汽车, 自驾 or 其他.") % {"mode": raw_mode}
                errors.append(self._error(row, MODE, message))
        number = plain(text(raw_number)).upper()
        if len(number) > 30:
            errors.append(self._error(row, TRANSPORT_NUMBER, _("At most %(count)s characters.") % {"count": 30}))
        return Travel(from_region, arrival, mode, number)
