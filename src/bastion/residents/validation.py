"""Cleaning of what people type or paste: names, ID numbers, phone numbers, plates, dates.

Each cleaner takes text as a cadre types it (full-width digits, stray spaces) and returns the
stored form, or raises ``Invalid`` with a message in the user's language. They are fast enough to
run on every row of a 100,000-row roster: the costly look-ups are cached.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError


class Invalid(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def plain(value: object) -> str:
    """Full-width digits, letters and spaces made ordinary; surrounding space removed."""
    text = str(value)
    return text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip()


@lru_cache(maxsize=20_000)
def _char_pinyin(char: str) -> str:
    if not char.isalnum():
        return ""
    return "".join(lazy_pinyin(char)).lower()


def name_keys(name: str) -> tuple[str, str]:
    """Pinyin initials and full pinyin of a name: 张三 -> ("zs", "zhangsan"); one cached look-up per character."""
    syllables = [s for s in (_char_pinyin(c) for c in name) if s]
    return "".join(s[0] for s in syllables)[:100], "".join(syllables)[:300]


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"


_known_places: dict[str, bool] = {}


@lru_cache(maxsize=1)
def _date_in(minute: int) -> dt.date:
    return dt.date.today()


def _current_date() -> dt.date:
    """Today, looked up once a minute: an import checks 100,000 birth dates against it."""
    return _date_in(int(time.time() // 60))


def id_number_clean(value: str) -> IdFacts:
    """An 18-character resident ID number checked with python-stdnum's ``cn.ric``; birth date and sex from it.

    The place-of-registration look-up is the slow part of ``ric.validate``, so it is cached per
    six-digit prefix; stdnum's check digit is computed for every number; the birth date is read
    directly rather than through ``ric.get_birth_date``, whose character-by-character cleaning of the
    number costs more than all the rest.
    """
    number = plain(value).replace(" ", "").upper()
    if len(number) != 18:
        raise Invalid(_("An ID number has 18 characters; this one has %(count)s.") % {"count": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise Invalid(_("An ID number has 17 digits and ends in a digit or X."))
    if ric.calc_check_digit(number) != number[17]:
        raise Invalid(_("The check digit of this ID number is wrong: check for a mistyped digit."))
    try:
        birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise Invalid(_("The date of birth in this ID number does not exist.")) from None
    prefix = number[:6]
    if prefix not in _known_places:
        try:
            ric.get_birth_place(number)
            _known_places[prefix] = True
        except StdnumError:
            _known_places[prefix] = False
    if not _known_places[prefix]:
        raise Invalid(_("The first six digits of this ID number are no known place of registration."))
    if birth_date > _current_date():
        raise Invalid(_("The date of birth in this ID number is in the future."))
    return IdFacts(number, birth_date, "M" if int(number[16]) % 2 else "F")


_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
_MOBILE = re.compile(str(_CN.mobile.national_number_pattern if _CN and _CN.mobile else r"1\d{10}"))
_PHONE_NOISE = re.compile(r"[\s\-()]")


def phone_clean(value: str) -> str:
    """A Chinese mobile as 11 digits, a landline with its area code, a foreign number as +country…

    Mobiles are matched against phonenumbers' own pattern for Chinese mobiles (one regular
    expression); anything else goes through phonenumbers' full parser.
    """
    if type(value) is str and len(value) == 11 and value.isascii() and value.isdigit() and _MOBILE.fullmatch(value):
        return value  # 11 plain digits, as almost every cell of a register: nothing to clean
    text = _PHONE_NOISE.sub("", plain(value))
    if text.startswith("+86"):
        text = text[3:]
    if len(text) == 11 and text.startswith("1") and _MOBILE.fullmatch(text):
        return text
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise Invalid(_("%(phone)s is not a valid phone number.") % {"phone": text[:20]})
    if parsed.country_code == 86:
        return "0" + str(parsed.national_number) if not str(parsed.national_number).startswith("1") else text
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_DATE_PATTERNS = (
    re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def date_clean(value: object) -> dt.date:
    """A date as Excel stores it or as people type it: 2020-01-25, 2020.1.25, 2020/1/25, 2020年1月25日, 20200125."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = plain(value)
    if len(text) == 10 and text[4] == "-" == text[7]:  # 2020-01-25, as most sheets and every form send it
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # the patterns below give the message
    if isinstance(value, float | int) and not isinstance(value, bool) and 20_000 < value < 80_000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # an Excel serial the sheet did not format
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                break
    raise Invalid(_("%(value)s is not a date; write it as 2020-01-25.") % {"value": text[:20]})


PLATE = re.compile(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{4,5}[A-Z0-9挂学警港澳领使]?")


def plate_clean(value: str) -> str:
    """A Chinese vehicle plate such as 新B12345 (new-energy plates have one character more)."""
    text = re.sub(r"[\s·.\-]", "", plain(value)).upper()
    if not PLATE.fullmatch(text):
        raise Invalid(_("%(plate)s is not a vehicle plate such as 新B12345.") % {"plate": text[:12]})
    return text


TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))


def temperature_error(value: Decimal | None) -> str:
    """The message for a body temperature out of range, or "" (a missing one is the caller's business)."""
    low, high = TEMPERATURE_RANGE
    if value is None or low <= value <= high:
        return ""
    return _("A body temperature lies between %(low)s and %(high)s °C.") % {"low": low, "high": high}
