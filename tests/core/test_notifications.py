"""Notifications: the in-app centre, real mail to a local SMTP server, real posts to group robots."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from pytest_django import DjangoCaptureOnCommitCallbacks as Capture

from bastion.core.models import AuditEvent, Notification, OrgUnit, UnitWebhook, User
from bastion.core.services.notifications import notification_send, notifications_mark_read, webhook_create
from tests.conftest import World
from tests.transport import SmtpServer, WebhookServer, smtp_server, unreachable_url, webhook_server

__all__ = ["smtp_server", "unreachable_url", "webhook_server"]  # fixtures, imported for pytest

pytestmark = pytest.mark.django_db


def with_email(user: User, address: str) -> User:
    User.objects.filter(pk=user.pk).update(email=address)
    user.refresh_from_db()
    return user


def hook(by: User, unit: OrgUnit, flavour: str, url: str, label: str = "防控群") -> UnitWebhook:
    return webhook_create(by=by, org_unit=unit, flavour=flavour, label=label, url=url)


def send(capture: Capture, **kwargs: Any) -> list[Notification]:
    """Send as a service would, and run what it leaves for after the commit (mail and webhooks)."""
    with capture(execute=True):
        return notification_send(**kwargs)


def test_it_puts_a_notification_in_each_recipients_centre_and_mails_those_with_an_address(
    world: World,
    county_admin: User,
    township_cadre: User,
    volunteer: User,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with_email(county_admin, "alice@example.test")
    with_email(township_cadre, "bob@example.test")

    created = send(
        django_capture_on_commit_callbacks,
        recipients=[county_admin, township_cadre, volunteer, township_cadre],
        kind="test",
        title="疫情通报",
        body="今日新增返乡人员 3 人。",
        link="/reporting/",
        org_unit=world.township_a,
    )

    assert len(created) == 3  # one each, however often an account is listed
    for user in (county_admin, township_cadre, volunteer):
        assert Notification.objects.filter(recipient=user, read_at=None, title="疫情通报").count() == 1
    mails = smtp_server.wait_for(2)
    assert sorted(address for mail in mails for address in mail.rcpt_tos) == ["alice@example.test", "bob@example.test"]
    mail = smtp_server.to("bob@example.test")[0]
    assert mail.subject == "疫情通报"
    assert mail.mail_from == settings.DEFAULT_FROM_EMAIL
    assert "今日新增返乡人员 3 人。" in mail.body
    assert f"{settings.SITE_URL}/reporting/" in mail.body


def test_it_sends_no_mail_to_an_account_without_an_address(
    world: World, volunteer: User, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    send(django_capture_on_commit_callbacks, recipients=[volunteer], kind="test", title="通知")

    assert Notification.objects.filter(recipient=volunteer).count() == 1
    assert smtp_server.messages == []


def test_it_posts_markdown_to_each_active_webhook_of_the_units_in_the_robots_format(
    world: World,
    county_admin: User,
    webhook_server: WebhookServer,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    hook(county_admin, world.township_a, "wecom", webhook_server.url("/wecom?key=a1"))
    hook(county_admin, world.township_a, "dingtalk", webhook_server.url("/dingtalk?access_token=b2"))
    hook(county_admin, world.township_a, "feishu", webhook_server.url("/feishu/hook/c3"))
    hook(county_admin, world.township_b, "wecom", webhook_server.url("/other-township"))
    retired = hook(county_admin, world.township_a, "wecom", webhook_server.url("/retired"))
    UnitWebhook.objects.filter(pk=retired.pk).update(is_active=False)

    send(
        django_capture_on_commit_callbacks,
        recipients=[],
        kind="test",
        title="疫情通报",
        body="今日新增返乡人员 3 人。",
        link="/reporting/",
        webhook_units=[world.township_a],
    )

    posts = webhook_server.wait_for(3)
    assert sorted(post.path for post in posts) == ["/dingtalk?access_token=b2", "/feishu/hook/c3", "/wecom?key=a1"]
    by_path = {post.path: post for post in posts}
    for post in posts:
        assert post.headers["Content-Type"].startswith("application/json")

    wecom = by_path["/wecom?key=a1"].json
    assert wecom["msgtype"] == "markdown"
    assert set(wecom["markdown"]) == {"content"}
    markdown = wecom["markdown"]["content"]
    assert markdown.startswith("**疫情通报**")
    assert "今日新增返乡人员 3 人。" in markdown
    assert f"({settings.SITE_URL}/reporting/)" in markdown

    assert by_path["/dingtalk?access_token=b2"].json == {
        "msgtype": "markdown",
        "markdown": {"title": "疫情通报", "text": markdown},
    }

    feishu = by_path["/feishu/hook/c3"].json
    assert feishu["msg_type"] == "interactive"
    assert feishu["card"]["header"]["title"] == {"tag": "plain_text", "content": "疫情通报"}
    assert feishu["card"]["elements"] == [{"tag": "markdown", "content": markdown}]

    statuses = UnitWebhook.objects.filter(org_unit=world.township_a, is_active=True).values_list("last_status")
    assert set(statuses) == {("HTTP 200",)}
    assert UnitWebhook.objects.get(pk=retired.pk).last_status == ""


def test_it_records_a_failing_or_unreachable_robot_and_delivers_the_rest(
    world: World,
    county_admin: User,
    township_cadre: User,
    smtp_server: SmtpServer,
    webhook_server: WebhookServer,
    unreachable_url: str,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with_email(township_cadre, "bob@example.test")
    webhook_server.respond("/broken", 500)
    broken = hook(county_admin, world.township_a, "wecom", webhook_server.url("/broken"), label="坏的")
    gone = hook(county_admin, world.township_a, "dingtalk", unreachable_url, label="没了")
    working = hook(county_admin, world.township_a, "feishu", webhook_server.url("/working"), label="好的")

    created = send(
        django_capture_on_commit_callbacks,
        recipients=[township_cadre],
        kind="test",
        title="疫情通报",
        webhook_units=[world.township_a],
    )

    assert len(created) == 1
    assert Notification.objects.filter(recipient=township_cadre).exists()
    assert len(smtp_server.wait_for(1)) == 1
    assert len(webhook_server.wait_for(1, path="/working")) == 1
    assert len(webhook_server.at("/broken")) == 1
    broken.refresh_from_db()
    gone.refresh_from_db()
    working.refresh_from_db()
    assert broken.last_status == "HTTP 500"
    assert gone.last_status.startswith("error:")
    assert working.last_status == "HTTP 200"


def test_it_keeps_the_webhook_address_encrypted_at_rest_and_out_of_the_audit_log(
    world: World, township_cadre: User
) -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0a1b2c3d-secret"

    created = hook(township_cadre, world.village_a, "wecom", url)

    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM core_unitwebhook WHERE id = %s", [created.pk])
        (stored,) = cursor.fetchone()
    assert "0a1b2c3d-secret" not in stored
    assert "qyapi" not in stored
    assert UnitWebhook.objects.get(pk=created.pk).url == url
    event = AuditEvent.objects.get(action="webhook.create", object_id=str(created.pk))
    assert event.summary == {"label": "防控群", "url": "set"}
    assert "0a1b2c3d-secret" not in str(AuditEvent.objects.values_list("summary", flat=True))


@pytest.mark.parametrize("persona", ["village_cadre_b", "township_cadre"])
def test_it_refuses_a_webhook_for_a_unit_outside_the_scope(
    world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    # village_cadre_b works in township B; the township cadre of A may manage webhooks, but not in township B.
    unit = world.village_a if persona == "village_cadre_b" else world.village_b

    with pytest.raises(PermissionDenied):
        hook(user, unit, "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")

    assert not UnitWebhook.objects.exists()
    assert not AuditEvent.objects.filter(action="webhook.create").exists()


@pytest.mark.parametrize(
    "url", ["ftp://robots.example.test/send", "file:///etc/passwd", "javascript:alert(1)", "qyapi.weixin.qq.com/x", ""]
)
def test_it_refuses_an_address_that_is_not_http(world: World, township_cadre: User, url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        hook(township_cadre, world.village_a, "wecom", url)

    assert "url" in caught.value.message_dict
    assert not UnitWebhook.objects.exists()


def test_it_refuses_an_unknown_flavour(world: World, township_cadre: User) -> None:
    with pytest.raises(ValidationError) as caught:
        hook(township_cadre, world.village_a, "slack", "https://hooks.example.test/x")

    assert "flavour" in caught.value.message_dict
    assert not UnitWebhook.objects.exists()


def test_it_marks_only_the_callers_own_notifications_read(
    world: World, county_admin: User, township_cadre: User, django_capture_on_commit_callbacks: Capture
) -> None:
    theirs = send(django_capture_on_commit_callbacks, recipients=[county_admin], kind="test", title="甲")
    mine = send(django_capture_on_commit_callbacks, recipients=[township_cadre], kind="test", title="乙")
    mine += send(django_capture_on_commit_callbacks, recipients=[township_cadre], kind="test", title="丙")

    count = notifications_mark_read(by=township_cadre, notification_ids=[theirs[0].pk, mine[0].pk])

    assert count == 1
    assert Notification.objects.filter(recipient=township_cadre, read_at=None).count() == 1
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None

    assert notifications_mark_read(by=township_cadre) == 1
    assert not Notification.objects.filter(recipient=township_cadre, read_at=None).exists()
    assert Notification.objects.filter(recipient=county_admin, read_at=None).count() == 1
    assert notifications_mark_read(by=township_cadre) == 0
    assert AuditEvent.objects.filter(action="notification.read", actor=township_cadre).count() == 2
