"""Filed reports and their values: one row per unit, period and indicator."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.reporting.models.forms import Indicator, ReportForm


class Status(models.TextChoices):
    """What a unit's report for a period is; ``missing`` is computed, never stored."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    ZERO = "zero", _("Zero report")
    MISSING = "missing", _("Missing")


class Report(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="reports", verbose_name=_("form"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("org unit"))
    period = models.DateField(_("period"))
    form_version = models.PositiveIntegerField(_("form version"))
    is_zero = models.BooleanField(_("zero report"), default=False)
    is_late = models.BooleanField(_("late"), default=False)
    submitted_at = models.DateTimeField(_("filed at"))
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("filed by")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["form", "org_unit", "period"], name="report_unique_per_unit_period")
        ]
        indexes = [models.Index(fields=["form", "period"])]
        permissions = [
            ("edit_late_report", _("Can change a report after its deadline")),
            ("export_report", _("Can export report figures")),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.org_unit} {self.period}"

    @property
    def status(self) -> Status:
        if self.is_zero:
            return Status.ZERO
        return Status.LATE if self.is_late else Status.ON_TIME


class ReportValue(models.Model):
    """One figure; unit and period are copied from the report so totals are one aggregate query."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    period = models.DateField()
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.CharField(max_length=200, blank=True)
    source_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    override_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reportvalue_unique_per_indicator")]
        indexes = [models.Index(fields=["indicator", "period"])]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.number if self.number is not None else self.text}"


class ReminderSent(models.Model):
    """A reminder already sent for a unit, form, period and stage: the periodic job never sends it twice."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        AFTER = "after", _("After the deadline")
        PARENT = "parent", _("To the level above")

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    stage = models.CharField(max_length=10, choices=Stage.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "org_unit", "period", "stage"], name="reminder_sent_once")
        ]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.form_id} {self.org_unit_id} {self.period} {self.stage}"
