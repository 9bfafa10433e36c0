"""Deliveries to those who cannot go out (送服务、送温暖) and the register of people in difficulty (困难人群)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry
from bastion.observation.models.cases import ObservationCase
from bastion.residents.models import Person


class NeedItem(ListEntry):
    """What can be asked for: vegetables, groceries, medicine, disinfectant, masks…; configurable."""

    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, blank=True)

    class Meta(ListEntry.Meta):
        verbose_name = _("item asked for")
        verbose_name_plural = _("items asked for")


class CareCategory(ListEntry):
    """Elderly living alone, disabled, registered poor household…; configurable."""

    class Meta(ListEntry.Meta):
        verbose_name = _("care category")
        verbose_name_plural = _("care categories")


class CarePerson(models.Model):
    """A person in difficulty (困难人群) followed with welfare visits and calls."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="care")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    categories = models.ManyToManyField(CareCategory, related_name="persons", verbose_name=_("categories"))
    needs = models.TextField(_("needs"), blank=True)
    next_contact_due = models.DateField(_("next visit due"), null=True, blank=True)
    is_active = models.BooleanField(_("followed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person in difficulty")
        verbose_name_plural = _("people in difficulty")
        ordering = ["next_contact_due", "pk"]

    def __str__(self) -> str:
        return self.person.masked_name


class WelfareContact(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone call")

    care = models.ForeignKey(CarePerson, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VISIT)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(_("what was found and done"))

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class DeliveryRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ASSIGNED = "assigned", _("Assigned")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="delivery_requests")
    case = models.ForeignKey(
        ObservationCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="delivery_requests"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    assignee = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("volunteer")
    )
    assignee_name = models.CharField(_("volunteer or team"), max_length=100, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    delivery_note = models.CharField(_("delivery note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery request")
        verbose_name_plural = _("delivery requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "org_unit"], name="observation_delivery_status")]

    def __str__(self) -> str:
        return f"{self.person.masked_name} {self.requested_at:%Y-%m-%d}"


class DeliveryLine(models.Model):
    request = models.ForeignKey(DeliveryRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(NeedItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity asked for"))
    delivered = models.PositiveIntegerField(_("quantity handed over"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["request", "item"], name="delivery_line_unique_item")]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
