"""Immediate reports (时时报): what cannot wait goes up at once and climbs until someone answers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry

DEFAULT_ESCALATION_MINUTES = 30


class IncidentCategory(ListEntry):
    escalate_after_minutes = models.PositiveSmallIntegerField(
        _("escalate when unacknowledged for (minutes)"), default=DEFAULT_ESCALATION_MINUTES
    )

    class Meta(ListEntry.Meta):
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")


class ImmediateReport(models.Model):
    class Severity(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        SERIOUS = "serious", _("Serious")
        CRITICAL = "critical", _("Critical")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        HANDLING = "handling", _("Being handled")
        CLOSED = "closed", _("Closed")

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    category = models.ForeignKey(
        IncidentCategory, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.SERIOUS)
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.TextField(_("what happened"))
    persons_involved = models.CharField(_("persons involved"), max_length=300, blank=True)
    state = models.CharField(_("status"), max_length=15, choices=State.choices, default=State.OPEN)
    # The level that has to acknowledge: the parent unit at first, one level higher at each escalation.
    waiting_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("waiting for"))
    escalate_at = models.DateTimeField(_("escalates at"), null=True, blank=True, db_index=True)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("filed by")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("acknowledged by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("immediate report")
        verbose_name_plural = _("immediate reports")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.category} · {self.org_unit}"


class ImmediateReportEvent(models.Model):
    """One step on an immediate report's timeline."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        ESCALATED = "escalated", _("Escalated")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        HANDLING = "handling", _("Handling")
        CLOSED = "closed", _("Closed")

    report = models.ForeignKey(ImmediateReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("step"), max_length=15, choices=Kind.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.kind}"
