"""What registering a passage keeps between requests (the risk areas, each post's county, a token's grants)
is dropped when it changes: the next passage sees the change. And the registration stays lean."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bastion.checkpoints.models import Passage, Post, RiskArea
from bastion.checkpoints.services.passages import passage_record, riskarea_save
from bastion.core.models import AuditEvent, User
from bastion.core.services.accounts import user_update
from tests import factories
from tests.checkpoints.test_api import api_client, register, wuhan_to
from tests.conftest import World


def from_region(post: Post, code: str, world: World, by: User) -> Passage:
    return passage_record(
        by=by,
        post=post,
        direction="in",
        name="王五",
        phone="13912345678",
        from_division_code=code,
        to_unit=world.village_a,
    )


@pytest.mark.django_db
def test_a_new_risk_area_is_seen_by_the_next_passage(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User
) -> None:
    # Given a passage from Gansu, not a risk area: the list is now cached
    assert "risk_area" not in from_region(highway_exit, "620100", world, duty_officer).exception_reasons
    # When the HQ adds Gansu
    area = riskarea_save(by=county_admin, name="甘肃省兰州市", division_code="6201")
    # Then the next passage from there is an exception, and the change is audited
    assert from_region(highway_exit, "620100", world, duty_officer).exception_reasons == ["risk_area", "arrival"]
    assert AuditEvent.objects.filter(action="riskarea.create", object_id=str(area.pk)).exists()
    # And when the area is lifted, the next passage is not
    riskarea_save(by=county_admin, area=area, name=area.name, division_code="6201", is_active=False)
    assert "risk_area" not in from_region(highway_exit, "620100", world, duty_officer).exception_reasons


@pytest.mark.django_db
def test_only_the_hq_changes_risk_areas_and_a_code_has_digits(
    world: World, duty_officer: User, county_admin: User
) -> None:
    with pytest.raises(PermissionDenied):
        riskarea_save(by=duty_officer, name="兰州", division_code="6201")
    with pytest.raises(ValidationError) as refused:
        riskarea_save(by=county_admin, name="兰州", division_code="62a1")
    assert "division_code" in refused.value.message_dict
    assert not RiskArea.objects.filter(name="兰州").exists()


@pytest.mark.django_db
def test_a_post_moved_to_another_county_checks_destinations_in_its_new_county(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    from_region(highway_exit, "620100", world, duty_officer)  # the county of the post is now cached
    other_county = factories.unit(None, "奇台县", division_code="652325000000")
    other_township = factories.unit(other_county, "老奇台镇", division_code="652325100000")
    Post.objects.filter(pk=highway_exit.pk).update(org_unit=other_township)
    highway_exit.refresh_from_db()
    before = Passage.objects.count()
    with pytest.raises(ValidationError) as refused:
        passage_record(
            by=None, post=highway_exit, direction="in", name="王五", phone="13912345678", to_unit=world.village_a
        )
    assert "奇台县" in refused.value.message_dict["to_unit"][0]
    assert Passage.objects.count() == before


@pytest.mark.django_db
def test_a_retry_after_the_post_closed_gives_back_the_first_passage(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    key = uuid.uuid4()
    first = passage_record(
        by=duty_officer, post=highway_exit, direction="out", name="王五", phone="13912345678", idempotency_key=key
    )
    Post.objects.filter(pk=highway_exit.pk).update(is_active=False)
    highway_exit.refresh_from_db()
    again = passage_record(
        by=duty_officer, post=highway_exit, direction="out", name="王五", phone="13912345678", idempotency_key=key
    )
    assert again.pk == first.pk and Passage.objects.count() == 1
    assert AuditEvent.objects.filter(action="passage.record").count() == 1


@pytest.mark.django_db
def test_a_token_loses_at_once_the_role_and_the_scope_taken_from_its_user(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User
) -> None:
    client = api_client(duty_officer)
    assert register(client, highway_exit, wuhan_to(world)).status_code == 201  # the grants are now cached
    user_update(
        by=county_admin,
        user=duty_officer,
        role="checkpoint_staff",
        scope_units=[world.township_b],
        display_name="",
        is_active=True,
    )
    assert register(client, highway_exit, wuhan_to(world, phone="13912345679")).status_code == 404
    user_update(
        by=county_admin,
        user=duty_officer,
        role="observer",
        scope_units=[world.township_a],
        display_name="",
        is_active=True,
    )
    assert register(client, highway_exit, wuhan_to(world, phone="13912345670")).status_code == 404
    assert Passage.objects.count() == 1


@pytest.mark.django_db
def test_a_deactivated_account_stops_at_once(world: World, highway_exit: Post, duty_officer: User) -> None:
    client = api_client(duty_officer)
    assert register(client, highway_exit, wuhan_to(world)).status_code == 201
    User.objects.filter(pk=duty_officer.pk).update(is_active=False)
    assert register(client, highway_exit, wuhan_to(world, phone="13912345679")).status_code == 401


@pytest.mark.django_db
def test_a_registration_reads_four_rows_and_writes_three_and_two_figures(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    client = api_client(duty_officer)
    assert register(client, highway_exit, wuhan_to(world), key=str(uuid.uuid4())).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        answer = register(client, highway_exit, wuhan_to(world, phone="13912345679"), key=str(uuid.uuid4()))
    assert answer.status_code == 201, answer.content
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    # the token, the post, the destination, the person; the passage, its arrival, the audit event, and one
    # upsert each for the passages in and the arrivals open (the unit's row and its ancestors' in one statement)
    assert statements.count("SELECT") == 4 and statements.count("INSERT") == 5, queries.captured_queries
    upserts = [q["sql"] for q in queries.captured_queries if "ON CONFLICT" in q["sql"]]
    assert len(upserts) == 2 and all("dashboard_dailyfigure" in sql for sql in upserts)
