"""Notices (通知公告) in every language the unit chooses, published for a while, every change kept."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User


class Notice(models.Model):
    """``texts`` holds the current version: {language code: {"title": ..., "body": ...}}; Chinese is required."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="notices", verbose_name=_("publishing unit")
    )
    texts = models.JSONField(_("texts"), default=dict)
    audience = models.CharField(_("audience"), max_length=100, blank=True)
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    withdraw_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["org_unit", "publish_at"])]

    def __str__(self) -> str:
        return str(self.texts.get("zh-hans", {}).get("title", "")) or f"#{self.pk}"


class NoticeVersion(models.Model):
    """A notice as it stood at each change: texts and publication times, who changed it and when."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    texts = models.JSONField(_("texts"), default=dict)
    audience = models.CharField(_("audience"), max_length=100, blank=True)
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    withdraw_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version of a notice")
        verbose_name_plural = _("versions of notices")
        ordering = ["notice", "-number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="notice_version_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id} v{self.number}"
