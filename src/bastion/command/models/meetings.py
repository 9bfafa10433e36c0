"""The work rhythm: meetings of configurable kinds, who attended, what was decided."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.command.models.structure import CommandPost, PostMember, WorkingGroup
from bastion.core.models import User
from bastion.core.models.lists import ListEntry


class MeetingKind(ListEntry):
    """周例会, 随时调度, 日分析, 早派工, 晚研判, 碰头会…: configurable, with the usual time."""

    class Material(models.TextChoices):
        NONE = "", _("nothing gathered")
        DISPATCH = "dispatch", _("morning dispatch: open items and yesterday's figures")
        REVIEW = "review", _("evening review: the day's results against the morning's assignments")

    usual_time = models.TimeField(_("usual time"), null=True, blank=True)
    material = models.CharField(
        _("material gathered"), max_length=10, choices=Material.choices, default=Material.NONE, blank=True
    )

    class Meta(ListEntry.Meta):
        verbose_name = _("meeting kind")
        verbose_name_plural = _("meeting kinds")


class Meeting(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("meeting", "open")
        CLOSED = "closed", pgettext_lazy("meeting", "closed")

    command_post = models.ForeignKey(CommandPost, on_delete=models.PROTECT, related_name="meetings")
    kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-starts_at", "-pk"]
        indexes = [models.Index(fields=["command_post", "held_on"])]

    def __str__(self) -> str:
        return self.title or f"{self.kind} {self.held_on:%Y-%m-%d}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(PostMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    present = models.BooleanField(_("present"), default=True)
    absence_reason = models.CharField(_("reason of absence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "member__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique_member")]

    def __str__(self) -> str:
        return str(self.member)


class Decision(models.Model):
    """What a meeting decided; each becomes an action item, and a funds decision a budget allocation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working group"),
    )
    amount = models.DecimalField(_("amount allocated (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    fund_entry = models.OneToOneField(
        "supplies.FundEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
