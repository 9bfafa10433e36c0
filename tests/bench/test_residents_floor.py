"""The roster import's floor stores what the import stores, or it would be the floor of something else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bastion.residents.models import Person, TravelEntry
from bastion.residents.services.roster import roster_import
from bench.residents import (
    HEADER,
    PERSON_COLUMNS,
    empty_register,
    register_insert,
    roster_rows,
    setup_units,
    sheet_file,
    stored_register,
)
from tests import factories

ROWS = 40


def register_as_stored() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Persons (numbers decrypted), their categories and travel entries, keyed by ID number, not by id."""
    persons = {p.pk: p for p in Person.objects.all()}
    fields = ("org_unit_id", "name", "name_initials", "name_pinyin", "sex", "birth_date", "id_number", "id_hash")
    fields += ("phone", "phone_hash", "address")
    people = {tuple(getattr(p, field) for field in fields) for p in persons.values()}
    tags = {
        (persons[pk].id_number, tag) for pk, tag in Person.tags.through.objects.values_list("person", "categorytag")
    }
    travels = {
        (persons[t.person_id].id_number, t.from_region, t.arrival_date, t.mode, t.transport_number)
        for t in TravelEntry.objects.all()
    }
    return people, tags, travels


@pytest.mark.django_db
def test_the_floor_writes_the_rows_the_roster_import_writes(tmp_path: Path) -> None:
    township, by = setup_units(factories.unit(None, "基准县"))
    data = sheet_file(tmp_path / "roster.xlsx", HEADER, roster_rows(ROWS)).read_bytes()
    result = roster_import(by=by, data=data, default_unit=township, dry_run=False)
    assert result.created == ROWS
    imported = register_as_stored()
    empty_register()

    register = stored_register(data, township)
    register_insert(register)

    assert register_as_stored() == imported
    numbers = [row[1 + PERSON_COLUMNS.index("id_number")] for row in register.persons]
    assert not any(number[-5:-1].isdigit() for number in numbers)  # encrypted, as the import stores them
