"""Import of an opening stock count from Excel: every row is checked first; one bad row and nothing is stored.

Each row names a store in the user's scope, an item (code or name), optionally a batch and its expiry, and the
quantity counted. A store and item that already have movements are refused: the opening count comes once; after
that, a count is an adjustment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core.imports import Column, Refused, RowError, read_sheet
from bastion.core.models import User
from bastion.core.names import localized
from bastion.core.scope import scoped
from bastion.observation.exports import table_workbook
from bastion.supplies.models import Item, Movement, Store
from bastion.supplies.services.ledger import stock_receive

STORE = Column("store", gettext_lazy("Store"), required=True, width=24)
ITEM = Column("item", gettext_lazy("Item"), required=True, width=20)
BATCH = Column("batch", gettext_lazy("Batch"))
EXPIRES = Column("expires_on", gettext_lazy("Expires on"))
QUANTITY = Column("quantity", gettext_lazy("Quantity counted"), required=True)
COLUMNS = (STORE, ITEM, BATCH, EXPIRES, QUANTITY)
T = TypeVar("T")


@dataclass(frozen=True)
class OpeningRow:
    row: int
    store: Store
    item: Item
    batch_code: str
    expires_on: dt.date | None
    quantity: int


def opening_template() -> bytes:
    example = ["县物资储备库", "mask_surgical", "20200120", "2022-01-19", 20000]
    return table_workbook(_("Opening stock"), [str(c) for c in COLUMNS], [example])


def _item(value: str, items: dict[str, Item]) -> Item:
    found = items.get(value.casefold())
    if found is None:
        raise Refused(_("No item %(item)s: use a code or a name from the list of items.") % {"item": value}, ITEM)
    return found


def _quantity(value: str) -> int:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not number.is_integer() or not 0 < number <= 10_000_000:
        raise Refused(_("Give a whole quantity above zero, not %(value)s.") % {"value": value or "—"}, QUANTITY)
    return int(number)


def _expiry(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        parsed = parse_date(value[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        raise Refused(_("Give the expiry date as 2020-12-31, not %(value)s.") % {"value": value}, EXPIRES)
    return parsed


def _attempt(problems: list[RowError], row: int, check: Callable[..., T], *args: Any) -> T | None:
    try:
        return check(*args)
    except Refused as refused:
        problems.append(refused.as_error(row))
        return None


def check_opening(data: bytes, *, by: User) -> tuple[list[OpeningRow], list[RowError]]:
    """Read and check every row; nothing is written here."""
    try:
        rows = read_sheet(data, COLUMNS, one_of=(QUANTITY,))
    except Refused as refused:
        return [], [refused.as_error()]
    stores = {s.name: s for s in scoped(Store.objects.filter(is_active=True).select_related("org_unit"), by)}
    items: dict[str, Item] = {}
    for entry in Item.objects.filter(is_active=True):
        items |= {entry.code.casefold(): entry, localized(entry.names).casefold(): entry}
        items |= {name.casefold(): entry for name in entry.names.values()}
    started = set(Movement.objects.filter(store__in=stores.values()).values_list("store_id", "item_id").distinct())
    checked: list[OpeningRow] = []
    errors: list[RowError] = []
    seen: set[tuple[int, int, str]] = set()
    for number, values in rows:
        problems: list[RowError] = []
        store = stores.get(values["store"])
        if store is None:
            problems.append(
                Refused(
                    _("No open store %(store)s in your scope.") % {"store": values["store"] or "—"}, STORE
                ).as_error(number)
            )
        item = _attempt(problems, number, _item, values["item"], items)
        quantity = _attempt(problems, number, _quantity, values["quantity"])
        expires_on = _attempt(problems, number, _expiry, values["expires_on"])
        if store is not None and item is not None:
            key = (store.pk, item.pk, values["batch"])
            if (store.pk, item.pk) in started:
                message = _("%(store)s already has movements of %(item)s: record an adjustment after a count instead.")
                problems.append(Refused(message % {"store": store.name, "item": item}, ITEM).as_error(number))
            elif key in seen:
                problems.append(Refused(_("This store, item and batch are on an earlier row."), ITEM).as_error(number))
            seen.add(key)
        if problems:
            errors += problems
        elif store is not None and item is not None and quantity is not None:
            checked.append(OpeningRow(number, store, item, values["batch"], expires_on, quantity))
    return checked, errors


@transaction.atomic
def opening_import(rows: Sequence[OpeningRow], *, by: User) -> int:
    """Store the checked rows through the ledger; any refusal rolls the whole file back."""
    for row in rows:
        try:
            stock_receive(
                by=by,
                store=row.store,
                item=row.item,
                quantity=row.quantity,
                source=Movement.Kind.OPENING,
                batch_code=row.batch_code,
                expires_on=row.expires_on,
                note=_("Opening stock count"),
            )
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)s: %(message)s") % {"row": row.row, "message": " ".join(exc.messages)}
            ) from exc
    return len(rows)
