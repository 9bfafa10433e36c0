"""Reads compiled once and run again with new values give what the ORM gives, in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum.cn import ric

from bastion.core.models import ApiToken, OrgUnit, User
from bastion.core.prepared import PreparedRead
from bastion.core.services.accounts import token_create, token_hash, token_revoke
from bastion.residents.models import Person
from bastion.residents.services.persons import person_register
from tests.conftest import World

UNIT = PreparedRead(lambda pk: OrgUnit.objects.filter(pk=pk, is_active=True), pk=-1_000_001)
TOKEN = PreparedRead(
    lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at=None),
    key_hash="stand-in",
)
PERSON = PreparedRead(
    lambda id_hash: Person.objects.filter(id_hash=id_hash).only("pk", "name", "phone"), id_hash="stand-in"
)


def test_a_prepared_read_gives_the_row_the_orm_gives_for_each_value(world: World) -> None:
    for unit in (world.county, world.village_a, world.compound_b):
        with CaptureQueriesContext(connection) as queries:
            found = UNIT.first(pk=unit.pk)
        assert found == unit and len(queries) == 1
        assert (found.name, found.path, found.kind, found.is_active) == (unit.name, unit.path, unit.kind, True)
    assert UNIT.first(pk=-5) is None
    world.village_b.is_active = False
    world.village_b.save()
    assert UNIT.first(pk=world.village_b.pk) is None, "the compiled statement keeps the other conditions"


def test_related_rows_and_the_databases_conversions_come_as_the_orm_makes_them(
    world: World, county_admin: User
) -> None:
    token, key = token_create(by=county_admin, name="phone")

    with CaptureQueriesContext(connection) as queries:
        found = TOKEN.first(key_hash=token_hash(key))
        assert found is not None and found.user.username == county_admin.username  # no second query
    assert len(queries) == 1
    assert found.created_at == token.created_at and found.created_at.tzinfo is not None
    token_revoke(by=county_admin, token=token)
    assert TOKEN.first(key_hash=token_hash(key)) is None

    number = "65232819900101123" + ric.calc_check_digit("65232819900101123?")
    person = person_register(
        by=county_admin, org_unit=world.village_a, name="张三", id_number=number, phone="13812345678"
    )
    read = PERSON.first(id_hash=person.id_hash)
    assert read is not None and (read.pk, read.name, read.phone) == (person.pk, "张三", "13812345678")  # decrypted


def test_a_stand_in_that_does_not_reach_the_statement_is_refused(world: World) -> None:
    read = PreparedRead(lambda pk: OrgUnit.objects.filter(pk=1), pk=-1_000_002)
    with pytest.raises(ValueError, match="pk"):
        read.first(pk=world.county.pk)


def test_an_instance_inserted_is_stored_as_save_would_store_it(world: World, county_admin: User) -> None:
    from django.db import IntegrityError, transaction

    from bastion.core.models import AuditEvent
    from bastion.core.prepared import instance_insert

    number = "65232819900101123" + ric.calc_check_digit("65232819900101123?")
    event = AuditEvent(actor=county_admin, actor_label="admin", action="test.insert", org_unit=world.village_a)
    with CaptureQueriesContext(connection) as queries:
        assert instance_insert(event) is event
    assert len(queries) == 1 and event.pk is not None and not event._state.adding
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.action, stored.org_unit, stored.summary) == (
        county_admin,
        "test.insert",
        world.village_a,
        {},
    )
    assert stored.at == event.at and stored.at is not None  # auto_now_add, set as save() sets it

    person = instance_insert(Person(org_unit=world.village_a, name="李四", id_number=number, phone="13912345678"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_hash, phone FROM residents_person WHERE id = %s", [person.pk])
        raw_id, raw_hash, raw_phone = cursor.fetchone()
    assert number not in raw_id and "13912345678" not in raw_phone, "encrypted at rest, as save() stores it"
    assert raw_hash == person.id_hash and Person.objects.get(id_hash=raw_hash).phone == "13912345678"
    with pytest.raises(IntegrityError), transaction.atomic():  # one record per ID number
        instance_insert(Person(org_unit=world.village_b, name="李四", id_number=number))
