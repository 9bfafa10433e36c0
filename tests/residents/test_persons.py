"""The person register: one record per ID number, numbers masked and encrypted, search by initials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from bastion.core.models import AuditEvent, User
from bastion.core.services.personal import personal_data_reveal
from bastion.residents import selectors
from bastion.residents.models import Person, TravelEntry
from bastion.residents.services.persons import (
    group_head_set,
    household_create,
    person_merge,
    person_register,
    person_update,
)
from tests import factories
from tests.conftest import World, client_for, english_client

pytestmark = pytest.mark.django_db


def test_the_id_number_gives_birth_date_and_sex_and_one_person_has_one_record(world: World, county_admin: User) -> None:
    number = factories.id_number(21, birth="19850317")
    person = person_register(by=county_admin, org_unit=world.village_a, name="张三", id_number=number)
    assert (person.birth_date, person.sex) == (dt.date(1985, 3, 17), "F" if int(number[16]) % 2 == 0 else "M")
    with pytest.raises(ValidationError) as refused:
        person_register(by=county_admin, org_unit=world.village_b, name="张三", id_number=f" {number.lower()} ")
    assert refused.value.message_dict == {"id_number": ["This ID number is already registered, in 水磨沟村."]}


@pytest.mark.parametrize(
    ("id_number", "phone", "field", "message"),
    [
        ("65232819900101123", "", "id_number", "An ID number has 18 characters; this one has 17."),
        ("652328199001011230", "", "id_number", "The check digit of this ID number is wrong"),
        ("652328199002301234", "", "id_number", "The date of birth in this ID number does not exist."),
        ("", "1381234567", "phone", "1381234567 is not a valid phone number."),
    ],
)
def test_bad_numbers_are_refused_with_the_reason(
    world: World, county_admin: User, id_number: str, phone: str, field: str, message: str
) -> None:
    if field == "id_number" and "check digit" in message:
        good = factories.id_number(7)
        id_number = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as refused:
        person_register(by=county_admin, org_unit=world.village_a, name="张三", id_number=id_number, phone=phone)
    assert refused.value.message_dict[field][0].startswith(message)
    assert not Person.objects.exists()


def test_full_width_digits_and_spaces_are_read_as_what_they_mean(world: World, county_admin: User) -> None:
    number = factories.id_number(22)
    wide = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    person = person_register(
        by=county_admin, org_unit=world.village_a, name=" 李四 ", id_number=wide, phone="１３８ ９９１１ ０００１"
    )
    person.refresh_from_db()
    assert (person.name, person.id_number, person.phone) == ("李四", number, "13899110001")


def test_search_by_initials_full_pinyin_id_and_phone_within_scope(world: World, township_cadre: User) -> None:
    number = factories.id_number(23)
    factories.person(world.village_a, "张三", id_number=number, phone="13899110002")
    factories.person(world.village_a, "李四")
    factories.person(world.village_b, "张山")  # outside bob's township
    names = lambda q: sorted(p.name for p in selectors.person_search(township_cadre, q))  # noqa: E731
    assert names("zs") == ["张三"]
    assert names("zhangsan") == ["张三"]
    assert names("张") == ["张三"]
    assert names(number) == ["张三"]
    assert names("13899110002") == ["张三"]
    assert names("ls") == ["李四"]
    assert names("z") == ["张三"]


def test_lists_show_numbers_masked_and_revealing_one_is_audited(world: World, county_admin: User) -> None:
    number = factories.id_number(24)
    person = factories.person(world.village_a, "张三丰", id_number=number, phone="13812345678")
    client = client_for(county_admin)
    listing = client.get(reverse("residents:person_list")).content.decode()
    assert "张*丰" in listing and f"{number[:6]}********{number[-4:]}" in listing and "138****5678" in listing
    assert number not in listing and "13812345678" not in listing
    shown = client.post(reverse("residents:person_reveal", kwargs={"person_id": person.pk}), {"field": "id_number"})
    assert number in shown.content.decode()
    event = AuditEvent.objects.get(action="personal_data.reveal")
    assert (event.actor, event.object_id, event.summary) == (county_admin, str(person.pk), {"field": "id_number"})
    assert number not in str(AuditEvent.objects.values_list("summary", flat=True))


def test_revealing_needs_the_permission(world: World, volunteer: User) -> None:
    person = factories.person(world.village_a, "张三", phone="13812345678")
    with pytest.raises(PermissionDenied):
        personal_data_reveal(
            by=volunteer,
            obj=person,
            field="phone",
            org_unit=world.village_a,
            permission="residents.reveal_personal_data",
        )
    response = client_for(volunteer).post(
        reverse("residents:person_reveal", kwargs={"person_id": person.pk}), {"field": "phone"}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()


def test_a_copy_of_the_database_shows_no_id_or_phone_number_in_clear(world: World, county_admin: User) -> None:
    number, phone = factories.id_number(25), "13912345678"
    person = factories.person(world.village_a, "张三", id_number=number, phone=phone)
    person_update(by=county_admin, person=person, phone="13912345679")
    client_for(county_admin).post(
        reverse("residents:person_reveal", kwargs={"person_id": person.pk}), {"field": "phone"}
    )
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(bytes(v) if isinstance(v, memoryview) else v) for v in row)
                for secret in (number, phone, "13912345679", number[6:14] + number[14:]):
                    if secret in text:
                        found.append((table, secret))
    assert found == []


def test_households_and_ten_household_groups(world: World, county_admin: User) -> None:
    group = factories.unit(world.village_a, "一组十户", kind="ten_household")
    head = factories.person(group, "王十户长")
    household = household_create(by=county_admin, org_unit=group, address="一组3号", head=head)
    member = factories.person(group, "王小", household=household)
    group_head_set(by=county_admin, org_unit=group, person=head)
    page = client_for(county_admin).get(reverse("residents:household_detail", kwargs={"household_id": household.pk}))
    text = page.content.decode()
    assert "一组3号" in text and "王小" in text and "王十户长" in text
    assert set(household.members.all()) == {head, member}
    with pytest.raises(ValidationError):
        group_head_set(by=county_admin, org_unit=world.village_a, person=head)
    client = english_client(county_admin)
    other = factories.person(group, "李新")
    client.post(reverse("residents:group_detail", kwargs={"unit_id": group.pk}), {"person": other.pk})
    group_page = client.get(reverse("residents:group_detail", kwargs={"unit_id": group.pk})).content.decode()
    assert "李新" in group_page and "一组3号" in group_page


def test_merging_a_likely_duplicate_keeps_the_history(world: World, county_admin: User) -> None:
    keep = factories.person(world.village_a, "张三", phone="13812345678", birth_date=dt.date(1990, 1, 1))
    other = factories.person(
        world.village_a,
        "张三",
        phone="13812345678",
        birth_date=dt.date(1990, 1, 1),
        id_number=factories.id_number(26, birth="19900101"),
    )
    TravelEntry.objects.create(person=other, from_region="武汉")
    assert [sorted(p.pk for p in g) for g in selectors.likely_duplicates_for_user(county_admin)] == [
        sorted([keep.pk, other.pk])
    ]
    client_for(county_admin).post(reverse("residents:duplicates"), {"keep": keep.pk, "duplicate": other.pk})
    keep.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into == keep and keep.id_number == factories.id_number(26, birth="19900101")
    assert keep.travels.get().from_region == "武汉"
    assert selectors.likely_duplicates_for_user(county_admin) == []
    assert AuditEvent.objects.filter(action="person.merge", object_id=str(keep.pk)).exists()
    with pytest.raises(ValidationError):
        person_merge(by=county_admin, keep=keep, duplicate=other)


def test_the_person_list_runs_a_fixed_number_of_queries(
    world: World, county_admin: User, django_assert_max_num_queries: object
) -> None:
    for n in range(30):
        factories.person(world.village_a, f"居民{n}", tags=("resident",), phone=f"1381234{n:04d}")
    client = client_for(county_admin)
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        response = client.get(reverse("residents:person_list"))
    assert response.status_code == 200 and len(response.context["page"]) == 30


def test_a_number_searched_for_never_reaches_a_url(world: World, county_admin: User) -> None:
    number = factories.id_number(27)
    factories.person(world.village_a, "张三", id_number=number)
    factories.person(world.village_a, "张三丰")
    client = english_client(county_admin)
    found = client.post(reverse("residents:person_list"), {"q": number})
    assert found.status_code == 200 and [p.name for p in found.context["page"]] == ["张三"]
    assert number not in found.content.decode()
    by_name = client.post(reverse("residents:person_list"), {"q": "zs", "unit": world.village_a.pk})
    assert by_name.status_code == 302 and by_name["Location"].endswith(f"?q=zs&unit={world.village_a.pk}")
    typed = client.get(reverse("residents:person_list"), {"q": number})
    assert len(typed.context["page"]) == 2  # a number in the address is ignored, not searched
