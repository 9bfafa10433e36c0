"""Checks shared by the supplies services: role and scope, quantities, money."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope, unit_in_scope
from bastion.supplies.models import Store

MAX_QUANTITY = 10_000_000
MAX_AMOUNT = Decimal("999999999999.99")


def require(by: User | None, perm: str, unit: OrgUnit) -> None:
    """Refuse what the role does not allow or a unit outside the scope; ``by=None`` is the system."""
    require_in_scope(by, f"supplies.{perm}", unit)


def quantity(value: object, field: str = "quantity") -> int:
    """A whole number of units above zero, or a clear refusal naming the field."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_QUANTITY:
        raise ValidationError({field: _("Give a whole quantity above zero (at most %(max)s).") % {"max": MAX_QUANTITY}})
    return value


def money(value: object, field: str = "amount") -> Decimal:
    """An amount in yuan above zero with at most two decimals (fen); never a float."""
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("¥", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give the amount in yuan, for example 1000 or 1000.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Give the amount in yuan, for example 1000 or 1000.50.")})
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValidationError(
            {field: _("%(amount)s has more than two decimals: give yuan and fen only.") % {"amount": value}}
        )
    if not Decimal(0) < amount <= MAX_AMOUNT:
        raise ValidationError({field: _("Give an amount above zero.")})
    return amount.quantize(Decimal("0.01"))


def store_usable(store: Store, by: User | None, field: str = "store") -> Store:
    """An active store the user may work with; a store outside the scope is refused by name."""
    if by is not None and not unit_in_scope(by, store.org_unit):
        raise ValidationError({field: _("This store is outside your scope.")})
    if not store.is_active:
        raise ValidationError({field: _("%(store)s is closed.") % {"store": store.name}})
    return store
