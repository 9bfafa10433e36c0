"""The HQ adds an item to keep in stock; a township cadre sees the list but may not change it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bastion.core.models import User
from bastion.supplies.models import Item
from tests.conftest import World, english_client

pytestmark = pytest.mark.django_db


def test_the_hq_adds_an_item_and_a_township_cadre_may_not(
    world: World, county_admin: User, township_cadre: User
) -> None:
    data = {"code": "kn95", "name_zh_hans": "KN95口罩", "sort_order": 5, "is_active": "on"}
    data |= {"category": "masks", "unit_of_measure": "只", "cover_days_threshold": 5}
    hq = english_client(county_admin)
    refused = hq.post(reverse("supplies:item_new"), data | {"unit_of_measure": ""})
    assert "This field is required." in refused.content.decode() and not Item.objects.filter(code="kn95").exists()
    assert hq.post(reverse("supplies:item_new"), data).status_code == 302
    item = Item.objects.get(code="kn95")
    assert (str(item), item.category, item.unit_of_measure, item.cover_days_threshold) == ("KN95口罩", "masks", "只", 5)
    township = english_client(township_cadre)
    assert "KN95口罩" in township.get(reverse("supplies:item_list")).content.decode()
    change = township.post(reverse("supplies:item_edit", kwargs={"item_id": item.pk}), data | {"unit_of_measure": "盒"})
    assert change.status_code == 403 and Item.objects.get(pk=item.pk).unit_of_measure == "只"
