"""Report forms configured by HQ admins: indicators, levels, period and deadline, versioned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit
from bastion.core.names import localized


class ReportForm(models.Model):
    """A form such as the daily report (日报告), owned by the unit whose HQ defines it.

    Every unit below ``owner_unit`` whose kind is in ``levels`` files it once per
    period. Adding or retiring an indicator raises ``version``; each report keeps
    the version it was filed against, so earlier reports stay valid and readable.
    """

    class Period(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly (Monday to Sunday)")

    owner_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("name"), default=dict)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.DAILY)
    deadline = models.TimeField(_("deadline (local time)"), default=dt.time(18, 0))
    levels = models.JSONField(_("levels that file"), default=list)
    remind_before_minutes = models.PositiveSmallIntegerField(_("remind this many minutes before"), default=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.names) or self.code

    def period_start(self, day: dt.date) -> dt.date:
        """The first day of the period that contains ``day``."""
        if self.period == self.Period.WEEKLY:
            return day - dt.timedelta(days=day.weekday())
        return day

    def period_end(self, start: dt.date) -> dt.date:
        return start + dt.timedelta(days=6) if self.period == self.Period.WEEKLY else start


class Indicator(models.Model):
    class ValueType(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        BOOLEAN = "boolean", _("Yes or no")
        TEXT = "text", _("Short text")

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    names = models.JSONField(_("name"), default=dict)
    value_type = models.CharField(_("type"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(_("minimum"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("filled in from"), max_length=60, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    added_in = models.PositiveIntegerField(_("added in version"), default=1)
    retired_in = models.PositiveIntegerField(_("retired in version"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="indicator_unique_code_per_form")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.names) or self.code

    @property
    def is_numeric(self) -> bool:
        return self.value_type != self.ValueType.TEXT

    def in_version(self, version: int) -> bool:
        return self.added_in <= version and (self.retired_in is None or self.retired_in > version)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        if self.value_type == self.ValueType.BOOLEAN:
            return Decimal(0), Decimal(1)
        return self.min_value, self.max_value
