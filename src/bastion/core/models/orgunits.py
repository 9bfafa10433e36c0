"""The organisation tree: the spine every other record hangs from.

Each unit stores a materialized path made of its ancestors' ids and its own,
each zero-padded to ``PATH_STEP`` digits. Because the path holds only digits,
"this unit and everything below it" is the range ``[path, next(path))`` on one
B-tree index, with the same order under any database collation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.crypto import EncryptedTextField, mask

PATH_STEP = 10


def path_segment(pk: int) -> str:
    return str(pk).zfill(PATH_STEP)


def subtree_upper_bound(path: str) -> str:
    """The smallest path greater than every path starting with ``path``."""
    return str(int(path) + 1).zfill(len(path))


def path_ids(path: str) -> list[int]:
    return [int(path[i : i + PATH_STEP]) for i in range(0, len(path), PATH_STEP)]


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")
        COMPOUND = "compound", _("Residential compound")
        BUILDING = "building", _("Building")
        TEN_HOUSEHOLD = "ten_household", _("Ten-household group")

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("official name"), max_length=100)
    short_name = models.CharField(_("display name"), max_length=100, blank=True)
    division_code = models.CharField(_("division code"), max_length=12, unique=True, null=True, blank=True)
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField(_("sort order"), default=0)
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, help_text=_("Residents, for checking figures such as outreach reach.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    pinyin_initials = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    pinyin_full = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["parent", "sort_order", "name"])]
        permissions = [("export_orgunit", _("Can export the org-unit tree"))]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def subtree_bounds(self) -> tuple[str, str]:
        return self.path, subtree_upper_bound(self.path)

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)[:-1]

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)


class Institution(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Party or government department")
        MEDICAL = "medical", _("Medical institution")
        GARRISON = "garrison", _("Garrison unit")
        POLICE_CHECKPOINT = "police_checkpoint", _("Police checkpoint station")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other")

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("org unit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    note = models.CharField(_("note"), max_length=300, blank=True)
    designated = models.BooleanField(
        _("designated hospital"), default=False, help_text=_("A medical institution that receives referred cases.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    pinyin_initials = models.CharField(max_length=150, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="institution_unique_name_per_unit")]

    def __str__(self) -> str:
        return self.name


class UnitContact(models.Model):
    """A named contact of a unit (building head, ten-household head, duty phone)."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("org unit"))
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, help_text=_("for example 楼栋长, 十户长, duty officer"))
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["title", "name"]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"

    @property
    def phone_masked(self) -> str:
        return mask(self.phone)
