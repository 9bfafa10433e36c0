"""Accounts: the admin makes a township cadre, who then sees only that township."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bastion.core.models import ApiToken, AuditEvent, User
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db
PASSWORD = "A-good-long-passphrase-2020"


def test_admin_creates_a_township_cadre_who_sees_only_that_township(world: World, county_admin) -> None:
    admin = client_for(county_admin)
    response = admin.post(
        reverse("core:user_create"),
        {
            "username": "wang",
            "display_name": "王干部",
            "role": "township_cadre",
            "scope_units": [world.township_a.pk],
            "password": PASSWORD,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    cadre = Client()
    assert cadre.post(reverse("login"), {"username": "wang", "password": PASSWORD}).status_code == 302
    tree = cadre.get(reverse("core:tree")).content.decode()
    assert "木垒镇" in tree and "东城镇" not in tree
    assert cadre.get(reverse("core:unit", args=[world.village_b.pk])).status_code == 404
    assert cadre.get(reverse("core:unit", args=[world.village_a.pk])).status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.create", "user.sign_in"} <= actions


def test_a_township_cadre_cannot_manage_accounts(world: World, township_cadre) -> None:
    response = client_for(township_cadre).post(
        reverse("core:user_create"),
        {"username": "x", "role": "county_admin", "scope_units": [world.county.pk], "password": PASSWORD},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_a_scope_outside_the_admins_own_is_refused(world: World) -> None:
    from tests import factories

    admin_a = factories.account("county_admin", world.township_a, username="admin-a")
    response = client_for(admin_a).post(
        reverse("core:user_create"),
        {"username": "y", "role": "village_cadre", "scope_units": [world.village_b.pk], "password": PASSWORD},
    )
    assert response.status_code == 200 and "scope_units" in response.context["form"].errors
    assert not User.objects.filter(username="y").exists()


def test_a_weak_password_is_refused_with_a_message(world: World, county_admin) -> None:
    response = client_for(county_admin).post(
        reverse("core:user_create"),
        {"username": "weak", "role": "volunteer", "scope_units": [world.village_a.pk], "password": "123"},
    )
    assert response.status_code == 200 and response.context["form"].errors["password"]
    assert not User.objects.filter(username="weak").exists()


def test_five_wrong_passwords_lock_the_account(world: World, county_admin) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert not client.get(reverse("core:home")).wsgi_request.user.is_authenticated


def test_a_device_token_is_shown_once_and_works_until_revoked(world: World, volunteer) -> None:
    client = client_for(volunteer)
    client.post(reverse("core:token_create"), {"name": "值班手机"})
    page = client.get(reverse("core:me")).content.decode()
    key = page.split('<code class="token">')[1].split("</code>")[0]
    assert key.startswith("bst_")
    assert key not in client.get(reverse("core:me")).content.decode()
    token = ApiToken.objects.get(user=volunteer)
    assert token.key_hash != key and key not in str(AuditEvent.objects.values_list("summary", flat=True)[:10])
    api = Client(headers={"authorization": f"Bearer {key}"})
    assert api.get("/api/v1/me").json()["username"] == volunteer.username
    client.post(reverse("core:token_revoke", args=[token.pk]))
    assert api.get("/api/v1/me").status_code == 401


def test_changing_the_password_is_audited(world: World, volunteer) -> None:
    client = client_for(volunteer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-passphrase-7",
            "new_password2": "Another-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.check_password("Another-long-passphrase-7")
    assert AuditEvent.objects.filter(action="user.password", actor=volunteer).exists()
