"""Contacts carry phone numbers: encrypted at rest, masked on the page, never in the audit log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from bastion.core.crypto import keyed_hash, mask
from bastion.core.models import AuditEvent, UnitContact
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_a_contact_phone_is_encrypted_at_rest_and_masked_on_the_page(world: World, county_admin) -> None:
    client = client_for(county_admin)
    response = client.post(
        reverse("core:contact_create", args=[world.village_a.pk]),
        {"title": "十户长", "name": "李四", "phone": "138 1234 5678"},
    )
    assert response.status_code == 302
    contact = UnitContact.objects.get()
    assert contact.phone == "13812345678"
    assert contact.phone_hash == keyed_hash("13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM core_unitcontact WHERE id = %s", [contact.pk])
        stored = cursor.fetchone()[0]
    assert "13812345678" not in stored
    page = client.get(reverse("core:unit", args=[world.village_a.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "13812345678" not in str(list(AuditEvent.objects.values_list("summary", flat=True)))


def test_a_bad_phone_number_is_refused_with_a_message(world: World, county_admin) -> None:
    response = client_for(county_admin).post(
        reverse("core:contact_create", args=[world.village_a.pk]), {"title": "楼栋长", "name": "王五", "phone": "12ab"}
    )
    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert not UnitContact.objects.exists()


def test_masking_keeps_the_ends_only() -> None:
    assert mask("13812345678") == "138****5678"
    assert mask("") == ""
