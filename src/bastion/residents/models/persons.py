"""The person register: one record per person, households and ten-household groups, travel entries.

No field records ethnicity, religion, opinions or any trait outside the epidemic's purpose.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.crypto import EncryptedTextField, LookupHashField, mask, mask_name
from bastion.core.models import OrgUnit
from bastion.core.models.lists import ListEntry


class CategoryTag(ListEntry):
    """An epidemiological category (returning college student, migrant worker…), configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("category tag")
        verbose_name_plural = _("category tags")


class Household(models.Model):
    """A household (户): its members are the persons pointing at it; its unit may be a ten-household group."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="households", verbose_name=_("org unit")
    )
    address = models.CharField(_("household address"), max_length=200)
    head = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of household"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["org_unit__path", "address"]

    def __str__(self) -> str:
        return self.address


class GroupHead(models.Model):
    """The head of a ten-household group or building (十户长, 楼栋长): a unit of that kind and a person."""

    org_unit = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, related_name="group_head", verbose_name=_("group")
    )
    person = models.ForeignKey("Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("group head"))

    class Meta:
        verbose_name = _("group head")
        verbose_name_plural = _("group heads")

    def __str__(self) -> str:
        return f"{self.org_unit} {self.person}"


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="persons", verbose_name=_("lives in"))
    name = models.CharField(_("full name"), max_length=100)
    name_initials = models.CharField(max_length=100, editable=False, db_index=True)
    name_pinyin = models.CharField(max_length=300, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_hash = LookupHashField(source="id_number", null=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = LookupHashField(source="phone", blank=True, db_index=True)
    address = models.CharField(_("home address"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    tags = models.ManyToManyField(CategoryTag, blank=True, related_name="persons", verbose_name=_("categories"))
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["org_unit__path", "address", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=models.Q(merged_into__isnull=True), name="person_one_record_per_id"
            )
        ]
        indexes = [models.Index(fields=["name"], name="person_name")]
        permissions = [
            ("reveal_personal_data", _("Can reveal a person's ID and phone number")),
            ("export_person", _("Can export persons with their personal data")),
            ("merge_person", _("Can merge duplicate person records")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number, keep_start=6, keep_end=4)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone)


class TravelEntry(models.Model):
    class Mode(models.TextChoices):
        TRAIN = "train", _("Train")
        FLIGHT = "flight", _("Flight")
        BUS = "bus", _("Bus")
        CAR = "car", _("Car")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="travels", verbose_name=_("person"))
    from_region = models.CharField(_("came from"), max_length=100)
    from_division_code = models.CharField(_("division code of origin"), max_length=12, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    mode = models.CharField(_("transport"), max_length=10, choices=Mode.choices, blank=True)
    transport_number = models.CharField(_("train, flight, bus or plate number"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("travel entry")
        verbose_name_plural = _("travel entries")
        ordering = ["-arrival_date", "-pk"]
        indexes = [models.Index(fields=["arrival_date"])]

    def __str__(self) -> str:
        return f"{self.from_region} {self.arrival_date or ''}"
