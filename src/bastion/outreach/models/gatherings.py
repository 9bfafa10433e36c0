"""Gatherings (红白事): weddings, funerals and others a village follows, and how they were held."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.crypto import EncryptedTextField, mask, mask_name
from bastion.core.models import OrgUnit, User


class Gathering(models.Model):
    class Kind(models.TextChoices):
        WEDDING = "wedding", _("wedding")
        FUNERAL = "funeral", _("funeral")
        OTHER = "other", _("other gathering")

    class Outcome(models.TextChoices):
        PLANNED = "planned", _("planned")
        POSTPONED = "postponed", _("postponed")
        SCALED_DOWN = "scaled_down", _("scaled down")
        HELD_SIMPLY = "held_simply", _("held simply")
        AS_PLANNED = "as_planned", _("held as planned")
        CANCELLED = "cancelled", _("cancelled")

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    family = models.CharField(_("family"), max_length=100, help_text=_("Whose gathering: the head of the family."))
    phone = EncryptedTextField(_("phone"), blank=True)
    planned_on = models.DateField(_("planned for"))
    expected_size = models.PositiveIntegerField(_("expected size"))
    guidance = models.TextField(_("guidance given"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PLANNED)
    actual_size = models.PositiveIntegerField(_("actual size"), null=True, blank=True)
    outcome_note = models.CharField(_("how it went"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["org_unit", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.masked_family} {self.planned_on:%Y-%m-%d}"

    @property
    def masked_family(self) -> str:
        return mask_name(self.family)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone) if self.phone else ""
