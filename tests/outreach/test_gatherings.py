"""Gatherings (红白事): a family plans a funeral, the village records it and its guidance, and later that it was
held simply with a few relatives; families masked in lists, in full on the page; every write audited, the family
and phone never in the audit log."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bastion.core.models import AuditEvent, User
from bastion.outreach.models import Gathering
from bastion.outreach.selectors.gatherings import gathering_counts
from bastion.outreach.services.gatherings import gathering_outcome, gathering_record, gathering_update_plan
from bastion.reporting.sources import source_value
from tests import factories
from tests.conftest import World, english_client

pytestmark = pytest.mark.django_db


def funeral(by: User, world: World, **kwargs: object) -> Gathering:
    data: dict[str, object] = {
        "org_unit": world.village_a,
        "kind": Gathering.Kind.FUNERAL,
        "family": "马建国",
        "phone": "13912345678",
        "planned_on": timezone.localdate() + dt.timedelta(days=2),
        "expected_size": 80,
        "guidance": "No banquet; close relatives only; masks and a short ceremony.",
    } | kwargs
    return gathering_record(by=by, **data)  # type: ignore[arg-type]


def test_the_funeral_story(world: World, village_cadre_a: User, county_admin: User) -> None:
    client = english_client(village_cadre_a)
    planned = client.post(
        reverse("outreach:gathering_new"),
        {
            "org_unit": world.village_a.pk,
            "kind": "funeral",
            "family": "马建国",
            "phone": "13912345678",
            "planned_on": f"{timezone.localdate() + dt.timedelta(days=2):%Y-%m-%d}",
            "expected_size": 80,
            "guidance": "No banquet; close relatives only.",
        },
    )
    assert planned.status_code == 302
    gathering = Gathering.objects.get()
    assert gathering.outcome == Gathering.Outcome.PLANNED and gathering.expected_size == 80

    held = client.post(
        reverse("outreach:gathering_outcome", args=[gathering.pk]),
        {"outcome": "held_simply", "actual_size": 12, "outcome_note": "A few relatives, no banquet."},
    )
    assert held.status_code == 302
    gathering.refresh_from_db()
    assert gathering.outcome == Gathering.Outcome.HELD_SIMPLY and gathering.actual_size == 12

    lines, total = gathering_counts(county_admin, world.county)
    by_unit = {line.unit: line for line in lines}
    assert by_unit[world.township_a].by_outcome == {"held_simply": 1}
    assert by_unit[world.township_a].expected == 80 and by_unit[world.township_a].actual == 12
    assert by_unit[world.township_b].total == 0 and total.total == 1
    day = gathering.planned_on
    assert source_value("outreach.gatherings_planned", world.county, day, day) == 1
    assert source_value("outreach.gatherings_scaled_down", world.township_a, day, day) == 1
    assert source_value("outreach.gatherings_as_planned", world.county, day, day) == 0
    assert source_value("outreach.gatherings_open", world.county, day, day) == 0

    page = english_client(county_admin).get(reverse("outreach:gathering_list"), {"unit": world.county.pk})
    assert page.context["count_total"].total == 1
    assert "Held simply" in page.content.decode() or "held simply" in page.content.decode()


def test_a_held_outcome_needs_the_actual_size_and_a_postponement_none(world: World, village_cadre_a: User) -> None:
    gathering = funeral(village_cadre_a, world)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        gathering_outcome(by=village_cadre_a, gathering=gathering, outcome="held_simply")
    assert "how many people came" in refused.value.message_dict["actual_size"][0]
    with pytest.raises(ValidationError) as negative:
        gathering_outcome(by=village_cadre_a, gathering=gathering, outcome="scaled_down", actual_size=-1)
    assert "actual_size" in negative.value.message_dict
    with pytest.raises(ValidationError):
        gathering_outcome(by=village_cadre_a, gathering=gathering, outcome="planned")
    gathering.refresh_from_db()
    assert gathering.outcome == "planned" and AuditEvent.objects.count() == events

    page = english_client(village_cadre_a).post(
        reverse("outreach:gathering_outcome", args=[gathering.pk]), {"outcome": "held_simply"}
    )
    assert page.status_code == 200 and "how many people came" in page.content.decode()

    gathering_outcome(by=village_cadre_a, gathering=gathering, outcome="postponed", actual_size=30)
    gathering.refresh_from_db()
    assert gathering.outcome == "postponed" and gathering.actual_size is None

    # recorded again: replaced, and the audit log keeps both
    gathering_outcome(by=village_cadre_a, gathering=gathering, outcome="held_simply", actual_size=10)
    outcomes = AuditEvent.objects.filter(action="outreach.gathering_outcome").order_by("pk")
    assert [event.summary["outcome"] for event in outcomes] == ["postponed", "held_simply"]
    assert outcomes.last().summary["before"] == {"outcome": "postponed", "actual_size": None}  # type: ignore[union-attr]


def test_a_plan_must_be_sensible(world: World, village_cadre_a: User) -> None:
    with pytest.raises(ValidationError) as refused:
        funeral(village_cadre_a, world, expected_size=0, family=" ", phone="12", kind="party")
    assert set(refused.value.message_dict) == {"expected_size", "family", "phone", "kind"}
    with pytest.raises(ValidationError) as huge:
        funeral(village_cadre_a, world, expected_size=5000)
    assert "4999" in huge.value.message_dict["expected_size"][0]
    assert not Gathering.objects.exists()


def test_families_are_masked_in_the_list_and_in_full_on_the_page(world: World, village_cadre_a: User) -> None:
    gathering = funeral(village_cadre_a, world)
    client = english_client(village_cadre_a)

    listed = client.get(reverse("outreach:gathering_list")).content.decode()
    assert "马*国" in listed and "马建国" not in listed

    shown = client.get(reverse("outreach:gathering_detail", args=[gathering.pk])).content.decode()
    assert "马建国" in shown and "139****5678" in shown and "13912345678" not in shown
    assert "No banquet" in shown


def test_a_village_sees_only_its_own_gatherings(world: World, village_cadre_a: User, village_cadre_b: User) -> None:
    funeral(village_cadre_a, world)
    theirs = funeral(village_cadre_b, world, org_unit=world.village_b, family="沈家沟老李")
    with pytest.raises(PermissionDenied):
        funeral(village_cadre_a, world, org_unit=world.village_b)
    with pytest.raises(PermissionDenied):
        gathering_outcome(by=village_cadre_a, gathering=theirs, outcome="cancelled")

    client = english_client(village_cadre_a)
    listed = client.get(reverse("outreach:gathering_list"))
    assert [g.org_unit for g in listed.context["page"]] == [world.village_a]
    assert "沈" not in listed.content.decode()
    assert client.get(reverse("outreach:gathering_detail", args=[theirs.pk])).status_code == 404
    posted = client.post(reverse("outreach:gathering_outcome", args=[theirs.pk]), {"outcome": "cancelled"})
    assert posted.status_code == 404
    theirs.refresh_from_db()
    assert theirs.outcome == "planned"


def test_every_write_is_audited_without_the_family_or_the_phone(world: World, village_cadre_a: User) -> None:
    gathering = funeral(village_cadre_a, world)
    gathering_update_plan(
        by=village_cadre_a,
        gathering=gathering,
        kind="funeral",
        family="马建军",
        phone="13912340000",
        planned_on=gathering.planned_on + dt.timedelta(days=7),
        expected_size=20,
        guidance="Postponed a week, 20 at most.",
    )
    gathering_outcome(by=village_cadre_a, gathering=gathering, outcome="scaled_down", actual_size=18)
    events = AuditEvent.objects.filter(action__startswith="outreach.gathering").order_by("pk")
    assert [e.action for e in events] == [
        "outreach.gathering_record",
        "outreach.gathering_update",
        "outreach.gathering_outcome",
    ]
    logged = json.dumps([e.summary for e in events], ensure_ascii=False)
    for secret in ("马建国", "马建军", "13912345678", "13912340000", "马"):
        assert secret not in logged
    assert events[0].summary["family"] == "set" and events[1].summary["family"] == "changed"
    assert events[1].summary["expected_size"] == [80, 20]


def test_the_excel_export_reads_back_and_needs_the_export_permission(
    world: World, county_admin: User, village_cadre_a: User
) -> None:
    gathering = funeral(village_cadre_a, world)
    gathering_outcome(by=village_cadre_a, gathering=gathering, outcome="held_simply", actual_size=12)
    funeral(village_cadre_a, world, kind="wedding", family="王小二", expected_size=200)

    answer = english_client(county_admin).get(reverse("outreach:gathering_export"), {"kind": "funeral"})

    assert answer.status_code == 200
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Planned for", "Unit", "Kind", "Family")
    assert len(rows) == 2 and rows[1][3] == "马建国" and rows[1][7] == 12
    assert AuditEvent.objects.get(action="outreach.export").summary["count"] == 1
    volunteer = factories.account("volunteer", world.village_a)
    assert english_client(volunteer).get(reverse("outreach:gathering_export")).status_code == 403


def test_the_plan_is_changed_on_its_page(world: World, village_cadre_a: User) -> None:
    gathering = funeral(village_cadre_a, world)
    client = english_client(village_cadre_a)
    page = client.get(reverse("outreach:gathering_edit", args=[gathering.pk]))
    assert page.status_code == 200 and "org_unit" not in page.context["form"].fields
    changed = client.post(
        reverse("outreach:gathering_edit", args=[gathering.pk]),
        {
            "kind": "funeral",
            "family": "马建国",
            "phone": "",
            "planned_on": f"{gathering.planned_on:%Y-%m-%d}",
            "expected_size": 30,
            "guidance": "Thirty at most.",
        },
    )
    assert changed.status_code == 302
    gathering.refresh_from_db()
    assert gathering.expected_size == 30 and gathering.phone == ""
