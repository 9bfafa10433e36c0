"""Transfers between stores, and requests to the level above that are approved, filled in part or refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import User
from bastion.core.services.audit import audit_record
from bastion.residents.validation import plain
from bastion.supplies.models import Batch, Item, Store, SupplyRequest, Transfer
from bastion.supplies.services.common import quantity as valid_quantity
from bastion.supplies.services.common import require, store_usable
from bastion.supplies.services.ledger import transfer_in, transfer_out


@transaction.atomic
def transfer_dispatch(
    *,
    by: User | None,
    from_store: Store,
    to_store: Store,
    item: Item,
    quantity: int,
    batch: Batch | None = None,
    note: str = "",
    request: SupplyRequest | None = None,
) -> Transfer:
    """Goods leave ``from_store`` now (the out side) and are in transit until ``to_store`` confirms them."""
    require(by, "add_transfer", from_store.org_unit)
    store_usable(from_store, by, "from_store")
    store_usable(to_store, by, "to_store")
    if from_store.pk == to_store.pk:
        raise ValidationError({"to_store": _("Choose another store than the one the goods leave.")})
    transfer = Transfer.objects.create(
        from_store=from_store,
        to_store=to_store,
        org_unit=from_store.org_unit,
        to_unit=to_store.org_unit,
        item=item,
        batch=batch,
        quantity=valid_quantity(quantity),
        note=plain(note)[:300],
        request=request,
        dispatched_at=timezone.now(),
        dispatched_by=by,
    )
    transfer_out(transfer, by, batch)
    audit_record(
        by=by,
        action="transfer.dispatch",
        obj=transfer,
        org_unit=from_store.org_unit,
        summary={"from": from_store.name, "to": to_store.name, "item": item.code, "quantity": transfer.quantity},
    )
    return transfer


@transaction.atomic
def transfer_receive(*, by: User | None, transfer: Transfer) -> Transfer:
    """The receiving store confirms the goods arrived: the in side goes into its stock."""
    require(by, "change_transfer", transfer.to_store.org_unit)
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_store", "from_store", "item")
        .get(pk=transfer.pk)
    )
    if transfer.status != Transfer.Status.IN_TRANSIT:
        raise ValidationError(_("These goods were already received."))
    transfer.received_at, transfer.received_by = timezone.now(), by
    transfer.status = Transfer.Status.RECEIVED
    transfer.save(update_fields=["received_at", "received_by", "status"])
    transfer_in(transfer, by, transfer.received_at)
    audit_record(
        by=by,
        action="transfer.receive",
        obj=transfer,
        org_unit=transfer.to_store.org_unit,
        summary={"from": transfer.from_store.name, "item": transfer.item.code, "quantity": transfer.quantity},
    )
    return transfer


@transaction.atomic
def request_create(*, by: User | None, store: Store, item: Item, quantity: int, reason: str = "") -> SupplyRequest:
    """A unit asks the level above to send goods to one of its stores."""
    require(by, "add_supplyrequest", store.org_unit)
    store_usable(store, by)
    parent = store.org_unit.parent
    if parent is None:
        raise ValidationError({"store": _("%(unit)s has no level above to ask.") % {"unit": store.org_unit}})
    request = SupplyRequest.objects.create(
        store=store,
        org_unit=store.org_unit,
        supplier_unit=parent,
        item=item,
        quantity=valid_quantity(quantity),
        reason=plain(reason)[:300],
        requested_at=timezone.now(),
        requested_by=by,
    )
    audit_record(
        by=by,
        action="supply_request.create",
        obj=request,
        org_unit=store.org_unit,
        summary={"store": store.name, "item": item.code, "quantity": request.quantity},
    )
    return request


def _locked_for_decision(by: User | None, request: SupplyRequest) -> SupplyRequest:
    require(by, "change_supplyrequest", request.supplier_unit)
    return (
        SupplyRequest.objects.select_for_update(of=("self",))
        .select_related("store", "item", "supplier_unit")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_approve(*, by: User | None, request: SupplyRequest, quantity: int) -> SupplyRequest:
    """The level above approves all or part of what was asked for."""
    request = _locked_for_decision(by, request)
    if request.status != SupplyRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    quantity = valid_quantity(quantity)
    if quantity > request.quantity:
        raise ValidationError({"quantity": _("Approve at most the %(asked)s asked for.") % {"asked": request.quantity}})
    request.approved_quantity, request.status = quantity, SupplyRequest.Status.APPROVED
    request.decided_at, request.decided_by = timezone.now(), by
    request.save(update_fields=["approved_quantity", "status", "decided_at", "decided_by"])
    audit_record(
        by=by,
        action="supply_request.approve",
        obj=request,
        org_unit=request.org_unit,
        summary={"asked": request.quantity, "approved": quantity},
    )
    return request


@transaction.atomic
def request_refuse(*, by: User | None, request: SupplyRequest, reason: str) -> SupplyRequest:
    request = _locked_for_decision(by, request)
    if request.status != SupplyRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    reason = plain(reason)[:300]
    if not reason:
        raise ValidationError({"reason": _("Say why the request is refused: the unit that asked will read it.")})
    request.refusal, request.status = reason, SupplyRequest.Status.REFUSED
    request.decided_at, request.decided_by = timezone.now(), by
    request.save(update_fields=["refusal", "status", "decided_at", "decided_by"])
    audit_record(
        by=by, action="supply_request.refuse", obj=request, org_unit=request.org_unit, summary={"reason": reason}
    )
    return request


@transaction.atomic
def request_fill(
    *, by: User | None, request: SupplyRequest, from_store: Store, quantity: int | None = None
) -> Transfer:
    """Send goods for the request from a store of the level above; a pending request is approved for what is sent.

    Filling creates the transfer (the goods are in transit until the asking store confirms them).
    """
    request = _locked_for_decision(by, request)
    if request.status in (SupplyRequest.Status.REFUSED, SupplyRequest.Status.FILLED, SupplyRequest.Status.PART_FILLED):
        raise ValidationError(_("Nothing is left to send for this request."))
    if from_store.org_unit_id != request.supplier_unit_id:
        message = _("Send from a store of %(unit)s.") % {"unit": request.supplier_unit.display_name}
        raise ValidationError({"from_store": message})
    if request.status == SupplyRequest.Status.PENDING:
        sent = valid_quantity(quantity if quantity is not None else request.quantity)
        if sent > request.quantity:
            raise ValidationError(
                {"quantity": _("Send at most the %(asked)s asked for.") % {"asked": request.quantity}}
            )
        request.approved_quantity, request.decided_at, request.decided_by = sent, timezone.now(), by
    else:
        sent = valid_quantity(quantity if quantity is not None else request.still_to_send)
        if sent > request.still_to_send:
            message = _("Only %(left)s are still to send for this request.") % {"left": request.still_to_send}
            raise ValidationError({"quantity": message})
    transfer = transfer_dispatch(
        by=by,
        from_store=from_store,
        to_store=request.store,
        item=request.item,
        quantity=sent,
        note=_("Request of %(date)s") % {"date": f"{timezone.localtime(request.requested_at):%Y-%m-%d}"},
        request=request,
    )
    request.filled_quantity += sent
    if request.filled_quantity >= request.quantity:
        request.status = SupplyRequest.Status.FILLED
    elif request.filled_quantity >= (request.approved_quantity or 0):
        request.status = SupplyRequest.Status.PART_FILLED
    else:
        request.status = SupplyRequest.Status.APPROVED
    request.save(update_fields=["approved_quantity", "decided_at", "decided_by", "filled_quantity", "status"])
    audit_record(
        by=by,
        action="supply_request.fill",
        obj=request,
        org_unit=request.org_unit,
        summary={"asked": request.quantity, "sent": sent, "transfer": transfer.pk},
    )
    return transfer
