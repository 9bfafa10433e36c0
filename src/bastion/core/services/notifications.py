"""Notifications to accounts and units, and the units' group-robot webhooks."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import Notification, OrgUnit, UnitWebhook, User
from bastion.core.scope import unit_in_scope
from bastion.core.services.audit import audit_record


def notification_send(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    org_unit: OrgUnit | None = None,
    webhook_units: Iterable[OrgUnit] = (),
) -> list[Notification]:
    """Put a notification in each recipient's centre; mail and webhooks go out after commit."""
    unique = {user.pk: user for user in recipients if user.is_active}
    created = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, title=title[:200], body=body, link=link, org_unit=org_unit)
        for user in unique.values()
    )
    notification_ids = [n.pk for n in created]
    webhook_ids = list(
        UnitWebhook.objects.filter(org_unit__in=list(webhook_units), is_active=True).values_list("pk", flat=True)
    )
    if notification_ids or webhook_ids:
        from bastion.core.tasks import notification_deliver_task

        message = {"title": title[:200], "body": body, "link": link}
        transaction.on_commit(lambda: notification_deliver_task(notification_ids, webhook_ids, message))
    return created


@transaction.atomic
def notifications_mark_read(*, by: User, notification_ids: list[int] | None = None) -> int:
    """Mark the caller's own notifications read: the listed ones, or all."""
    unread = Notification.objects.filter(recipient=by, read_at=None)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    count = unread.update(read_at=timezone.now())
    if count:
        audit_record(by=by, action="notification.read", object_type="core.notification", summary={"count": count})
    return count


def _require_webhooks(by: User, perm: str, unit: OrgUnit) -> None:
    if not by.has_perm(f"core.{perm}") or not unit_in_scope(by, unit):
        raise PermissionDenied(_("You may not change this unit's webhooks."))


def _validate_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError({"url": _("Give the full address of the robot, starting with https://.")})
    return url


@transaction.atomic
def webhook_create(*, by: User, org_unit: OrgUnit, flavour: str, label: str, url: str) -> UnitWebhook:
    _require_webhooks(by, "add_unitwebhook", org_unit)
    if flavour not in UnitWebhook.Flavour.values:
        raise ValidationError({"flavour": _("Choose WeCom, DingTalk or Feishu.")})
    if not label.strip():
        raise ValidationError({"label": _("Give the webhook a name, for example the group's name.")})
    hook = UnitWebhook.objects.create(org_unit=org_unit, flavour=flavour, label=label.strip(), url=_validate_url(url))
    # The address holds the robot's key: the audit log records that it was set, not what it is.
    audit_record(
        by=by, action="webhook.create", obj=hook, org_unit=org_unit, summary={"label": hook.label, "url": "set"}
    )
    return hook


@transaction.atomic
def webhook_delete(*, by: User, webhook: UnitWebhook) -> None:
    _require_webhooks(by, "delete_unitwebhook", webhook.org_unit)
    audit_record(
        by=by, action="webhook.delete", obj=webhook, org_unit=webhook.org_unit, summary={"label": webhook.label}
    )
    webhook.delete()


def webhook_test(*, by: User, webhook: UnitWebhook) -> str:
    """Post a test message now and say what the robot answered."""
    from bastion.core.notify import markdown_message, webhook_post

    _require_webhooks(by, "change_unitwebhook", webhook.org_unit)
    title = _("Bastion test message")
    body = _("Notifications for %(unit)s will arrive in this group.") % {"unit": webhook.org_unit.display_name}
    status = webhook_post(webhook, title, markdown_message(title, body, ""))
    audit_record(by=by, action="webhook.test", obj=webhook, org_unit=webhook.org_unit, summary={"status": status})
    return status
