"""The tree: create, edit, move, deactivate, search; every change audited, bad input refused whole."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bastion.core import selectors
from bastion.core.models import AuditEvent, OrgUnit
from bastion.core.services.orgunits import orgunit_create, orgunit_move, orgunit_set_active, orgunit_update
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_a_new_unit_hangs_under_its_parent_with_an_audit_event(world: World, county_admin) -> None:
    compound = orgunit_create(by=county_admin, parent=world.village_a, kind="compound", name="幸福小区")
    assert compound.path == world.village_a.path + str(compound.pk).zfill(10)
    assert compound.depth == world.village_a.depth + 1
    event = AuditEvent.objects.get(action="orgunit.create", object_id=str(compound.pk))
    assert event.actor == county_admin and event.org_unit == compound


def test_a_duplicate_division_code_is_refused_and_nothing_is_created(world: World, county_admin) -> None:
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as refused:
        orgunit_create(
            by=county_admin, parent=world.township_a, kind="village", name="重复村", division_code="652328102200"
        )
    assert "沈家沟村" in str(refused.value.message_dict["division_code"])
    assert OrgUnit.objects.count() == before


def test_a_village_cannot_sit_under_a_compound(world: World, county_admin) -> None:
    with pytest.raises(ValidationError) as refused:
        orgunit_create(by=county_admin, parent=world.compound_b, kind="village", name="错村")
    assert "kind" in refused.value.message_dict


def test_moving_a_unit_rewrites_its_whole_subtree(world: World, county_admin) -> None:
    building = factories.unit(world.compound_b, "一号楼")
    orgunit_move(by=county_admin, unit=world.village_b, new_parent=world.township_a)
    building.refresh_from_db()
    world.compound_b.refresh_from_db()
    assert building.path.startswith(world.township_a.path)
    assert world.compound_b.depth == 3 and building.depth == 4
    assert building.path == world.compound_b.path + str(building.pk).zfill(10)
    assert selectors.orgunit_subtree_counts(world.township_b) == {}
    assert AuditEvent.objects.filter(action="orgunit.move").get().summary["units_moved"] == 3


def test_a_unit_cannot_move_under_its_own_descendant(world: World, county_admin) -> None:
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    with pytest.raises(ValidationError):
        orgunit_move(by=county_admin, unit=world.township_b, new_parent=world.village_b)
    assert dict(OrgUnit.objects.values_list("pk", "path")) == paths
    assert not AuditEvent.objects.filter(action="orgunit.move").exists()


def test_deactivating_a_village_deactivates_what_lies_below(world: World, county_admin) -> None:
    assert orgunit_set_active(by=county_admin, unit=world.village_b, active=False) == 2
    assert not OrgUnit.objects.get(pk=world.compound_b.pk).is_active
    assert OrgUnit.objects.get(pk=world.village_a.pk).is_active


def test_a_township_cadre_cannot_change_the_other_township(world: World, township_cadre) -> None:
    with pytest.raises(PermissionDenied):
        orgunit_create(by=township_cadre, parent=world.village_b, kind="compound", name="越权小区")
    with pytest.raises(PermissionDenied):
        orgunit_update(by=township_cadre, unit=world.village_b, data={"name": "改名"})
    assert not OrgUnit.objects.filter(name__in=["越权小区", "改名"]).exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("mlz", "木垒镇"), ("smgc", "水磨沟村"), ("shuimo", "水磨沟村"), ("652328101", "水磨沟村"), ("磨沟", "水磨沟村")],
)
def test_search_finds_units_by_name_pinyin_or_code(world: World, county_admin, query: str, expected: str) -> None:
    assert expected in [u.name for u in selectors.orgunit_search(county_admin, q=query)]


def test_search_stays_inside_the_scope(world: World, township_cadre) -> None:
    assert list(selectors.orgunit_search(township_cadre, q="沈家沟")) == []
    assert {u.name for u in selectors.orgunit_search(township_cadre)} == {"木垒镇", "水磨沟村"}


def test_the_create_page_shows_the_error_and_keeps_the_input(world: World, county_admin) -> None:
    client = client_for(county_admin)
    response = client.post(
        reverse("core:unit_create", args=[world.township_a.pk]),
        {"kind": "village", "name": "新村", "division_code": "652328102200", "sort_order": "1"},
    )
    assert response.status_code == 200
    assert "652328102200" in response.content.decode()
    assert not OrgUnit.objects.filter(name="新村").exists()


def test_the_move_page_offers_no_unit_of_the_moved_subtree(world: World, county_admin) -> None:
    response = client_for(county_admin).get(reverse("core:unit_move", args=[world.township_b.pk]))
    page = response.content.decode()
    assert "沈家沟一号小区" not in page and "水磨沟村" in page


def test_the_move_page_moves_the_unit(world: World, county_admin) -> None:
    response = client_for(county_admin).post(
        reverse("core:unit_move", args=[world.village_b.pk]), {"new_parent": world.township_a.pk}
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=world.village_b.pk).parent == world.township_a


def grow(world: World, villages: int) -> None:
    for _ in range(villages):
        village = factories.unit(world.township_a, kind=OrgUnit.Kind.VILLAGE)
        factories.unit(village)
        factories.institution(village)


@pytest.mark.parametrize("url_name", ["core:tree", "core:unit", "core:unit_children", "core:home", "core:institutions"])
def test_tree_pages_use_the_same_number_of_queries_whatever_the_size(
    world: World, county_admin, url_name: str, django_assert_max_num_queries
) -> None:
    client = client_for(county_admin)
    args = [] if url_name in ("core:tree", "core:home", "core:institutions") else [world.township_a.pk]
    url = reverse(url_name, args=args)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow(world, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_deactivate_button_says_how_many_units_it_stopped(world: World, county_admin) -> None:
    response = client_for(county_admin).post(reverse("core:unit_deactivate", args=[world.village_b.pk]), follow=True)
    assert "已停用 2 个单位" in response.content.decode()
    assert not OrgUnit.objects.filter(pk__in=[world.village_b.pk, world.compound_b.pk], is_active=True).exists()
