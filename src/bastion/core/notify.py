"""Delivery of notifications: mail through Django's mail settings, group robots by webhook.

Runs in the background worker after the transaction that created the
notifications has committed; a failed transport is recorded and never undoes
the notification in the app.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from bastion.core.models import Notification, UnitWebhook

log = logging.getLogger(__name__)


def markdown_message(title: str, body: str, link: str) -> str:
    lines = [f"**{title}**", "", body]
    if link:
        lines += ["", f"[{settings.SITE_URL}{link}]({settings.SITE_URL}{link})"]
    return "\n".join(lines).strip()


def webhook_payload(flavour: str, title: str, markdown: str) -> dict[str, Any]:
    """The JSON each group robot accepts for a markdown message."""
    if flavour == UnitWebhook.Flavour.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    if flavour == UnitWebhook.Flavour.FEISHU:
        return {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title}},
                "elements": [{"tag": "markdown", "content": markdown}],
            },
        }
    return {"msgtype": "markdown", "markdown": {"content": markdown}}


def webhook_post(hook: UnitWebhook, title: str, markdown: str) -> str:
    """Post one message; returns what happened, in a few words, for the webhook's page."""
    body = json.dumps(webhook_payload(hook.flavour, title, markdown), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked when the webhook is saved)
        hook.url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310
            status = f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        status = f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        status = f"error: {getattr(exc, 'reason', exc)}"[:200]
    if not status.startswith("HTTP 2"):
        log.warning("webhook %s of unit %s: %s", hook.pk, hook.org_unit_id, status)
    UnitWebhook.objects.filter(pk=hook.pk).update(last_status=status)
    return status


def deliver(notification_ids: list[int], webhook_ids: list[int], message: dict[str, str]) -> None:
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids).select_related("recipient").order_by("pk")
    )
    if settings.EMAIL_HOST:
        mails = [
            EmailMessage(n.title, markdown_message(n.title, n.body, n.link), to=[n.recipient.email])
            for n in notifications
            if n.recipient.email
        ]
        if mails:
            try:
                get_connection(fail_silently=False).send_messages(mails)
            except OSError as exc:
                log.warning("mail for %d notifications not sent: %s", len(mails), exc)
    if webhook_ids:
        markdown = markdown_message(message["title"], message["body"], message["link"])
        for hook in UnitWebhook.objects.filter(pk__in=webhook_ids, is_active=True):
            webhook_post(hook, message["title"], markdown)
