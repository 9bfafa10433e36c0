"""Funds (budget, donated cash, expenditures, to the fen) and donations of cash or goods with their receipts."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import unit_in_scope
from bastion.core.services.audit import audit_record
from bastion.residents.validation import plain
from bastion.supplies.figures import donation_count
from bastion.supplies.models import Donation, Fund, FundEntry, Item, Movement, Store
from bastion.supplies.services.common import money, require, store_usable
from bastion.supplies.services.ledger import stock_receive


@transaction.atomic
def fund_create(*, by: User | None, org_unit: OrgUnit, name: str) -> Fund:
    require(by, "add_fund", org_unit)
    name = plain(name)[:100]
    if not name:
        raise ValidationError({"name": _("Give the fund a name.")})
    if Fund.objects.filter(org_unit=org_unit, name=name).exists():
        raise ValidationError(
            {"name": _("%(unit)s already has a fund named %(name)s.") % {"unit": org_unit, "name": name}}
        )
    fund = Fund.objects.create(org_unit=org_unit, name=name)
    audit_record(by=by, action="fund.create", obj=fund, org_unit=org_unit, summary={"name": name})
    return fund


def fund_balance(fund: Fund) -> Decimal:
    total = FundEntry.objects.filter(fund=fund).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


def _entry(
    *, by: User | None, fund: Fund, kind: str, amount: Decimal, on: dt.date | None, description: str, **links: object
) -> FundEntry:
    description = plain(description)[:300]
    if not description:
        raise ValidationError({"description": _("Say what the money is for.")})
    entry = FundEntry.objects.create(
        fund=fund,
        org_unit=fund.org_unit,
        kind=kind,
        amount=amount,
        on=on or timezone.localdate(),
        description=description,
        by=by,
        **links,
    )
    audit_record(
        by=by,
        action=f"fund.{kind}",
        obj=entry,
        org_unit=fund.org_unit,
        summary={"fund": fund.name, "amount": str(amount), "description": description},
    )
    return entry


@transaction.atomic
def fund_allocate(
    *, by: User | None, fund: Fund, amount: object, description: str, on: dt.date | None = None
) -> FundEntry:
    """A budget allocation into the fund (the county's 500,000 yuan)."""
    require(by, "add_fundentry", fund.org_unit)
    return _entry(by=by, fund=fund, kind=FundEntry.Kind.BUDGET, amount=money(amount), on=on, description=description)


@transaction.atomic
def fund_spend(
    *,
    by: User | None,
    fund: Fund,
    amount: object,
    description: str,
    on: dt.date | None = None,
    purchase: Movement | None = None,
) -> FundEntry:
    """Money leaves the fund; never more than it holds (the fund row is locked while its balance is checked)."""
    require(by, "add_fundentry", fund.org_unit)
    spent = money(amount)
    Fund.objects.select_for_update().get(pk=fund.pk)
    balance = fund_balance(fund)
    if spent > balance:
        message = _("%(fund)s holds only ¥%(balance)s.") % {"fund": fund.name, "balance": f"{balance:,.2f}"}
        raise ValidationError({"amount": message})
    return _entry(
        by=by,
        fund=fund,
        kind=FundEntry.Kind.EXPENDITURE,
        amount=-spent,
        on=on,
        description=description,
        purchase=purchase,
    )


@transaction.atomic
def purchase_record(
    *,
    by: User | None,
    fund: Fund,
    store: Store,
    item: Item,
    quantity: int,
    amount: object,
    supplier: str,
    batch_code: str = "",
    expires_on: dt.date | None = None,
) -> FundEntry:
    """Goods bought with a fund's money: the receipt into stock and the expenditure linked to it."""
    movement = stock_receive(
        by=by,
        store=store,
        item=item,
        quantity=quantity,
        source=Movement.Kind.PURCHASE,
        batch_code=batch_code,
        expires_on=expires_on,
        note=supplier,
    )
    description = _("%(item)s × %(quantity)s from %(supplier)s") % {
        "item": item,
        "quantity": quantity,
        "supplier": plain(supplier) or _("a supplier"),
    }
    return fund_spend(by=by, fund=fund, amount=amount, description=description, purchase=movement)


def _fund_usable(by: User | None, fund: Fund, org_unit: OrgUnit) -> bool:
    """A fund of the receiving unit, of a unit above it or below it, that the user may write to."""
    on_the_line = fund.org_unit.is_within(org_unit) or org_unit.is_within(fund.org_unit)
    return on_the_line and (by is None or unit_in_scope(by, fund.org_unit))


def thanks_for(donation: Donation) -> str:
    return _("%(unit)s thanks %(donor)s most sincerely for the gift of %(what)s to the fight against the epidemic.") % {
        "unit": donation.org_unit.display_name,
        "donor": donation.donor_name,
        "what": donation.what,
    }


@transaction.atomic
def donation_record(
    *,
    by: User | None,
    org_unit: OrgUnit,
    donor_name: str,
    kind: str,
    donor_kind: str = Donation.DonorKind.PERSON,
    anonymous: bool = False,
    amount: object = None,
    fund: Fund | None = None,
    item: Item | None = None,
    quantity: int | None = None,
    store: Store | None = None,
    batch_code: str = "",
    expires_on: dt.date | None = None,
    earmark: str = "",
    received_on: dt.date | None = None,
) -> Donation:
    """A gift of cash (into a fund) or goods (into a store, by the ledger's own receipt), numbered for its receipt."""
    require(by, "add_donation", org_unit)
    donor_name = plain(donor_name)[:100]
    errors: dict[str, str] = {}
    if not donor_name:
        errors["donor_name"] = _("Give the donor's name (it can be hidden in public).")
    if donor_kind not in Donation.DonorKind.values:
        errors["donor_kind"] = _("Choose a person or an organisation.")
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        errors["received_on"] = _("A donation cannot be received in the future.")
    data: dict[str, object] = {}
    if kind == Donation.Kind.CASH:
        if fund is None or not _fund_usable(by, fund, org_unit):
            errors["fund"] = _("Choose a fund of %(unit)s.") % {"unit": org_unit.display_name}
        try:
            data["amount"] = money(amount)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        data["fund"] = fund
    elif kind == Donation.Kind.GOODS:
        if item is None:
            errors["item"] = _("Choose the item given.")
        if store is None or not store.org_unit.is_within(org_unit):
            errors["store"] = _("Choose the store of %(unit)s that takes the goods in.") % {
                "unit": org_unit.display_name
            }
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            errors["quantity"] = _("Give a whole quantity above zero.")
        data |= {"item": item, "store": store, "quantity": quantity}
    else:
        errors["kind"] = _("Choose cash or goods.")
    if errors:
        raise ValidationError(errors)
    if store is not None:
        store_usable(store, by)
    donation = Donation.objects.create(
        number=uuid.uuid4().hex[:20],
        org_unit=org_unit,
        donor_name=donor_name,
        donor_kind=donor_kind,
        anonymous=anonymous,
        kind=kind,
        earmark=plain(earmark)[:200],
        received_on=received_on,
        by=by,
        **data,
    )
    donation.number = f"JZ{received_on:%Y}-{donation.pk:06d}"
    donation.thanks = thanks_for(donation)
    donation.save(update_fields=["number", "thanks"])
    donation_count(donation)
    if kind == Donation.Kind.GOODS:
        assert store is not None and item is not None and quantity is not None
        movement = stock_receive(
            by=by,
            store=store,
            item=item,
            quantity=quantity,
            source=Movement.Kind.DONATION,
            batch_code=batch_code,
            expires_on=expires_on,
            note=donation.number,
            donation=donation,
        )
        donation.batch = movement.batch
        donation.save(update_fields=["batch"])
    else:
        assert fund is not None
        _entry(
            by=by,
            fund=fund,
            kind=FundEntry.Kind.DONATION,
            amount=donation.amount or Decimal(0),
            on=received_on,
            description=_("Donation %(number)s") % {"number": donation.number},
            donation=donation,
        )
    audit_record(
        by=by,
        action="donation.record",
        obj=donation,
        org_unit=org_unit,
        summary={"number": donation.number, "kind": kind, "what": donation.what, "anonymous": anonymous},
    )
    return donation
