"""In-app notifications, and the group-robot webhooks a unit posts its alerts to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.crypto import EncryptedTextField
from bastion.core.models.accounts import User
from bastion.core.models.orgunits import OrgUnit


class Notification(models.Model):
    """One message to one account; unread until it is opened."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        default_permissions = ()

    def __str__(self) -> str:
        return self.title


class UnitWebhook(models.Model):
    """A group robot (WeCom, DingTalk or Feishu) that receives a unit's alerts as markdown."""

    class Flavour(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        FEISHU = "feishu", _("Feishu group robot")

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="webhooks", verbose_name=_("org unit"))
    flavour = models.CharField(_("kind"), max_length=10, choices=Flavour.choices)
    label = models.CharField(_("name"), max_length=60)
    # The robot's URL carries its secret key: encrypted at rest, never shown in full.
    url = EncryptedTextField(_("webhook address"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_status = models.CharField(_("last delivery"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    @property
    def url_masked(self) -> str:
        head, _sep, _rest = str(self.url).partition("?")
        return head[:40] + "…" if len(head) > 40 else head + ("?…" if _sep else "")
