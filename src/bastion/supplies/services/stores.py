"""Stores: the county warehouse, township and village stores, checkpoint posts, medical institutions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record, field_changes
from bastion.residents.validation import plain
from bastion.supplies.models import Balance, Store
from bastion.supplies.services.common import require


@transaction.atomic
def store_save(
    *,
    by: User | None,
    org_unit: OrgUnit,
    name: str,
    kind: str,
    keeper: str = "",
    is_active: bool = True,
    store: Store | None = None,
) -> Store:
    """Open a store or change one; a store that holds goods keeps its unit and cannot be closed."""
    if store is not None:
        require(by, "change_store", store.org_unit)
    require(by, "add_store" if store is None else "change_store", org_unit)
    errors: dict[str, str] = {}
    name = plain(name)[:100]
    if not name:
        errors["name"] = _("Give the store a name.")
    elif Store.objects.filter(org_unit=org_unit, name=name).exclude(pk=store.pk if store else 0).exists():
        errors["name"] = _("%(unit)s already has a store named %(name)s.") % {
            "unit": org_unit.display_name,
            "name": name,
        }
    if kind not in Store.Kind.values:
        errors["kind"] = _("Choose the kind of store.")
    holds = store is not None and Balance.objects.filter(store=store, quantity__gt=0).exists()
    if holds and store is not None and org_unit.pk != store.org_unit_id:
        errors["org_unit"] = _("The store holds goods: transfer them before it moves to another unit.")
    if holds and not is_active:
        errors["is_active"] = _("The store holds goods: transfer or write them off before closing it.")
    if errors:
        raise ValidationError(errors)
    data = {"org_unit": org_unit, "name": name, "kind": kind, "keeper": plain(keeper)[:60], "is_active": is_active}
    if store is None:
        store = Store.objects.create(**data)
        audit_record(by=by, action="store.create", obj=store, org_unit=org_unit, summary={"name": name, "kind": kind})
        return store
    changes = field_changes(store, data)
    if changes:
        store.save()
        audit_record(by=by, action="store.update", obj=store, org_unit=org_unit, summary=changes)
    return store
