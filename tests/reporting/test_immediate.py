"""Immediate reports: told at once, escalated up the tree when nobody answers, handled and closed on a timeline.

The clock is the tests': every service takes ``now=``. Notifications go to a real
SMTP server and real webhooks on loopback.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django import DjangoCaptureOnCommitCallbacks as Capture

from bastion.core.models import AuditEvent, Notification, OrgUnit, User
from bastion.core.services.notifications import webhook_create
from bastion.reporting.models import ImmediateReport, ImmediateReportEvent, IncidentCategory
from bastion.reporting.services.forms import incident_category_create
from bastion.reporting.services.immediate import (
    immediate_report_acknowledge,
    immediate_report_close,
    immediate_report_file,
    immediate_report_handle,
    immediate_reports_escalate,
)
from tests import factories
from tests.conftest import World
from tests.reporting.conftest import at
from tests.transport import SmtpServer, WebhookServer, smtp_server, webhook_server

__all__ = ["smtp_server", "webhook_server"]  # fixtures, imported for pytest

pytestmark = pytest.mark.django_db

State = ImmediateReport.State
Kind = ImmediateReportEvent.Kind
T0 = at(10)


def minutes(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@dataclass
class Scene:
    """A compound under village A, someone to file there, and the people and robots of each level above."""

    world: World
    compound: OrgUnit
    grid_worker: User  # files at the compound
    village_cadre: User  # scope exactly village A
    township_cadre: User  # scope exactly township A
    county_admin: User  # scope exactly the county
    category: IncidentCategory
    webhooks: WebhookServer


@pytest.fixture
def scene(world: World, township_cadre: User, county_admin: User, webhook_server: WebhookServer) -> Scene:
    compound = factories.unit(world.village_a, "水磨沟一号小区")
    for unit, path in [
        (compound, "/compound"),
        (world.village_a, "/village"),
        (world.township_a, "/township"),
        (world.county, "/county"),
        (world.township_b, "/township-b"),
    ]:
        webhook_create(by=county_admin, org_unit=unit, flavour="wecom", label="防控群", url=webhook_server.url(path))
    return Scene(
        world=world,
        compound=compound,
        grid_worker=factories.account("village_cadre", compound, username="grid"),
        village_cadre=factories.account("village_cadre", world.village_a, username="erin"),
        township_cadre=township_cadre,
        county_admin=county_admin,
        category=incident_category_create(by=None, code="fever", names={"zh-hans": "发热", "en": "Fever"}),
        webhooks=webhook_server,
    )


def file(scene: Scene, capture: Capture, **kwargs: Any) -> ImmediateReport:
    data: dict[str, Any] = {
        "by": scene.grid_worker,
        "org_unit": scene.compound,
        "category": scene.category,
        "description": "3号楼一人发热 38.5℃，已居家隔离",
        "now": T0,
    }
    data.update(kwargs)
    with capture(execute=True):
        return immediate_report_file(**data)


def escalate(capture: Capture, now: dt.datetime) -> int:
    with capture(execute=True):
        return immediate_reports_escalate(now=now)


def told(user: User) -> int:
    return Notification.objects.filter(recipient=user, kind="immediate_report").count()


def posts(scene: Scene, path: str) -> int:
    return len(scene.webhooks.at(path))


def timeline(report: ImmediateReport) -> list[tuple[str, int | None]]:
    return [(event.kind, event.org_unit_id) for event in ImmediateReportEvent.objects.filter(report=report)]


def test_it_waits_for_the_village_and_tells_it_and_the_county_hq_at_once(
    scene: Scene, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    User.objects.filter(pk=scene.county_admin.pk).update(email="hq@example.test")

    report = file(scene, django_capture_on_commit_callbacks)

    assert report.state == State.OPEN
    assert report.waiting_unit == scene.world.village_a
    assert report.escalate_at == minutes(30)
    assert timeline(report) == [(Kind.FILED, scene.compound.pk)]
    assert (told(scene.village_cadre), told(scene.county_admin)) == (1, 1)
    assert (told(scene.township_cadre), told(scene.grid_worker)) == (0, 0)
    scene.webhooks.wait_for(2)
    assert (posts(scene, "/village"), posts(scene, "/county")) == (1, 1)
    assert (posts(scene, "/township"), posts(scene, "/compound")) == (0, 0)
    content = scene.webhooks.at("/county")[0].json["markdown"]["content"]
    assert "水磨沟一号小区" in content
    assert "3号楼一人发热" in content
    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["hq@example.test"]
    assert "水磨沟一号小区" in mail.subject
    assert f"/reporting/immediate/{report.pk}/" in mail.body


def test_it_does_not_tell_an_account_whose_role_may_not_see_immediate_reports(
    scene: Scene, volunteer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    file(scene, django_capture_on_commit_callbacks)

    assert told(scene.village_cadre) == 1
    assert not Notification.objects.filter(recipient=volunteer).exists()  # scoped at village A, read only


def test_it_does_nothing_before_the_escalation_time(scene: Scene, django_capture_on_commit_callbacks: Capture) -> None:
    report = file(scene, django_capture_on_commit_callbacks)

    assert escalate(django_capture_on_commit_callbacks, minutes(29)) == 0

    report.refresh_from_db()
    assert (report.waiting_unit, report.escalations) == (scene.world.village_a, 0)
    assert timeline(report) == [(Kind.FILED, scene.compound.pk)]
    assert told(scene.township_cadre) == 0
    assert posts(scene, "/township") == 0


def test_it_escalates_an_unacknowledged_report_to_the_township_then_the_county_and_stops(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    world = scene.world
    report = file(scene, django_capture_on_commit_callbacks)
    assert scene.category.escalate_after_minutes == 30  # the default

    assert escalate(django_capture_on_commit_callbacks, minutes(30)) == 1
    report.refresh_from_db()
    assert (report.state, report.waiting_unit, report.escalations) == (State.OPEN, world.township_a, 1)
    assert report.escalate_at == minutes(60)
    assert told(scene.township_cadre) == 1
    township_post = scene.webhooks.wait_for(1, path="/township")[0]
    assert "水磨沟一号小区" in township_post.json["markdown"]["content"]
    assert posts(scene, "/township-b") == 0

    assert escalate(django_capture_on_commit_callbacks, minutes(59)) == 0
    assert escalate(django_capture_on_commit_callbacks, minutes(60)) == 1
    report.refresh_from_db()
    assert (report.waiting_unit, report.escalations, report.escalate_at) == (world.county, 2, None)
    assert told(scene.county_admin) == 2  # at filing, and now that it waits for the county
    assert len(scene.webhooks.wait_for(2, path="/county")) == 2

    assert escalate(django_capture_on_commit_callbacks, minutes(600)) == 0
    report.refresh_from_db()
    assert (report.waiting_unit, report.escalations) == (world.county, 2)
    assert timeline(report) == [
        (Kind.FILED, scene.compound.pk),
        (Kind.ESCALATED, world.township_a.pk),
        (Kind.ESCALATED, world.county.pk),
    ]
    assert [event.at for event in report.events.all()] == [T0, minutes(30), minutes(60)]
    assert told(scene.township_cadre) == 1  # told once, when it reached the township
    assert posts(scene, "/township") == 1
    assert AuditEvent.objects.filter(action="immediate.escalate", object_id=str(report.pk)).count() == 2


def test_it_escalates_after_the_minutes_configured_for_the_category(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    urgent = incident_category_create(
        by=None, code="gathering_now", names={"zh-hans": "聚集", "en": "Gathering"}, escalate_after_minutes=10
    )
    report = file(scene, django_capture_on_commit_callbacks, category=urgent)

    assert escalate(django_capture_on_commit_callbacks, minutes(9)) == 0
    assert escalate(django_capture_on_commit_callbacks, minutes(10)) == 1
    report.refresh_from_db()
    assert (report.waiting_unit, report.escalate_at) == (scene.world.township_a, minutes(20))


def test_it_stops_escalating_once_acknowledged(scene: Scene, django_capture_on_commit_callbacks: Capture) -> None:
    report = file(scene, django_capture_on_commit_callbacks)

    report = immediate_report_acknowledge(by=scene.township_cadre, report=report, now=minutes(10))

    assert (report.state, report.acknowledged_by, report.acknowledged_at) == (
        State.ACKNOWLEDGED,
        scene.township_cadre,
        minutes(10),
    )
    assert report.escalate_at is None
    assert escalate(django_capture_on_commit_callbacks, minutes(120)) == 0
    report.refresh_from_db()
    assert report.waiting_unit == scene.world.village_a
    assert timeline(report) == [(Kind.FILED, scene.compound.pk), (Kind.ACKNOWLEDGED, scene.world.village_a.pk)]
    assert told(scene.township_cadre) == 0
    assert posts(scene, "/township") == 0
    assert AuditEvent.objects.filter(action="immediate.acknowledge", actor=scene.township_cadre).count() == 1


def test_it_lets_only_the_level_waited_for_or_one_above_act_once_escalated(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    report = file(scene, django_capture_on_commit_callbacks)
    escalate(django_capture_on_commit_callbacks, minutes(30))
    escalate(django_capture_on_commit_callbacks, minutes(60))

    with pytest.raises(PermissionDenied):
        immediate_report_acknowledge(by=scene.township_cadre, report=report, now=minutes(61))
    report = immediate_report_acknowledge(by=scene.county_admin, report=report, now=minutes(62))

    assert (report.state, report.acknowledged_by) == (State.ACKNOWLEDGED, scene.county_admin)


def test_it_refuses_a_village_cadre_of_another_township(
    scene: Scene, village_cadre_b: User, django_capture_on_commit_callbacks: Capture
) -> None:
    report = file(scene, django_capture_on_commit_callbacks)

    for act in (
        lambda: immediate_report_acknowledge(by=village_cadre_b, report=report, now=minutes(5)),
        lambda: immediate_report_handle(by=village_cadre_b, report=report, text="已处理", now=minutes(5)),
        lambda: immediate_report_close(by=village_cadre_b, report=report, outcome="已处理", now=minutes(5)),
    ):
        with pytest.raises(PermissionDenied):
            act()

    report.refresh_from_db()
    assert (report.state, report.acknowledged_at, report.escalate_at) == (State.OPEN, None, minutes(30))
    assert timeline(report) == [(Kind.FILED, scene.compound.pk)]
    assert not AuditEvent.objects.filter(action__in=["immediate.acknowledge", "immediate.handle", "immediate.close"])


def test_it_is_handled_and_closed_with_an_outcome_on_the_timeline(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    report = file(scene, django_capture_on_commit_callbacks)

    report = immediate_report_handle(by=scene.township_cadre, report=report, text="已派村医上门测温", now=minutes(5))
    assert (report.state, report.acknowledged_by, report.acknowledged_at) == (
        State.HANDLING,
        scene.township_cadre,
        minutes(5),
    )
    assert report.escalate_at is None
    report = immediate_report_close(
        by=scene.township_cadre, report=report, outcome="  复测体温正常，排除疑似  ", now=minutes(50)
    )

    assert (report.state, report.closed_at, report.outcome) == (State.CLOSED, minutes(50), "复测体温正常，排除疑似")
    events = list(report.events.all())
    assert [(e.kind, e.by, e.at, e.text) for e in events] == [
        (Kind.FILED, scene.grid_worker, T0, ""),
        (Kind.HANDLING, scene.township_cadre, minutes(5), "已派村医上门测温"),
        (Kind.CLOSED, scene.township_cadre, minutes(50), "复测体温正常，排除疑似"),
    ]
    assert escalate(django_capture_on_commit_callbacks, minutes(600)) == 0
    with pytest.raises(ValidationError):
        immediate_report_acknowledge(by=scene.township_cadre, report=report, now=minutes(51))
    assert report.events.count() == 3


@pytest.mark.parametrize("outcome", ["", "   "])
def test_it_refuses_to_close_without_an_outcome(
    scene: Scene, outcome: str, django_capture_on_commit_callbacks: Capture
) -> None:
    report = file(scene, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as caught:
        immediate_report_close(by=scene.township_cadre, report=report, outcome=outcome, now=minutes(5))

    assert "outcome" in caught.value.message_dict
    report.refresh_from_db()
    assert (report.state, report.closed_at) == (State.OPEN, None)
    assert timeline(report) == [(Kind.FILED, scene.compound.pk)]


def test_it_refuses_a_handling_step_that_says_nothing(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    report = file(scene, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as caught:
        immediate_report_handle(by=scene.township_cadre, report=report, text=" ", now=minutes(5))

    assert "text" in caught.value.message_dict
    report.refresh_from_db()
    assert report.state == State.OPEN


def test_a_retried_filing_with_the_same_key_returns_the_first_report(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    key = uuid.uuid4()
    first = file(scene, django_capture_on_commit_callbacks, idempotency_key=key)
    scene.webhooks.wait_for(2)

    again = file(scene, django_capture_on_commit_callbacks, idempotency_key=key, now=minutes(1))

    assert again.pk == first.pk
    assert ImmediateReport.objects.count() == 1
    assert ImmediateReportEvent.objects.count() == 1
    assert AuditEvent.objects.filter(action="immediate.file").count() == 1
    assert (told(scene.village_cadre), told(scene.county_admin)) == (1, 1)
    assert len(scene.webhooks.received) == 2
