"""Places that need inspection (人员密集场所), their checklists, inspections and disinfection (消杀)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.core.crypto import EncryptedTextField, mask
from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry
from bastion.core.names import localized


class PlaceKind(ListEntry):
    """医院, 诊所, 汽车站, 市场, 商场, 超市, 餐馆, 宾馆, 学校, 其他人员密集场所: configurable."""

    disinfect_every_days = models.PositiveSmallIntegerField(
        _("disinfect every (days)"), null=True, blank=True, help_text=_("Empty: no schedule.")
    )

    class Meta(ListEntry.Meta):
        verbose_name = _("kind of place")
        verbose_name_plural = _("kinds of place")


class ChecklistItem(models.Model):
    """A point checked at every place of a kind (temperature check at the entrance, masks worn…)."""

    place_kind = models.ForeignKey(PlaceKind, on_delete=models.CASCADE, related_name="checklist")
    code = models.SlugField(_("code"), max_length=40)
    names = models.JSONField(pgettext_lazy("checklist", "text"), default=dict)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["place_kind", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["place_kind", "code"], name="checklist_item_unique_code")]

    def __str__(self) -> str:
        return localized(self.names) or self.code


class Place(models.Model):
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.ForeignKey(PlaceKind, on_delete=models.PROTECT, related_name="places", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=200, blank=True)
    responsible_name = models.CharField(_("person responsible"), max_length=100, blank=True)
    responsible_phone = EncryptedTextField(pgettext_lazy("person responsible", "their phone"), blank=True)
    disinfect_every_days = models.PositiveSmallIntegerField(
        _("disinfect every (days)"), null=True, blank=True, help_text=_("Empty: as for its kind.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("crowded place", "place")
        verbose_name_plural = _("places")
        ordering = ["org_unit__path", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask(self.responsible_phone) if self.responsible_phone else ""


class Inspection(models.Model):
    """A visit with the checklist; failures open a rectification (a command action item), closed by the
    re-inspection that passes."""

    class Result(models.TextChoices):
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="inspections")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField(_("inspected at"))
    inspectors = models.CharField(_("inspected by"), max_length=200)
    result = models.CharField(pgettext_lazy("inspection", "result"), max_length=10, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reinspections",
        verbose_name=_("re-inspection of"),
    )
    rectification = models.OneToOneField(
        "command.ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection",
        verbose_name=_("rectification"),
    )
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-pk"]
        indexes = [models.Index(fields=["org_unit", "inspected_at"])]

    def __str__(self) -> str:
        return f"{self.place} {self.inspected_at:%Y-%m-%d}"


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("checklist", "item")
    )
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.FileField(_("photo"), upload_to="outreach/inspections/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("answer of an inspection")
        verbose_name_plural = _("answers of inspections")
        ordering = ["inspection", "item__sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_answer_once")]

    def __str__(self) -> str:
        return f"{self.item}: {'✓' if self.passed else '✗'}"


class Disinfection(models.Model):
    """消杀: at a place, or over an area of a unit (a street, a compound's stairwells)."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disinfections",
        verbose_name=pgettext_lazy("crowded place", "place"),
    )
    area = models.CharField(pgettext_lazy("disinfection", "area"), max_length=200, blank=True)
    agent = models.CharField(_("agent"), max_length=100)
    concentration = models.CharField(_("concentration"), max_length=50, blank=True)
    done_at = models.DateTimeField(_("done at"))
    done_by = models.CharField(_("done by"), max_length=100)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        ordering = ["-done_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(place__isnull=False) | ~Q(area=""), name="disinfection_place_or_area")
        ]

    def __str__(self) -> str:
        return f"{self.place or self.area} {self.done_at:%Y-%m-%d}"
