"""Action items (任务, 督办), their progress notes, and weaknesses found and fixed (查找梳理短板)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.command.models.meetings import Decision
from bastion.command.models.structure import CommandPost, PostMember, WorkingGroup
from bastion.core.models import OrgUnit, User


class Weakness(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("being fixed")
        VERIFIED = "verified", _("fixed and verified")

    command_post = models.ForeignKey(CommandPost, on_delete=models.PROTECT, related_name="weaknesses")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("where"))
    found_by = models.CharField(_("found by"), max_length=100)
    found_on = models.DateField(_("found on"))
    description = models.TextField(_("what was found"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    verified_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weakness")
        verbose_name_plural = _("weaknesses")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return self.description[:80]


class ActionItem(models.Model):
    class Origin(models.TextChoices):
        MEETING = "meeting", _("meeting decision")
        WEAKNESS = "weakness", _("weakness found")
        INSPECTION = "inspection", _("inspection finding")
        DIRECT = "direct", _("set directly")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("high")
        NORMAL = 2, _("normal")
        LOW = 3, _("low")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action item", "open")
        IN_PROGRESS = "in_progress", _("in progress")
        CLAIMED = "claimed", _("claimed done")
        VERIFIED = "verified", _("verified")
        REOPENED = "reopened", _("reopened")

    UNFINISHED = (Status.OPEN, Status.IN_PROGRESS, Status.REOPENED)

    command_post = models.ForeignKey(CommandPost, on_delete=models.PROTECT, related_name="action_items")
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    origin = models.CharField(
        pgettext_lazy("source", "from"), max_length=10, choices=Origin.choices, default=Origin.DIRECT
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items")
    weakness = models.ForeignKey(Weakness, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items")
    source_note = models.CharField(_("source"), max_length=200, blank=True)
    owner_member = models.ForeignKey(
        PostMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (person)"),
    )
    owner_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (working group)"),
    )
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner (unit)")
    )
    due_on = models.DateField(pgettext_lazy("deadline", "due"))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    claimed_at = models.DateTimeField(_("claimed done"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    chased_on = models.DateField(_("last chased"), null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(_("times chased"), default=0)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "priority", "pk"]
        permissions = [("verify_actionitem", _("Can verify or reopen action items (supervision)"))]
        indexes = [models.Index(fields=["command_post", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_member__isnull=False, owner_group__isnull=True, owner_unit__isnull=True)
                | Q(owner_member__isnull=True, owner_group__isnull=False, owner_unit__isnull=True)
                | Q(owner_member__isnull=True, owner_group__isnull=True, owner_unit__isnull=False),
                name="actionitem_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> PostMember | WorkingGroup | OrgUnit | None:
        return self.owner_member or self.owner_group or self.owner_unit

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED


class ActionNote(models.Model):
    """A progress note on an item, with an optional attachment kept through Django's storage API."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="command/notes/%Y/%m/", blank=True)
    status_to = models.CharField(_("status set"), max_length=12, choices=ActionItem.Status.choices, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
