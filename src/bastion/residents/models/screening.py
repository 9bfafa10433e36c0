"""Door-to-door screening (地毯式排查): campaigns verified in rounds, one visit task per targeted person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry
from bastion.residents.models.persons import CategoryTag, Person

DEFAULT_ROUNDS = 4
FEVER_FROM = 37.3


class Symptom(ListEntry):
    """The symptom checklist, shared by screening visits and health checks; configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("symptom")
        verbose_name_plural = _("symptoms")


class Campaign(models.Model):
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("area"))
    name = models.CharField(_("name"), max_length=150)
    tags = models.ManyToManyField(
        CategoryTag,
        blank=True,
        related_name="campaigns",
        verbose_name=_("categories"),
        help_text=_("Persons with any of these categories; none chosen means everyone."),
    )
    arrived_from = models.DateField(_("arrived on or after"), null=True, blank=True)
    arrived_until = models.DateField(_("arrived on or before"), null=True, blank=True)
    round_count = models.PositiveSmallIntegerField(_("verification rounds"), default=DEFAULT_ROUNDS)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ScreeningRound(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Not opened")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Completed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="round_number_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"


class Outcome(models.TextChoices):
    NO_RISK = "no_risk", _("No risk")
    HOME_OBSERVATION = "home_observation", _("Home observation")
    REFERRAL = "referral", _("Referred to hospital")
    NOT_FOUND = "not_found", _("Not found")
    MOVED_AWAY = "moved_away", _("Moved away")


ACCOUNTED = (Outcome.NO_RISK, Outcome.HOME_OBSERVATION, Outcome.REFERRAL, Outcome.MOVED_AWAY)


class VisitTask(models.Model):
    """One targeted person in one round, at the unit now answerable for the visit.

    The task is accounted for when its outcome is one of ``ACCOUNTED`` or an exception is explained;
    "not found" keeps it open. A move inside the area hands the task to the destination unit.
    """

    round = models.ForeignKey(ScreeningRound, on_delete=models.CASCADE, related_name="tasks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visit_tasks")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="visit_tasks")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    visited_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    handed_from = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    moved_outside = models.CharField(_("now lives outside the area at"), max_length=200, blank=True)
    exception_reason = models.CharField(_("explained exception"), max_length=300, blank=True)
    awaiting_observation = models.BooleanField(default=False)
    accounted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("visit task")
        verbose_name_plural = _("visit tasks")
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="task_once_per_round")]
        indexes = [models.Index(fields=["round", "accounted"])]

    def __str__(self) -> str:
        return f"{self.round} {self.person_id}"


class Visit(models.Model):
    class Method(models.TextChoices):
        DOOR = "door", _("Door to door")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")

    task = models.ForeignKey(VisitTask, on_delete=models.CASCADE, related_name="visits")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("visited by"))
    at = models.DateTimeField(_("at"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.DOOR)
    found = models.BooleanField(_("seen"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.ManyToManyField(Symptom, blank=True, related_name="+", verbose_name=_("symptoms"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    moved_to = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    moved_outside = models.CharField(_("moved to (outside the area)"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-at"]
        indexes = [models.Index(fields=["org_unit", "at"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.at:%Y-%m-%d %H:%M}"
