"""Personas and a small world: one county, two townships, a village in each.

- ``county_admin``: county HQ admin, scope the whole county
- ``township_cadre``: scope township A
- ``village_cadre_b``: a village cadre of the *other* township (B)
- ``volunteer``: scope village A, read-only role
- ``anonymous``: a client that never signed in
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils.translation import override

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.roles import roles_sync
from tests import factories


@dataclass
class World:
    county: OrgUnit
    township_a: OrgUnit
    township_b: OrgUnit
    village_a: OrgUnit
    village_b: OrgUnit
    compound_b: OrgUnit
    clinic_a: Institution
    clinic_b: Institution


@pytest.fixture
def roles(db: None) -> None:
    roles_sync()
    default_incident_categories()


def default_incident_categories() -> None:
    """The categories a migration adds; a transactional test flushes them, so they are put back here."""
    from bastion.reporting.models import IncidentCategory

    migration = importlib.import_module("bastion.reporting.migrations.0002_default_incident_categories")
    for code, zh, en, order in migration.DEFAULTS:
        IncidentCategory.objects.get_or_create(
            code=code, defaults={"names": {"zh-hans": zh, "en": en}, "sort_order": order}
        )
    from django.apps import apps

    importlib.import_module("bastion.residents.migrations.0002_default_tags_and_symptoms").add_defaults(apps, None)
    importlib.import_module("bastion.observation.migrations.0002_defaults").add_defaults(apps, None)
    importlib.import_module("bastion.checkpoints.migrations.0002_defaults").add_defaults(apps, None)
    importlib.import_module("bastion.supplies.migrations.0002_defaults").add_defaults(apps, None)
    importlib.import_module("bastion.mobilization.migrations.0002_defaults").add_defaults(apps, None)
    importlib.import_module("bastion.command.migrations.0002_defaults").add_defaults(apps, None)
    importlib.import_module("bastion.outreach.migrations.0002_defaults").add_defaults(apps, None)


@pytest.fixture
def world(roles: None) -> World:
    county = factories.unit(None, "木垒哈萨克自治县", division_code="652328000000")
    township_a = factories.unit(county, "木垒镇", division_code="652328100000")
    township_b = factories.unit(county, "东城镇", division_code="652328102000")
    village_a = factories.unit(township_a, "水磨沟村", division_code="652328101200", kind=OrgUnit.Kind.VILLAGE)
    village_b = factories.unit(township_b, "沈家沟村", division_code="652328102200", kind=OrgUnit.Kind.VILLAGE)
    compound_b = factories.unit(village_b, "沈家沟一号小区")
    return World(
        county=county,
        township_a=township_a,
        township_b=township_b,
        village_a=village_a,
        village_b=village_b,
        compound_b=compound_b,
        clinic_a=factories.institution(village_a, "水磨沟村卫生室"),
        clinic_b=factories.institution(village_b, "沈家沟村卫生室"),
    )


@pytest.fixture
def county_admin(world: World) -> User:
    return factories.account("county_admin", world.county, username="alice")


@pytest.fixture
def township_cadre(world: World) -> User:
    return factories.account("township_cadre", world.township_a, username="bob")


@pytest.fixture
def village_cadre_b(world: World) -> User:
    return factories.account("village_cadre", world.village_b, username="charlie")


@pytest.fixture
def volunteer(world: World) -> User:
    return factories.account("volunteer", world.village_a, username="dora")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_in_english() -> Iterator[None]:
    """A test package's autouse fixture (``in_english``): messages are asserted in English there; the Chinese
    ones are checked by the i18n tests and e2e."""
    with override("en"):
        yield


def english_client(user: User) -> Client:
    """A signed-in client whose pages come in English, for tests that assert messages by their text."""
    client = client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def anonymous() -> Client:
    return Client()
