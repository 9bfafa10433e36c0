"""Checkpoints (卡点): posts, their shifts, passages in and out, and arrivals handed to villages to verify."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.core.crypto import EncryptedTextField, LookupHashField, mask, mask_name
from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry
from bastion.residents.models import Person

ARRIVAL_HOURS = 24


class Post(models.Model):
    class Kind(models.TextChoices):
        BUS_STATION = "bus_station", _("Bus station")
        RAILWAY_STATION = "railway_station", _("Railway station")
        HIGHWAY_EXIT = "highway_exit", _("Highway exit")
        VILLAGE_ROAD = "village_road", _("Village road")
        COMMUNITY_GATE = "community_gate", _("Community gate")
        POLICE_CHECKPOINT = "police_checkpoint", _("Police checkpoint station")
        OTHER = "other", _("Other")

    class Mode(models.TextChoices):
        REGISTER_ALL = "register_all", _("Register everyone")
        EXCEPTIONS = "exceptions", _("Count everyone, register only exceptions")

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hours = models.CharField(_("hours"), max_length=60, blank=True, help_text=_("for example 00:00-24:00"))
    mode = models.CharField(_("registration"), max_length=12, choices=Mode.choices, default=Mode.REGISTER_ALL)
    second_language = models.CharField(_("second language of the poster"), max_length=10, blank=True)
    staff = models.ManyToManyField(
        User,
        blank=True,
        related_name="checkpoint_posts",
        verbose_name=_("staff"),
        help_text=_("who works at this post"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="post_unique_name_per_unit")]

    def __str__(self) -> str:
        return self.name


class RiskArea(models.Model):
    """A configured risk area: passages from it are exceptions and hand their arrivals to the villages."""

    name = models.CharField(_("name"), max_length=100)
    division_code = models.CharField(
        _("division code prefix"), max_length=12, help_text=_("420100 for Wuhan, 42 for all of Hubei")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["division_code"]

    def __str__(self) -> str:
        return self.name


class Passage(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="passages")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the post's unit
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    at = models.DateTimeField(_("time"), db_index=True)
    counted_only = models.BooleanField(default=False, help_text=_("a tap in counting mode: no personal data"))
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="passages")
    name = models.CharField(_("full name"), max_length=100, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_hash = LookupHashField(source="id_number", blank=True, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = LookupHashField(source="phone", blank=True)
    plate = models.CharField(_("vehicle plate"), max_length=10, blank=True)
    from_region = models.CharField(_("coming from"), max_length=100, blank=True)
    from_division_code = models.CharField(_("division code of origin"), max_length=12, blank=True)
    to_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("going to")
    )
    to_outside = models.CharField(_("going to (outside the county)"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    extra = models.JSONField(_("other fields"), default=dict, blank=True)
    is_exception = models.BooleanField(_("exception"), default=False)
    exception_reasons = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    self_registered = models.BooleanField(_("self-registered"), default=False)
    source_hash = models.CharField(
        max_length=64, blank=True, db_index=True
    )  # keyed hash of a self-registrant's address
    confirmation_code = models.CharField(max_length=8, blank=True, db_index=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["post", "at"], name="passage_post_time")]
        permissions = [("view_all_passages", _("Can see the passages of every post in scope, not only one's own"))]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number, keep_start=6, keep_end=4) if self.id_number else ""

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, keep_start=3, keep_end=4) if self.phone else ""


class Arrival(models.Model):
    """An arrival handed to the destination unit to verify within a deadline (闭环); its result flows back."""

    class Result(models.TextChoices):
        PENDING = "pending", _("To verify")
        AT_HOME = "at_home", _("Verified at home")
        NOT_FOUND = "not_found", _("Not found")
        OBSERVATION = "observation", _("Home observation started")

    passage = models.OneToOneField(Passage, on_delete=models.CASCADE, related_name="arrival")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="arrivals", verbose_name=_("unit"))
    due_at = models.DateTimeField(_("verify by"))
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, default=Result.PENDING)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    overdue_report = models.ForeignKey(
        "reporting.ImmediateReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("arrival to verify")
        verbose_name_plural = _("arrivals to verify")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["result", "due_at"], name="arrival_result_due")]

    def __str__(self) -> str:
        return f"{self.passage.masked_name} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_overdue(self) -> bool:
        return self.result == self.Result.PENDING and self.due_at < timezone.now()


def arrival_deadline(at: dt.datetime) -> dt.datetime:
    return at + dt.timedelta(hours=ARRIVAL_HOURS)


class PassageField(ListEntry):
    """An other field of a passage, configured per outbreak (其他登记项): a vaccination, a test result…

    Its code is the key of the value in ``Passage.extra``; a field made inactive is no longer asked for,
    and what passages hold under it is still shown.
    """

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        YES_NO = "yes_no", _("Yes or no")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)

    class Meta(ListEntry.Meta):
        verbose_name = _("other passage field")
        verbose_name_plural = _("other passage fields")
