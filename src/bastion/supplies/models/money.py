"""Donations of cash and goods, and funds: budget allocations, donated cash and expenditures, to the fen."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.supplies.models.stock import Batch, Item, Store


class Fund(models.Model):
    """Money held for the response by a unit; its balance is the sum of its entries."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["org_unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="supplies_fund_unique_name")]

    def __str__(self) -> str:
        return self.name


class FundEntry(models.Model):
    class Kind(models.TextChoices):
        BUDGET = "budget", _("Budget allocation")
        DONATION = "donation", _("Cash donation")
        EXPENDITURE = "expenditure", _("Expenditure")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the fund's, for scope
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)  # signed: spent below zero
    on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    donation = models.OneToOneField(
        "Donation", on_delete=models.PROTECT, null=True, blank=True, related_name="fund_entry"
    )
    purchase = models.ForeignKey(
        "Movement", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("goods bought")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="expenditure", amount__lt=0) | (~Q(kind="expenditure") & Q(amount__gt=0))),
                name="supplies_fundentry_signed_by_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Donation(models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        GOODS = "goods", _("Goods")

    class DonorKind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    number = models.CharField(_("receipt number"), max_length=20, unique=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by"))
    donor_name = models.CharField(_("donor"), max_length=100)
    donor_kind = models.CharField(_("donor is"), max_length=14, choices=DonorKind.choices, default=DonorKind.PERSON)
    anonymous = models.BooleanField(_("anonymous in public"), default=False)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    earmark = models.CharField(_("earmarked for"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    thanks = models.TextField(_("thank-you message"), blank=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="cash", amount__gt=0, fund__isnull=False))
                | Q(kind="goods", quantity__gt=0, item__isnull=False, store__isnull=False),
                name="supplies_donation_cash_or_goods",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def public_donor(self) -> str:
        return str(_("Anonymous donor")) if self.anonymous else self.donor_name

    @property
    def what(self) -> str:
        if self.kind == self.Kind.CASH:
            return f"¥{self.amount or Decimal(0):,.2f}"
        item = self.item
        return f"{item} {self.quantity}{item.unit_of_measure if item else ''}"
