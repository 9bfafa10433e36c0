"""Outreach activities (宣传): what a unit did on a day, by which channel, for whom, reaching how many."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry
from bastion.outreach.models.notices import Notice


class Channel(ListEntry):
    """大喇叭, 流动宣传车, 电话, 微信群, 短信, 横幅, 传单, 电视, 网络, 面对面宣讲…: configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("outreach channel")
        verbose_name_plural = _("outreach channels")


class TargetGroup(ListEntry):
    """居民, 商户, 养殖大户, 返乡人员…: configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Activity(models.Model):
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    on = models.DateField(_("date"))
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel"))
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("target group")
    )
    times = models.PositiveIntegerField(
        _("times"), default=1, help_text=_("For example: the loudspeaker car ran twice.")
    )
    reach = models.PositiveIntegerField(_("reach (person-times)"))
    materials = models.CharField(_("materials used"), max_length=200, blank=True)
    notice = models.ForeignKey(
        Notice, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities", verbose_name=_("notice")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["org_unit", "on"]), models.Index(fields=["on", "channel"])]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.channel} {self.reach}"
