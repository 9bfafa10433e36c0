"""Factories for the records tests build; services do the writing so paths and audit stay true."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.services.accounts import user_create
from bastion.core.services.orgunits import institution_create, orgunit_create

if TYPE_CHECKING:
    from bastion.observation.models import ObservationCase
    from bastion.residents.models import Person

_numbers = itertools.count(1)

CHILD_KIND = {
    None: OrgUnit.Kind.COUNTY,
    OrgUnit.Kind.COUNTY: OrgUnit.Kind.TOWNSHIP,
    OrgUnit.Kind.TOWNSHIP: OrgUnit.Kind.VILLAGE,
    OrgUnit.Kind.VILLAGE: OrgUnit.Kind.COMPOUND,
    OrgUnit.Kind.COMMUNITY: OrgUnit.Kind.COMPOUND,
    OrgUnit.Kind.COMPOUND: OrgUnit.Kind.BUILDING,
    OrgUnit.Kind.BUILDING: OrgUnit.Kind.TEN_HOUSEHOLD,
}


def unit(parent: OrgUnit | None = None, name: str | None = None, kind: str | None = None, **kwargs: object) -> OrgUnit:
    kind = kind or CHILD_KIND[parent.kind if parent else None]
    return orgunit_create(
        by=None,
        parent=parent,
        kind=kind,
        name=name or f"{kind}-{next(_numbers)}",
        **kwargs,
    )


def institution(org_unit: OrgUnit, name: str | None = None, kind: str = Institution.Kind.MEDICAL) -> Institution:
    return institution_create(by=None, org_unit=org_unit, kind=kind, name=name or f"institution-{next(_numbers)}")


def account(role: str, *scope: OrgUnit, username: str | None = None) -> User:
    return user_create(
        by=None,
        username=username or f"{role}-{next(_numbers)}",
        password="A-good-long-passphrase-2020",
        role=role,
        scope_units=list(scope),
    )


def id_number(serial: int, birth: str = "19900101", place: str = "652328") -> str:
    """A valid resident ID number: place, birth date, a serial, and the check digit python-stdnum computes."""
    from stdnum.cn import ric

    body = f"{place}{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person(org_unit: OrgUnit, name: str | None = None, *, tags: tuple[str, ...] = (), **kwargs: object) -> Person:
    from bastion.residents.models import CategoryTag
    from bastion.residents.services.persons import person_register

    return person_register(
        by=None,
        org_unit=org_unit,
        name=name or f"居民{next(_numbers)}",
        tags=list(CategoryTag.objects.filter(code__in=tags)),
        **kwargs,  # type: ignore[arg-type]
    )


def designated_hospital(org_unit: OrgUnit, name: str | None = None) -> Institution:
    return institution_create(
        by=None,
        org_unit=org_unit,
        kind=Institution.Kind.MEDICAL,
        name=name or f"hospital-{next(_numbers)}",
        designated=True,
    )


def observation_case(person: Person, reason: str = "returnee", **kwargs: object) -> ObservationCase:
    from bastion.observation.models import ObservationReason
    from bastion.observation.services.cases import case_open

    return case_open(by=None, person=person, reason=ObservationReason.objects.get(code=reason), **kwargs)  # type: ignore[arg-type]
