"""The stock ledger: receipts, issues (to one recipient or a whole list), adjustments and write-offs.

Every change is a ``Movement``; the store's ``Balance`` row for the item and batch is locked
(``select_for_update``) and moved in the same transaction, and its check constraint keeps it at zero or above.
Other apps (deliveries to observed households, duty posts) hand out stock through ``stock_issue``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import User
from bastion.core.services.audit import audit_record
from bastion.residents.validation import plain
from bastion.supplies.figures import movements_count
from bastion.supplies.models import Balance, Batch, Distribution, Donation, Item, Movement, Store, Transfer
from bastion.supplies.services.common import quantity as valid_quantity
from bastion.supplies.services.common import require, store_usable

MAX_RECIPIENTS = 1000


@dataclass(frozen=True)
class Piece:
    """Part of an outflow taken from one batch (or from the stock kept without a batch)."""

    batch: Batch | None
    quantity: int


def _when(at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("A movement cannot be dated in the future.")})
    return at


def _bucket(store: Store, item: Item, batch: Batch | None) -> Balance:
    """The locked balance row of an inflow, made when the first goods arrive (a racing insert waits, then locks)."""
    rows = Balance.objects.select_for_update().filter(store=store, item=item, batch=batch)
    balance = rows.first()
    if balance is None:
        try:
            with transaction.atomic():
                balance = Balance.objects.create(store=store, item=item, batch=batch)
        except IntegrityError:
            balance = rows.get()
    return balance


def _expired(batch: Batch | None, on: dt.date) -> bool:
    return batch is not None and batch.expires_on is not None and batch.expires_on < on


def _unit(item: Item) -> str:
    return item.unit_of_measure


def _first_to_expire(row: Balance) -> tuple[bool, dt.date]:
    """Batches by expiry (undated ones after dated ones), then the stock kept without a batch."""
    expires = row.batch.expires_on if row.batch is not None else None
    return row.batch is None, expires or dt.date.max


def _take(store: Store, item: Item, wanted: int, batch: Batch | None, *, allow_expired: bool = False) -> list[Piece]:
    """Lock the store's balances of the item and choose what leaves: the named batch, or the earliest expiry first.

    Rows are locked in primary-key order, whatever is taken, so two issues never wait on each other crosswise.
    """
    today = timezone.localdate()
    if batch is not None and _expired(batch, today) and not allow_expired:
        message = _("Batch %(batch)s of %(item)s expired on %(date)s: write it off instead of issuing it.")
        raise ValidationError({"batch": message % {"batch": batch.code, "item": item, "date": batch.expires_on}})
    rows = list(
        Balance.objects.select_for_update(of=("self",))
        .filter(store=store, item=item)
        .select_related("batch")
        .order_by("pk")
    )
    if batch is not None:
        rows = [row for row in rows if row.batch_id == batch.pk]
    usable = [row for row in rows if allow_expired or not _expired(row.batch, today)]
    usable.sort(key=_first_to_expire)
    available = sum(row.quantity for row in usable)
    if available < wanted:
        expired = sum(row.quantity for row in rows) - available
        message = _("%(store)s holds only %(available)s %(unit)s of %(item)s; %(wanted)s were asked for.") % {
            "store": store.name,
            "available": available,
            "unit": _unit(item),
            "item": item,
            "wanted": wanted,
        }
        if expired:
            message += " " + _("%(expired)s more are expired: write them off.") % {"expired": expired}
        raise ValidationError({"quantity": message})
    pieces, left = [], wanted
    for row in usable:
        if left == 0:
            break
        taken = min(row.quantity, left)
        if taken:
            row.quantity -= taken
            row.save(update_fields=["quantity"])
            pieces.append(Piece(row.batch, taken))
            left -= taken
    return pieces


def _record(store: Store, item: Item, batch: Batch | None, kind: str, signed: int, **fields: object) -> Movement:
    """Write one movement; the caller passes it (or all of one entry's) to ``movements_count``."""
    return Movement.objects.create(
        store=store, org_unit=store.org_unit, item=item, batch=batch, kind=kind, quantity=signed, **fields
    )


def batch_for(item: Item, code: str, expires_on: dt.date | None) -> Batch | None:
    """The item's batch of that code, made on first receipt; none when no code is given."""
    code = plain(code)
    if not code:
        if expires_on is not None:
            raise ValidationError({"batch_code": _("Give the batch number printed beside the expiry date.")})
        return None
    batch, created = Batch.objects.get_or_create(item=item, code=code, defaults={"expires_on": expires_on})
    if not created and expires_on is not None and batch.expires_on != expires_on:
        message = _("Batch %(batch)s of %(item)s expires on %(date)s, not on the date given.")
        raise ValidationError({"expires_on": message % {"batch": code, "item": item, "date": batch.expires_on}})
    return batch


RECEIPTS = (Movement.Kind.PURCHASE, Movement.Kind.DONATION, Movement.Kind.ALLOCATION, Movement.Kind.OPENING)


@transaction.atomic
def stock_receive(
    *,
    by: User | None,
    store: Store,
    item: Item,
    quantity: int,
    source: str = Movement.Kind.PURCHASE,
    batch_code: str = "",
    expires_on: dt.date | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    donation: Donation | None = None,
) -> Movement:
    """Goods come into a store: bought, donated, allocated from above, or counted at the opening."""
    require(by, "adjust_stock" if source == Movement.Kind.OPENING else "add_movement", store.org_unit)
    store_usable(store, by)
    quantity = valid_quantity(quantity)
    if source not in RECEIPTS:
        raise ValidationError({"source": _("Choose where the goods come from.")})
    batch = batch_for(item, batch_code, expires_on)
    balance = _bucket(store, item, batch)
    balance.quantity += quantity
    balance.save(update_fields=["quantity"])
    movement = _record(
        store, item, batch, source, quantity, at=_when(at), by=by, note=plain(note)[:300], donation=donation
    )
    movements_count([movement])
    audit_record(
        by=by,
        action=f"stock.{source}",
        obj=movement,
        org_unit=store.org_unit,
        summary={"store": store.name, "item": item.code, "quantity": quantity, "batch": batch.code if batch else ""},
    )
    return movement


def _recipient(kind: str, name: str) -> tuple[str, str]:
    name = plain(name)[:100]
    if kind not in Movement.Recipient.values:
        raise ValidationError({"recipient_kind": _("Choose who receives the goods.")})
    if not name:
        raise ValidationError({"recipient_name": _("Give the recipient's name.")})
    return kind, name


@transaction.atomic
def stock_issue(
    *,
    by: User | None,
    store: Store,
    item: Item,
    quantity: int,
    recipient_kind: str,
    recipient_name: str,
    batch: Batch | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> list[Movement]:
    """Hand goods out to a person, a household, a duty post or shift, an institution or a person under
    observation; never more than the store holds, never an expired batch. One movement per batch taken."""
    require(by, "add_movement", store.org_unit)
    store_usable(store, by)
    quantity = valid_quantity(quantity)
    kind, name = _recipient(recipient_kind, recipient_name)
    when = _when(at)
    movements = [
        _record(
            store,
            item,
            piece.batch,
            Movement.Kind.ISSUE,
            -piece.quantity,
            at=when,
            by=by,
            recipient_kind=kind,
            recipient_name=name,
            note=plain(note)[:300],
        )
        for piece in _take(store, item, quantity, batch)
    ]
    movements_count(movements)
    audit_record(
        by=by,
        action="stock.issue",
        obj=movements[0],
        org_unit=store.org_unit,
        summary={"store": store.name, "item": item.code, "quantity": quantity, "recipient_kind": kind},
    )
    return movements


@transaction.atomic
def stock_issue_to_list(
    *,
    by: User | None,
    store: Store,
    items: Sequence[tuple[Item, int]],
    recipients: Sequence[str],
    recipient_kind: str = Movement.Recipient.PERSON,
    note: str = "",
    at: dt.datetime | None = None,
) -> Distribution:
    """One entry for a whole list: every recipient gets each item's quantity, all in one transaction or none."""
    require(by, "add_movement", store.org_unit)
    store_usable(store, by)
    names = [name for name in (plain(r)[:100] for r in recipients) if name]
    if not names:
        raise ValidationError({"recipients": _("Give at least one recipient, one name a line.")})
    if len(names) > MAX_RECIPIENTS:
        raise ValidationError({"recipients": _("At most %(max)s recipients in one entry.") % {"max": MAX_RECIPIENTS}})
    if not items:
        raise ValidationError({"items": _("Give at least one item and its quantity for each recipient.")})
    if len({item.pk for item, _each in items}) != len(items):
        raise ValidationError({"items": _("Give each item once.")})
    kind, _first = _recipient(recipient_kind, names[0])
    when = _when(at)
    distribution = Distribution.objects.create(
        store=store, at=when, by=by, note=plain(note)[:300], recipients=len(names)
    )
    rows: list[Movement] = []
    for item, each in items:
        pieces = _take(store, item, valid_quantity(each, "items") * len(names), None)
        # Hand the pieces out in order: each recipient's share comes from the earliest expiry first.
        batches = [piece.batch for piece in pieces]
        left = [piece.quantity for piece in pieces]
        index = 0
        for name in names:
            wanted = each
            while wanted:
                taken = min(wanted, left[index])
                rows.append(
                    Movement(
                        store=store,
                        org_unit=store.org_unit,
                        item=item,
                        batch=batches[index],
                        kind=Movement.Kind.ISSUE,
                        quantity=-taken,
                        at=when,
                        by=by,
                        recipient_kind=kind,
                        recipient_name=name,
                        note=distribution.note,
                        distribution=distribution,
                    )
                )
                wanted -= taken
                left[index] -= taken
                if left[index] == 0:
                    index += 1
    Movement.objects.bulk_create(rows, batch_size=500)
    movements_count(rows)
    audit_record(
        by=by,
        action="stock.issue_list",
        obj=distribution,
        org_unit=store.org_unit,
        summary={"store": store.name, "recipients": len(names), "items": {i.code: q for i, q in items}},
    )
    return distribution


def _reason(reason: str) -> str:
    reason = plain(reason)[:300]
    if not reason:
        raise ValidationError({"reason": _("Give the reason: it stays in the audit log.")})
    return reason


@transaction.atomic
def stock_adjust(
    *, by: User | None, store: Store, item: Item, counted: int, reason: str, batch: Batch | None = None
) -> list[Movement]:
    """After a physical count of the item (of one batch, if named): movements bring the stock to what was
    counted; a shortfall leaves the earliest expiry first. None written if the count matches."""
    require(by, "adjust_stock", store.org_unit)
    store_usable(store, by)
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise ValidationError({"counted": _("Give the quantity counted: zero or more.")})
    reason = _reason(reason)
    rows = Balance.objects.select_for_update().filter(store=store, item=item).order_by("pk")
    held = sum(row.quantity for row in rows if batch is None or row.batch_id == batch.pk)
    delta, now = counted - held, timezone.now()
    if delta == 0:
        return []
    if delta > 0:
        balance = _bucket(store, item, batch)
        balance.quantity += delta
        balance.save(update_fields=["quantity"])
        pieces = [Piece(batch, -delta)]
    else:
        pieces = _take(store, item, -delta, batch, allow_expired=True)
    movements = [
        _record(store, item, p.batch, Movement.Kind.ADJUSTMENT, -p.quantity, at=now, by=by, note=reason) for p in pieces
    ]
    movements_count(movements)
    audit_record(
        by=by,
        action="stock.adjust",
        obj=movements[0],
        org_unit=store.org_unit,
        summary={"store": store.name, "item": item.code, "counted": counted, "change": delta, "reason": reason},
    )
    return movements


@transaction.atomic
def stock_write_off(
    *, by: User | None, store: Store, item: Item, quantity: int, reason: str, batch: Batch | None = None
) -> list[Movement]:
    """Expired or damaged goods leave the stock, with a reason; expired batches go first."""
    require(by, "adjust_stock", store.org_unit)
    store_usable(store, by)
    quantity = valid_quantity(quantity)
    reason = _reason(reason)
    today = timezone.localdate()
    pieces = _take(store, item, quantity, batch, allow_expired=True)
    movements = [
        _record(store, item, p.batch, Movement.Kind.WRITE_OFF, -p.quantity, at=timezone.now(), by=by, note=reason)
        for p in pieces
    ]
    movements_count(movements)
    audit_record(
        by=by,
        action="stock.write_off",
        obj=movements[0],
        org_unit=store.org_unit,
        summary={
            "store": store.name,
            "item": item.code,
            "quantity": quantity,
            "reason": reason,
            "expired": sum(p.quantity for p in pieces if _expired(p.batch, today)),
        },
    )
    return movements


def transfer_out(transfer: Transfer, by: User | None, batch: Batch | None) -> list[Movement]:
    """The out side of a transfer, inside the caller's transaction."""
    pieces = _take(transfer.from_store, transfer.item, transfer.quantity, batch)
    movements = [
        _record(
            transfer.from_store,
            transfer.item,
            p.batch,
            Movement.Kind.TRANSFER_OUT,
            -p.quantity,
            at=transfer.dispatched_at,
            by=by,
            transfer=transfer,
            note=transfer.note,
        )
        for p in pieces
    ]
    movements_count(movements)
    return movements


def transfer_in(transfer: Transfer, by: User | None, at: dt.datetime) -> list[Movement]:
    """The in side: the same batches and quantities that left, inside the caller's transaction."""
    out = Movement.objects.filter(transfer=transfer, kind=Movement.Kind.TRANSFER_OUT).select_related("batch")
    movements = []
    for sent in out.order_by("pk"):
        balance = _bucket(transfer.to_store, transfer.item, sent.batch)
        balance.quantity += -sent.quantity
        balance.save(update_fields=["quantity"])
        movements.append(
            _record(
                transfer.to_store,
                transfer.item,
                sent.batch,
                Movement.Kind.TRANSFER_IN,
                -sent.quantity,
                at=at,
                by=by,
                transfer=transfer,
                note=transfer.note,
            )
        )
    movements_count(movements)
    return movements
