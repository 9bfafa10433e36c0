from __future__ import annotations

import pytest
from django.urls import reverse

from bastion.core.models import AuditEvent
from bastion.core.services.orgunits import orgunit_update
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_audit_events_cannot_be_changed_or_deleted(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_an_edit_records_who_changed_what_from_where(world: World, county_admin) -> None:
    client = client_for(county_admin)
    client.post(
        reverse("core:unit_edit", args=[world.village_a.pk]),
        {
            "kind": "village",
            "name": "水磨沟村",
            "short_name": "水磨沟",
            "division_code": "652328101200",
            "sort_order": "0",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.get(action="orgunit.update")
    assert event.actor == county_admin and event.client_address == "10.1.2.3"
    assert event.summary == {"short_name": ["", "水磨沟"]}


def test_the_audit_page_filters_and_stays_in_scope(world: World, county_admin) -> None:
    from tests import factories

    orgunit_update(by=county_admin, unit=world.village_b, data={"short_name": "沈家沟"})
    orgunit_update(by=county_admin, unit=world.village_a, data={"short_name": "水磨沟"})
    admin_a = factories.account("county_admin", world.township_a, username="admin-a")
    page = client_for(admin_a).get(reverse("core:audit"), {"action": "orgunit.update"}).content.decode()
    assert "水磨沟" in page and "沈家沟" not in page
    page = (
        client_for(county_admin)
        .get(reverse("core:audit"), {"unit": world.village_b.pk, "action": "orgunit"})
        .content.decode()
    )
    assert "沈家沟" in page and "水磨沟" not in page


def test_only_admins_see_the_audit_page(world: World, township_cadre) -> None:
    assert client_for(township_cadre).get(reverse("core:audit")).status_code == 403
