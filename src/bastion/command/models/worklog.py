"""The work log (工作日志) of a command post: drafted from the day, edited, signed, then only amended."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.command.models.structure import CommandPost
from bastion.core.models import User


class WorkLog(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED = "signed", _("signed")

    command_post = models.ForeignKey(CommandPost, on_delete=models.PROTECT, related_name="work_logs")
    day = models.DateField(_("day"))
    body = models.TextField(_("log"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    edited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-day", "command_post"]
        permissions = [("sign_worklog", _("Can sign a work log"))]
        constraints = [models.UniqueConstraint(fields=["command_post", "day"], name="worklog_unique_day")]

    def __str__(self) -> str:
        return f"{self.command_post} {self.day:%Y-%m-%d}"


class WorkLogAmendment(models.Model):
    """A change to a signed log: the signed text is never touched."""

    log = models.ForeignKey(WorkLog, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("amendment"))
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["log", "at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
