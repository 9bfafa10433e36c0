"""Duty rosters (值班表): a weekly pattern per post or unit, the shifts it makes day by day, who served.

A ``ShiftPattern`` repeats every week on its weekday; ``roster_materialize`` turns it into ``Shift`` rows
a fortnight ahead. A shift changed for one day (another lead, a member more, cancelled) is an exception
and keeps its change when the pattern is edited. Checkpoint shifts are these shifts, with ``post`` set.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.mobilization.models.people import Responder

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ShiftPattern(models.Model):
    """A shift that comes back every week: weekday, times, lead and members. An end at or before the
    start is on the next day (a night shift)."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    post = models.ForeignKey(
        "checkpoints.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shift_patterns",
        verbose_name=_("checkpoint"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    lead = models.ForeignKey(
        Responder, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("shift lead")
    )
    members = models.ManyToManyField(Responder, blank=True, related_name="shift_patterns", verbose_name=_("members"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("weekly shift")
        verbose_name_plural = _("weekly shifts")
        ordering = ["weekday", "starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class Shift(models.Model):
    """One shift on one day at a post or a unit (带班值班): its lead and members are its turns."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    post = models.ForeignKey(
        "checkpoints.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("checkpoint"),
    )
    pattern = models.ForeignKey(ShiftPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts")
    day = models.DateField(_("day"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_exception = models.BooleanField(_("changed for this day"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "day"], condition=Q(pattern__isnull=False), name="shift_once_per_pattern_day"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"),
        ]
        indexes = [models.Index(fields=["org_unit", "starts_at"], name="shift_unit_start")]

    def __str__(self) -> str:
        where = self.post or self.org_unit
        return f"{where} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def lead_turn(self) -> ShiftTurn | None:
        return next((t for t in self.turns.all() if t.is_lead), None)


class ShiftTurn(models.Model):
    """A responder's turn in a shift: lead or member, checked in and out, or flagged as a no-show."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="turns")
    responder = models.ForeignKey(Responder, on_delete=models.PROTECT, related_name="turns")
    is_lead = models.BooleanField(_("shift lead"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    checked_in_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    no_show_at = models.DateTimeField(_("flagged as no-show"), null=True, blank=True)

    class Meta:
        verbose_name = _("turn")
        verbose_name_plural = _("turns")
        ordering = ["-is_lead", "responder__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["shift", "responder"], name="turn_once_per_shift")]
        indexes = [models.Index(fields=["responder", "checked_in_at"], name="turn_responder_in")]

    def __str__(self) -> str:
        return f"{self.shift} {self.responder.masked_name}"


class SwapRequest(models.Model):
    """A member asks to hand a turn to someone else; the shift's lead (or the unit) approves or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the lead")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    turn = models.ForeignKey(ShiftTurn, on_delete=models.CASCADE, related_name="swap_requests")
    replacement = models.ForeignKey(
        Responder, on_delete=models.PROTECT, related_name="+", verbose_name=_("replaced by")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.turn} → {self.replacement.masked_name}"
