"""Items, stores and the stock ledger: every change of stock is a movement row; balances follow them.

``Balance`` is the ledger's running total per store, item and batch, written only by the ledger service in the
same transaction as the movement it adds up, and locked (``select_for_update``) while it changes; a check
constraint keeps it at zero or above, so no interleaving of issues can push a store below zero. It is a cache
of the sum of movements, never a number anyone edits: ``balances_verify`` (and the tests) prove the two agree.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry


class Item(ListEntry):
    """A kind of supply: surgical masks, N95 masks, 84 disinfectant, medical alcohol…; configurable."""

    class Category(models.TextChoices):
        MASKS = "masks", _("Masks")
        DISINFECTANT = "disinfectant", _("Disinfectant")
        ALCOHOL = "alcohol", _("Alcohol")
        THERMOMETERS = "thermometers", _("Thermometers")
        PROTECTIVE = "protective", _("Protective clothing")
        FOOD = "food", _("Food and vegetables")
        OTHER = "other", _("Other")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20)
    cover_days_threshold = models.PositiveSmallIntegerField(
        _("warn below days of cover"), default=3, help_text=_("A store is warned when its stock lasts fewer days.")
    )

    class Meta(ListEntry.Meta):
        verbose_name = _("item")
        verbose_name_plural = _("items")


class Batch(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="batches", verbose_name=_("item"))
    code = models.CharField(_("batch"), max_length=40)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["expires_on", "code"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="supplies_batch_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} ({self.expires_on:%Y-%m-%d})" if self.expires_on else self.code


class Store(models.Model):
    class Kind(models.TextChoices):
        COUNTY_WAREHOUSE = "county_warehouse", _("County warehouse")
        TOWNSHIP = "township", _("Township store")
        VILLAGE = "village", _("Village store")
        CHECKPOINT = "checkpoint", _("Checkpoint post")
        MEDICAL = "medical", _("Medical institution")

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    keeper = models.CharField(_("keeper"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["org_unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="supplies_store_unique_name")]
        permissions = [("adjust_stock", _("Can adjust stock after a count and write off"))]

    def __str__(self) -> str:
        return self.name


class Distribution(models.Model):
    """One entry handing out to a list of recipients: its movements point at it."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="distributions")
    at = models.DateTimeField()
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.store} {self.at:%Y-%m-%d %H:%M}"


class Movement(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening stock count")
        PURCHASE = "purchase", _("Receipt: purchase")
        DONATION = "donation", _("Receipt: donation")
        ALLOCATION = "allocation", _("Receipt: allocation from above")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        ISSUE = "issue", _("Issue")
        ADJUSTMENT = "adjustment", _("Adjustment after a count")
        WRITE_OFF = "write_off", _("Write-off")

    class Recipient(models.TextChoices):
        PERSON = "person", _("Person")
        HOUSEHOLD = "household", pgettext_lazy("supplies", "Household")
        POST = "post", _("Duty post or shift")
        INSTITUTION = "institution", pgettext_lazy("supplies", "Institution")
        OBSERVED = "observed", _("Person under observation")
        OTHER = "other", _("Other")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="movements", verbose_name=_("store"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the store's, for scope
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("batch")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"))  # signed: in above zero, out below
    at = models.DateTimeField(_("when"), db_index=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recipient_kind = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices, blank=True)
    recipient_name = models.CharField(_("recipient's name"), max_length=100, blank=True)
    note = models.CharField(_("note or reason"), max_length=300, blank=True)
    transfer = models.ForeignKey("Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    donation = models.ForeignKey("Donation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["store", "item", "at"], name="supplies_movement_store_item")]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="supplies_movement_not_zero")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {self.quantity:+d}"


class Balance(models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_balance_never_negative"),
            models.UniqueConstraint(
                fields=["store", "item"], condition=Q(batch=None), name="supplies_balance_unique_no_batch"
            ),
            models.UniqueConstraint(
                fields=["store", "item", "batch"],
                condition=Q(batch__isnull=False),
                name="supplies_balance_unique_batch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.item} {self.quantity}"


class Transfer(models.Model):
    """Goods between stores: the out side on dispatch, the in side when the receiving store confirms."""

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")

    from_store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("from store"))
    to_store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("to store"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the sender's
    to_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_TRANSIT)
    request = models.ForeignKey(
        "SupplyRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    dispatched_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-dispatched_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_store} → {self.to_store}: {self.item} {self.quantity}"


class SupplyRequest(models.Model):
    """A unit asks the level above for goods; the level above approves, fills in part or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved, to be filled")
        PART_FILLED = "part_filled", _("Filled in part")
        FILLED = "filled", _("Filled")
        REFUSED = "refused", _("Refused")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="requests", verbose_name=_("for store"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the asking unit
    supplier_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the level above
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity asked for"))
    reason = models.CharField(_("what for"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    approved_quantity = models.PositiveIntegerField(_("quantity approved"), null=True, blank=True)
    filled_quantity = models.PositiveIntegerField(_("quantity sent"), default=0)
    refusal = models.CharField(_("reason for refusing"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("asked at"))
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.store} {self.item} {self.quantity}"

    @property
    def still_to_send(self) -> int:
        return max((self.approved_quantity or 0) - self.filled_quantity, 0)
