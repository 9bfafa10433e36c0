"""Live figures: one row per unit, day and figure, kept up to date by the services as they write."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit


class DailyFigure(models.Model):
    """The change of a figure at a unit on a day. A flow (passages in) is the day's count; a level (people under
    observation) is kept as its changes, and its value on a day is the sum of the changes up to that day. A
    unit's row holds its whole subtree's figure (each write adds to the unit and every unit above it)."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    key = models.CharField(max_length=60)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [models.UniqueConstraint(fields=["org_unit", "day", "key"], name="daily_figure_unique")]
        indexes = [models.Index(fields=["key", "day"])]

    def __str__(self) -> str:
        return f"{self.key} {self.org_unit_id} {self.day}: {self.value}"


class Briefing(models.Model):
    """A daily briefing (每日简报) of a unit for a day, as generated: kept as filed, PDF and Excel."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    day = models.DateField(_("day"))
    pdf = models.FileField(_("PDF"), upload_to="briefings/%Y/%m/")
    xlsx = models.FileField(_("Excel"), upload_to="briefings/%Y/%m/")
    created_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily briefing")
        verbose_name_plural = _("daily briefings")
        ordering = ["-day", "-created_at"]
        indexes = [models.Index(fields=["org_unit", "day"])]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.day:%Y-%m-%d}"
