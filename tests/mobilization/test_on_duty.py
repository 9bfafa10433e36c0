"""Who is on duty now, read by hand-written statements: the same turns, order and columns as the ORM would give,
inside the user's scope and the unit asked for, sliced for pages and read whole for the export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from bastion.core.models import User
from bastion.mobilization.models import ShiftTurn
from bastion.mobilization.selectors import on_duty_now
from bastion.mobilization.selectors.on_duty import OnDuty
from tests import factories as core_factories
from tests.conftest import World
from tests.mobilization import factories

pytestmark = pytest.mark.django_db


def roster(world: World) -> dict[str, ShiftTurn]:
    """Shifts under way in both townships, one over, one cancelled, a turn checked out and a no-show."""
    now = timezone.now()
    started = now - dt.timedelta(hours=1)
    people = {
        name: factories.responder(unit, name)
        for name, unit in [
            ("李带班", world.township_a),
            ("王队员", world.village_a),
            ("张队员", world.village_a),
            ("赵带班", world.township_b),
            ("钱队员", world.village_b),
            ("孙下班", world.village_a),
        ]
    }
    factories.shift(world.village_a, people["李带班"], people["王队员"], people["张队员"], starts_at=started)
    factories.shift(world.compound_b, people["赵带班"], people["钱队员"], starts_at=started)
    factories.shift(world.village_a, people["孙下班"], starts_at=now - dt.timedelta(hours=10))  # over
    cancelled = factories.shift(world.village_b, people["孙下班"], starts_at=started)
    cancelled.cancelled = True
    cancelled.save()
    turns = {turn.responder.name: turn for turn in ShiftTurn.objects.select_related("responder")}
    ShiftTurn.objects.filter(pk=turns["李带班"].pk).update(checked_in_at=started)
    ShiftTurn.objects.filter(pk=turns["张队员"].pk).update(checked_in_at=started, checked_out_at=now)
    ShiftTurn.objects.filter(pk=turns["钱队员"].pk).update(no_show_at=started + dt.timedelta(minutes=15))
    return turns


def test_the_county_sees_every_turn_under_way_in_order_with_aware_times(world: World, county_admin: User) -> None:
    turns = roster(world)
    rows = list(on_duty_now(county_admin))
    assert [row["name"] for row in rows] == ["李带班", "王队员", "赵带班", "钱队员"], "by unit, the lead first"
    expected = (
        ShiftTurn.objects.filter(pk__in=[row["id"] for row in rows])
        .order_by("shift__org_unit__path", "-is_lead", "responder__name", "pk")
        .values("id", "is_lead", "checked_in_at", "no_show_at", starts_at=F("shift__starts_at"))
    )
    assert [{key: row[key] for key in expected[0]} for row in rows] == list(expected)
    assert rows[0]["checked_in_at"] == turns["李带班"].shift.starts_at and timezone.is_aware(rows[0]["starts_at"])
    assert rows[0]["unit_name"] == world.village_a.display_name and rows[0]["post_name"] is None
    assert rows[3]["no_show_at"] is not None and rows[3]["is_lead"] is False


def test_a_township_cadre_and_a_unit_asked_for_narrow_the_turns(
    world: World, township_cadre: User, county_admin: User
) -> None:
    roster(world)
    assert [row["name"] for row in on_duty_now(township_cadre)] == ["李带班", "王队员"]
    assert [row["name"] for row in on_duty_now(county_admin, unit=world.township_b)] == ["赵带班", "钱队员"]
    nobody = core_factories.account("observer", world.county, username="nobody")
    nobody.scopes.all().delete()
    assert len(OnDuty(User.objects.get(pk=nobody.pk))) == 0


def test_pages_are_slices_and_counts_of_the_same_rows(world: World, county_admin: User) -> None:
    roster(world)
    turns = on_duty_now(county_admin)
    everything = list(turns)
    assert turns.count() == len(everything) == 4
    assert turns[1:3] == everything[1:3] and turns[3:] == everything[3:] and turns[2] == everything[2]
    assert turns[4:10] == [] and turns[3:1] == []
    with pytest.raises(IndexError):
        turns[4]
