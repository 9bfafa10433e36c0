"""Reminders for the daily report (due 18:00, reminded from 17:00): villages, then the township above.

The clock is the tests' (``now=``); reminders go out by real mail and real webhooks on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks as Capture

from bastion.core.models import Notification, OrgUnit, User
from bastion.core.services.notifications import webhook_create
from bastion.reporting.models import ReminderSent, ReportForm
from bastion.reporting.services.filing import report_submit
from bastion.reporting.services.reminders import reminders_send
from tests import factories
from tests.conftest import World
from tests.reporting.conftest import DAY, at, daily_form
from tests.transport import SmtpServer, WebhookServer, smtp_server, webhook_server

__all__ = ["smtp_server", "webhook_server"]  # fixtures, imported for pytest

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    """Two villages in township A and one in township B, each with a cadre who has an e-mail address and a robot."""

    world: World
    form: ReportForm
    village_a2: OrgUnit
    cadre_a: User  # village A
    cadre_a2: User  # the second village of township A
    cadre_b: User  # village B
    township_a: User
    township_b: User
    smtp: SmtpServer
    webhooks: WebhookServer


def with_email(user: User, address: str) -> User:
    User.objects.filter(pk=user.pk).update(email=address)
    user.refresh_from_db()
    return user


@pytest.fixture
def scene(
    world: World,
    county_admin: User,
    township_cadre: User,
    village_cadre_b: User,
    smtp_server: SmtpServer,
    webhook_server: WebhookServer,
) -> Scene:
    village_a2 = factories.unit(world.township_a, "大石头村", division_code="652328101201")
    for unit, path in [
        (world.village_a, "/village-a"),
        (village_a2, "/village-a2"),
        (world.village_b, "/village-b"),
        (world.township_a, "/township-a"),
        (world.township_b, "/township-b"),
        (world.county, "/county"),
    ]:
        webhook_create(by=county_admin, org_unit=unit, flavour="dingtalk", label="防控群", url=webhook_server.url(path))
    return Scene(
        world=world,
        form=daily_form(world.county),
        village_a2=village_a2,
        cadre_a=with_email(factories.account("village_cadre", world.village_a, username="erin"), "erin@example.test"),
        cadre_a2=with_email(factories.account("village_cadre", village_a2, username="gina"), "gina@example.test"),
        cadre_b=with_email(village_cadre_b, "charlie@example.test"),
        township_a=with_email(township_cadre, "bob@example.test"),
        township_b=with_email(
            factories.account("township_cadre", world.township_b, username="frank"), "frank@example.test"
        ),
        smtp=smtp_server,
        webhooks=webhook_server,
    )


def remind(capture: Capture, hour: int, minute: int = 0) -> int:
    with capture(execute=True):
        return reminders_send(now=at(hour, minute))


def notes(user: User, kind: str = "report_reminder") -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id"))


def mails(scene: Scene, address: str) -> int:
    return len(scene.smtp.to(address))


def posts(scene: Scene, path: str) -> int:
    return len(scene.webhooks.at(path))


def test_it_sends_nothing_before_the_reminder_time(scene: Scene, django_capture_on_commit_callbacks: Capture) -> None:
    assert remind(django_capture_on_commit_callbacks, 16) == 0

    assert not Notification.objects.exists()
    assert not ReminderSent.objects.exists()
    assert scene.smtp.messages == []
    assert scene.webhooks.received == []


def test_it_reminds_each_village_that_has_not_filed_before_the_deadline(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    assert remind(django_capture_on_commit_callbacks, 17, 15) == 3

    for cadre in (scene.cadre_a, scene.cadre_a2, scene.cadre_b):
        (note,) = notes(cadre)
        assert "18:00" in note.title
        assert f"/reporting/forms/{scene.form.pk}/units/" in note.link
        assert note.link.endswith(f"?period={DAY.isoformat()}")
    scene.smtp.wait_for(3)
    for address in ("erin@example.test", "gina@example.test", "charlie@example.test"):
        assert mails(scene, address) == 1
    assert "水磨沟村" in scene.smtp.to("erin@example.test")[0].body
    scene.webhooks.wait_for(3)
    assert (posts(scene, "/village-a"), posts(scene, "/village-a2"), posts(scene, "/village-b")) == (1, 1, 1)
    dingtalk = scene.webhooks.at("/village-a")[0].json
    assert dingtalk["msgtype"] == "markdown"
    assert "18:00" in dingtalk["markdown"]["title"]
    assert "水磨沟村" in dingtalk["markdown"]["text"]
    # Before the deadline the level above is not bothered yet.
    assert notes(scene.township_a, "report_missing") == []
    assert (posts(scene, "/township-a"), posts(scene, "/township-b"), posts(scene, "/county")) == (0, 0, 0)
    assert mails(scene, "bob@example.test") == 0


def test_it_reminds_again_after_the_deadline_and_tells_the_township_which_villages_are_missing(
    scene: Scene, django_capture_on_commit_callbacks: Capture
) -> None:
    remind(django_capture_on_commit_callbacks, 17, 15)

    assert remind(django_capture_on_commit_callbacks, 18, 5) == 3

    for cadre in (scene.cadre_a, scene.cadre_a2, scene.cadre_b):
        assert len(notes(cadre)) == 2  # before and after
    (missing_a,) = notes(scene.township_a, "report_missing")
    assert "大石头村" in missing_a.body
    assert "水磨沟村" in missing_a.body
    assert "沈家沟村" not in missing_a.body
    assert missing_a.org_unit == scene.world.township_a
    (missing_b,) = notes(scene.township_b, "report_missing")
    assert "沈家沟村" in missing_b.body
    assert "水磨沟村" not in missing_b.body
    scene.smtp.wait_for(3 + 3 + 2)  # villages before, villages after, the two townships
    bob_mail = scene.smtp.to("bob@example.test")
    assert len(bob_mail) == 1
    assert "水磨沟村" in bob_mail[0].body
    assert "大石头村" in bob_mail[0].body
    assert mails(scene, "frank@example.test") == 1
    assert mails(scene, "erin@example.test") == 2
    (township_post,) = scene.webhooks.wait_for(1, path="/township-a")
    assert "水磨沟村" in township_post.json["markdown"]["text"]
    assert "大石头村" in township_post.json["markdown"]["text"]
    assert len(scene.webhooks.wait_for(1, path="/township-b")) == 1
    assert posts(scene, "/village-a") == 2
    assert posts(scene, "/county") == 0  # the level directly above the villages is told, not the whole chain


@pytest.mark.parametrize("when", [(17, 15), (18, 5)])
def test_it_sends_nothing_more_when_run_again(
    scene: Scene, when: tuple[int, int], django_capture_on_commit_callbacks: Capture
) -> None:
    first = remind(django_capture_on_commit_callbacks, *when)
    scene.smtp.wait_for(1)
    sent = (Notification.objects.count(), len(scene.smtp.messages), len(scene.webhooks.received))

    assert first > 0
    assert remind(django_capture_on_commit_callbacks, *when) == 0
    assert remind(django_capture_on_commit_callbacks, when[0], when[1] + 5) == 0

    assert (Notification.objects.count(), len(scene.smtp.messages), len(scene.webhooks.received)) == sent


def test_it_leaves_a_village_that_filed_alone(scene: Scene, django_capture_on_commit_callbacks: Capture) -> None:
    report_submit(
        by=scene.cadre_b, form=scene.form, org_unit=scene.world.village_b, period=DAY, is_zero=True, now=at(12)
    )

    assert remind(django_capture_on_commit_callbacks, 17, 15) == 2
    assert remind(django_capture_on_commit_callbacks, 18, 5) == 2

    assert not Notification.objects.filter(recipient__in=[scene.cadre_b, scene.township_b]).exists()
    assert (mails(scene, "charlie@example.test"), mails(scene, "frank@example.test")) == (0, 0)
    assert (posts(scene, "/village-b"), posts(scene, "/township-b")) == (0, 0)
    assert len(notes(scene.cadre_a)) == 2
    assert len(notes(scene.township_a, "report_missing")) == 1


def test_it_does_not_remind_an_account_whose_role_may_not_file(
    scene: Scene, volunteer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    remind(django_capture_on_commit_callbacks, 17, 15)
    remind(django_capture_on_commit_callbacks, 18, 5)

    assert len(notes(scene.cadre_a)) == 2
    assert not Notification.objects.filter(recipient=volunteer).exists()  # scoped at village A, read only
