import pytest
from django.urls import reverse

from tests.conftest import World, client_for


@pytest.mark.django_db
def test_admin_sees_every_page(world: World, county_admin) -> None:
    client = client_for(county_admin)
    for url in [
        reverse("core:home"),
        reverse("core:tree"),
        reverse("core:tree") + "?q=mlz",
        reverse("core:unit", args=[world.village_a.pk]),
        reverse("core:unit_children", args=[world.county.pk]),
        reverse("core:unit_create", args=[world.county.pk]),
        reverse("core:unit_edit", args=[world.county.pk]),
        reverse("core:unit_move", args=[world.village_a.pk]),
        reverse("core:institutions"),
        reverse("core:institution_edit", args=[world.clinic_a.pk]),
        reverse("core:users"),
        reverse("core:user_create"),
        reverse("core:user_edit", args=[county_admin.pk]),
        reverse("core:audit"),
        reverse("core:me"),
        reverse("password_change"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
