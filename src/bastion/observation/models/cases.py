"""Home observation (居家观察) and centralised isolation: cases, their health checks and their timeline."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.models.lists import ListEntry
from bastion.residents.models import Person, Symptom

DEFAULT_DAYS = 14
DEFAULT_CHECK_TIMES = "08:00,20:00"


class ObservationReason(ListEntry):
    """Why a person is observed; each reason carries the outbreak's default period for it."""

    default_days = models.PositiveSmallIntegerField(_("default period (days)"), default=DEFAULT_DAYS)

    class Meta(ListEntry.Meta):
        verbose_name = _("observation reason")
        verbose_name_plural = _("observation reasons")


class IsolationSite(models.Model):
    """A centralised isolation site (集中隔离点): a registered place with rooms and a capacity."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="isolation_sites")
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=200, blank=True)
    rooms = models.PositiveIntegerField(_("rooms"), default=0)
    capacity = models.PositiveIntegerField(_("capacity (persons)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("isolation site")
        verbose_name_plural = _("isolation sites")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="isolation_site_unique_name")]

    def __str__(self) -> str:
        return self.name


class ObservationCase(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Under observation")
        RELEASED = "released", _("Released")
        REFERRED = "referred", _("Referred to hospital")
        TRANSFERRED = "transferred", _("Transferred to another unit")

    class Place(models.TextChoices):
        HOME = "home", _("At home")
        SITE = "site", _("Isolation site")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="observation_cases")
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="observation_cases", verbose_name=_("responsible unit")
    )
    reason = models.ForeignKey(
        ObservationReason, on_delete=models.PROTECT, related_name="cases", verbose_name=_("reason")
    )
    place = models.CharField(_("place"), max_length=10, choices=Place.choices, default=Place.HOME)
    site = models.ForeignKey(
        IsolationSite, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("site")
    )
    room = models.CharField(_("room"), max_length=30, blank=True)
    start_date = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    check_times = models.CharField(
        _("check times"), max_length=60, default=DEFAULT_CHECK_TIMES, help_text=_("HH:MM, separated by commas")
    )
    cadre = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("responsible cadre")
    )
    doctor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("doctor")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    release_note = models.TextField(_("release note"), blank=True)
    visit = models.OneToOneField(
        "residents.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="observation_case"
    )
    opened_at = models.DateTimeField(_("opened"))
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("observation case")
        verbose_name_plural = _("observation cases")
        ordering = ["-start_date", "-pk"]
        permissions = [("release_observationcase", _("Can release, extend, refer and transfer cases"))]
        indexes = [models.Index(fields=["status", "org_unit"], name="observation_status_unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="active"), name="observation_one_active_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.masked_name} {self.start_date:%Y-%m-%d}"

    @property
    def times(self) -> list[str]:
        return self.check_times.split(",")

    @property
    def day_number(self) -> int:
        """Day 1 is the start date."""
        return (timezone.localdate() - self.start_date).days + 1

    @property
    def is_due_to_end(self) -> bool:
        return self.status == self.Status.ACTIVE and self.planned_end <= timezone.localdate()

    @property
    def days(self) -> int:
        return (self.planned_end - self.start_date).days + 1


class HealthCheck(models.Model):
    case = models.ForeignKey(ObservationCase, on_delete=models.CASCADE, related_name="checks")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken at"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.ManyToManyField(Symptom, blank=True, related_name="+", verbose_name=_("symptoms"))
    self_reported = models.BooleanField(_("self-reported"), default=False)
    taken_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    out_of_range = models.BooleanField(default=False)
    raised_alert = models.BooleanField(default=False)
    alert = models.ForeignKey(
        "reporting.ImmediateReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["-taken_at"]
        indexes = [
            models.Index(fields=["case", "taken_at"], name="observation_check_case_time"),
            models.Index(fields=["taken_at"], condition=models.Q(raised_alert=True), name="observation_check_alerts"),
        ]

    def __str__(self) -> str:
        return f"{self.temperature} °C {self.taken_at:%Y-%m-%d %H:%M}"


class Referral(models.Model):
    """A hand-over to a designated hospital (定点救治医院); the hospital acknowledges receiving the person."""

    class Transport(models.TextChoices):
        AMBULANCE = "ambulance", _("Ambulance (120)")
        DEDICATED = "dedicated", _("Dedicated vehicle")
        OTHER = "other", _("Other")

    case = models.OneToOneField(ObservationCase, on_delete=models.CASCADE, related_name="referral")
    hospital = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("hospital"))
    transport = models.CharField(_("transport"), max_length=12, choices=Transport.choices)
    handover = models.TextField(_("hand-over note"))
    referred_at = models.DateTimeField(_("referred at"))
    referred_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_by = models.CharField(_("received by (at the hospital)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.hospital} {self.referred_at:%Y-%m-%d}"


class CaseEvent(models.Model):
    """The case's timeline: opened, extended, referred, acknowledged, transferred, released."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        EXTENDED = "extended", _("Extended")
        REFERRED = "referred", _("Referred to hospital")
        ACKNOWLEDGED = "acknowledged", _("Received by the hospital")
        TRANSFERRED = "transferred", _("Transferred")
        RELEASED = "released", _("Released")

    case = models.ForeignKey(ObservationCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True)
    from_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
