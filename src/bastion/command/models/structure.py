"""The tree of command: a command post per unit, its members, working groups and liaisons."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.core.crypto import EncryptedTextField, mask, mask_name
from bastion.core.models import Institution, OrgUnit, User
from bastion.core.names import localized

AREAS = [
    ("reporting", _("Reporting")),
    ("residents", _("Residents and screening")),
    ("observation", _("Observation and care")),
    ("checkpoints", _("Checkpoints")),
    ("mobilization", _("Mobilization")),
    ("supplies", _("Supplies")),
    ("command", _("Command")),
    ("outreach", _("Outreach and inspections")),
]
"""The areas of Bastion a working group can work in."""


class CommandPost(models.Model):
    """A unit's leading group and command post (领导小组, 指挥部): one per unit at most."""

    org_unit = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, related_name="command_post", verbose_name=_("unit")
    )
    name = models.CharField(_("name of the command post"), max_length=150)
    leading_group_name = models.CharField(_("name of the leading group"), max_length=150, blank=True)
    duty_phone = models.CharField(_("duty phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("command post")
        verbose_name_plural = _("command posts")
        ordering = ["org_unit__path"]

    def __str__(self) -> str:
        return self.name


class PostMember(models.Model):
    """A person of the leading group or the command post, with a position; history kept by dates."""

    class Position(models.TextChoices):
        LEADER = "leader", pgettext_lazy("command post", "leader")
        DEPUTY = "deputy", _("deputy leader")
        OFFICE_DIRECTOR = "office_director", _("office director")
        LIAISON = "liaison", _("liaison")
        MEMBER = "member", _("member")

    command_post = models.ForeignKey(CommandPost, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("full name"), max_length=100)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.MEMBER)
    title = models.CharField(
        _("post held"), max_length=100, blank=True, help_text=_("For example: deputy county head.")
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="command_memberships",
        verbose_name=_("account"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member of a command post")
        verbose_name_plural = _("members of command posts")
        ordering = ["command_post", "ends_on", "position", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone) if self.phone else ""


class WorkingGroup(models.Model):
    """One of a command post's working groups (综合协调, 医疗救治… 督导): configurable per post."""

    SUPERVISION = "supervision"

    command_post = models.ForeignKey(CommandPost, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("code"), max_length=40)
    names = models.JSONField(_("name"), default=dict)
    duties = models.TextField(_("duties"), blank=True)
    areas = models.JSONField(_("areas of Bastion"), default=list, blank=True)
    lead = models.ForeignKey(
        PostMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups_led", verbose_name=_("lead")
    )
    members = models.ManyToManyField(PostMember, blank=True, related_name="groups", verbose_name=_("members"))
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["command_post", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["command_post", "code"], name="group_unique_code")]

    def __str__(self) -> str:
        return localized(self.names) or self.code

    @property
    def area_labels(self) -> list[str]:
        labels = dict(AREAS)
        return [str(labels[code]) for code in self.areas if code in labels]


class Liaison(models.Model):
    """One-to-one, point-to-point liaison (一对一、点对点): a person on each side of a pair."""

    command_post = models.ForeignKey(CommandPost, on_delete=models.CASCADE, related_name="liaisons")
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="liaisons", verbose_name=_("unit")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaisons",
        verbose_name=_("institution"),
    )
    hq_member = models.ForeignKey(
        PostMember, on_delete=models.PROTECT, related_name="liaisons", verbose_name=_("contact at the command post")
    )
    contact_name = models.CharField(_("contact on the other side"), max_length=100)
    contact_phone = EncryptedTextField(_("their phone"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        ordering = ["command_post", "unit__path", "institution__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, institution__isnull=True)
                | Q(unit__isnull=True, institution__isnull=False),
                name="liaison_unit_or_institution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hq_member.name} ↔ {self.contact_name}"

    @property
    def counterpart(self) -> str:
        return str(self.unit or self.institution)

    @property
    def masked_contact_phone(self) -> str:
        return mask(self.contact_phone) if self.contact_phone else ""
