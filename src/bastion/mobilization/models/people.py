"""Responders and how they are mobilised: batches (第N批), secondments (抽调), teams and leaders' units."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bastion.core.crypto import EncryptedTextField, LookupHashField, mask, mask_name
from bastion.core.models import Institution, OrgUnit, User
from bastion.core.models.lists import ListEntry


class ResponderCategory(ListEntry):
    """科级以上领导, 机关、村(社区)党员干部, 农牧民党员, 志愿者…: configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("responder category")
        verbose_name_plural = _("responder categories")


class DutyType(ListEntry):
    """What a seconded cadre does (四位一体, 下沉大排查, 卡点带班值班…): configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("duty type")
        verbose_name_plural = _("duty types")


class TeamKind(ListEntry):
    """党员先锋队, 突击队, 服务小分队…: configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("team kind")
        verbose_name_plural = _("team kinds")


class Responder(models.Model):
    """A cadre, party member, staff member or volunteer who can be mobilised; most have no account."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="responders", verbose_name=_("home unit")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responders",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("full name"), max_length=100)
    name_initials = models.CharField(max_length=100, blank=True, db_index=True)
    name_pinyin = models.CharField(max_length=300, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = LookupHashField(source="phone", blank=True)
    category = models.ForeignKey(
        ResponderCategory, on_delete=models.PROTECT, related_name="responders", verbose_name=_("category")
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responder",
        verbose_name=_("account"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("responder")
        verbose_name_plural = _("responders")
        ordering = ["name", "pk"]
        permissions = [("export_responder", _("Can export the register of responders"))]
        constraints = [
            models.UniqueConstraint(fields=["phone_hash"], condition=~Q(phone_hash=""), name="responder_unique_phone")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, keep_start=3, keep_end=4) if self.phone else ""


class Batch(models.Model):
    """第N批: responders sent to report to units by a date."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    number = models.PositiveSmallIntegerField(_("batch number"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    report_by = models.DateField(_("report by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["org_unit", "number"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "number"], name="batch_unique_number")]

    def __str__(self) -> str:
        return self.name or str(_("Batch %(number)s") % {"number": self.number})


class Assignment(models.Model):
    """One responder of a batch, to report to one unit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not reported yet")
        REPORTED = "reported", _("Reported")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        CADRE = "cadre", _("By the unit's cadre")

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="assignments")
    responder = models.ForeignKey(Responder, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("reports to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    method = models.CharField(_("checked in by"), max_length=5, choices=Method.choices, blank=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    absence_reason = models.CharField(_("reason of absence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["unit__path", "responder__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["batch", "responder"], name="assignment_once_per_batch")]
        indexes = [models.Index(fields=["unit", "status"], name="assignment_unit_status")]

    def __str__(self) -> str:
        return f"{self.batch} {self.responder.masked_name}"


class Secondment(models.Model):
    """抽调: a responder serving a unit in a duty for a period."""

    responder = models.ForeignKey(Responder, on_delete=models.PROTECT, related_name="secondments")
    duty_type = models.ForeignKey(DutyType, on_delete=models.PROTECT, related_name="+", verbose_name=_("duty"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("serving at"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="secondment_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.responder} → {self.org_unit}"


class Team(models.Model):
    """党员先锋队, 突击队, 服务小分队: a leader, members and the tasks given."""

    kind = models.ForeignKey(TeamKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=100)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    leader = models.ForeignKey(
        Responder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("leader")
    )
    members = models.ManyToManyField(Responder, blank=True, related_name="teams", verbose_name=_("members"))
    tasks = models.TextField(_("tasks given"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["org_unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class LeaderAssignment(models.Model):
    """县级领导包乡联村: a county leader answers for a township or village."""

    leader = models.ForeignKey(Responder, on_delete=models.PROTECT, related_name="units_answered_for")
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="answerable_leaders", verbose_name=_("unit")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answerable leader")
        verbose_name_plural = _("answerable leaders")
        ordering = ["org_unit__path", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.leader} · {self.org_unit}"
