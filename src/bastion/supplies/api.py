"""The supplies API: stores, stock, movements, issue (one recipient or a list), transfers, requests, donations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors as core_selectors
from bastion.core.api import errors_named_as_sent, require_perm, unit_asked
from bastion.core.models import User
from bastion.supplies import schemas as s
from bastion.supplies.models import Donation, Item, Store, SupplyRequest, Transfer
from bastion.supplies.selectors import money as money_selectors
from bastion.supplies.selectors import stock as selectors
from bastion.supplies.services import ledger, transfers
from bastion.supplies.services.money import donation_record

router = Router(tags=["supplies"])

SENT_AS = {name: f"{name}_id" for name in ("store", "from_store", "to_store", "fund")} | {"org_unit": "unit_id"}


def _item(code: str | None, field: str = "item") -> Item:
    item = Item.objects.filter(code=code or "", is_active=True).first()
    if item is None:
        raise ValidationError({field: _("No item with the code %(code)s.") % {"code": code or "—"}})
    return item


@router.get("/supplies/items", response=list[s.ItemOut])
def list_items(request: HttpRequest) -> Any:
    require_perm(request, "supplies.view_store")
    return selectors.items_active()


@router.get("/supplies/stores", response=list[s.StoreOut])
@paginate(PageNumberPagination, page_size=100)
def list_stores(request: HttpRequest, unit: int | None = None, q: str = "", kind: str = "") -> Any:
    user = require_perm(request, "supplies.view_store")
    return selectors.stores_for_user(user, unit=unit_asked(user, unit), q=q, kind=kind)


@router.get("/supplies/stores/{store_id}/stock", response=list[s.StockOut])
def store_stock(request: HttpRequest, store_id: int) -> Any:
    """The store's stock per item (batches added up), goods on the way to it and days of cover."""
    user = require_perm(request, "supplies.view_store")
    return selectors.stock_of_store(selectors.store_get_for_user(user, store_id))


@router.get("/supplies/movements", response=list[s.MovementOut])
@paginate(PageNumberPagination, page_size=100)
def list_movements(
    request: HttpRequest, unit: int | None = None, store: int | None = None, item: str = "", kind: str = ""
) -> Any:
    user = require_perm(request, "supplies.view_movement")
    return selectors.movements_for_user(
        user,
        unit=unit_asked(user, unit),
        store=selectors.store_get_for_user(user, store) if store else None,
        item=_item(item) if item else None,
        kind=kind,
    )


def _store(user: User, store_id: int) -> Store:
    return selectors.store_get_for_user(user, store_id)


@router.post("/supplies/stores/{store_id}/receive", response={201: s.MovementOut})
def receive(request: HttpRequest, store_id: int, payload: s.ReceiveIn) -> Status[Any]:
    user = require_perm(request, "supplies.add_movement")
    store = _store(user, store_id)
    with errors_named_as_sent(SENT_AS):
        movement = ledger.stock_receive(
            by=user, store=store, item=_item(payload.item), **payload.dict(exclude={"item"})
        )
    return Status(201, movement)


@router.post("/supplies/stores/{store_id}/issue", response={201: list[s.MovementOut]})
def issue(request: HttpRequest, store_id: int, payload: s.IssueIn) -> Status[Any]:
    """Issue to one recipient; never more than the store holds (the answer says how much it holds)."""
    user = require_perm(request, "supplies.add_movement")
    store = _store(user, store_id)
    with errors_named_as_sent(SENT_AS):
        movements = ledger.stock_issue(by=user, store=store, item=_item(payload.item), **payload.dict(exclude={"item"}))
    return Status(201, movements)


@router.post("/supplies/stores/{store_id}/hand-out", response={201: s.DistributionOut})
def hand_out(request: HttpRequest, store_id: int, payload: s.HandOutIn) -> Status[Any]:
    """Hand out to a whole list in one entry: all of it, or (with the reason) nothing."""
    user = require_perm(request, "supplies.add_movement")
    store = _store(user, store_id)
    lines = [(_item(line.item, "items"), line.each) for line in payload.items]
    with errors_named_as_sent(SENT_AS):
        distribution = ledger.stock_issue_to_list(
            by=user,
            store=store,
            items=lines,
            recipients=payload.recipients,
            recipient_kind=payload.recipient_kind,
            note=payload.note,
        )
    return Status(
        201,
        {
            "id": distribution.pk,
            "store_id": store.pk,
            "at": distribution.at,
            "recipients": distribution.recipients,
            "movements": distribution.movements.count(),
        },
    )


@router.get("/supplies/transfers", response=list[s.TransferOut])
@paginate(PageNumberPagination, page_size=100)
def list_transfers(request: HttpRequest, status: str = "", unit: int | None = None) -> Any:
    """Transfers leaving or reaching a unit in scope; ``status=in_transit`` for the goods on the way."""
    user = require_perm(request, "supplies.view_transfer")
    return selectors.transfers_for_user(user, status=status, unit=unit_asked(user, unit))


@router.post("/supplies/transfers", response={201: s.TransferOut})
def dispatch(request: HttpRequest, payload: s.TransferIn) -> Status[Any]:
    user = require_perm(request, "supplies.add_transfer")
    from_store = _store(user, payload.from_store_id)
    to_store = Store.objects.filter(pk=payload.to_store_id).select_related("org_unit").first()
    if to_store is None:
        raise ValidationError({"to_store_id": _("No such store.")})
    with errors_named_as_sent(SENT_AS):
        transfer = transfers.transfer_dispatch(
            by=user,
            from_store=from_store,
            to_store=to_store,
            item=_item(payload.item),
            quantity=payload.quantity,
            note=payload.note,
        )
    return Status(201, transfer)


@router.post("/supplies/transfers/{transfer_id}/receive", response=s.TransferOut)
def receive_transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    """The receiving store confirms the goods arrived."""
    user = require_perm(request, "supplies.change_transfer")
    transfer = selectors.transfer_get_for_user(user, transfer_id)
    return transfers.transfer_receive(by=user, transfer=transfer)


@router.get("/supplies/requests", response=list[s.RequestOut])
@paginate(PageNumberPagination, page_size=100)
def list_requests(request: HttpRequest, status: str = "", unit: int | None = None) -> Any:
    """Requests of units in scope; ``status=open`` for those waiting for a decision or goods."""
    user = require_perm(request, "supplies.view_supplyrequest")
    return selectors.requests_for_user(user, status=status, unit=unit_asked(user, unit))


@router.post("/supplies/requests", response={201: s.RequestOut})
def ask(request: HttpRequest, payload: s.RequestIn) -> Status[Any]:
    user = require_perm(request, "supplies.add_supplyrequest")
    store = _store(user, payload.store_id)
    with errors_named_as_sent(SENT_AS):
        asked = transfers.request_create(
            by=user, store=store, item=_item(payload.item), quantity=payload.quantity, reason=payload.reason
        )
    return Status(201, asked)


@router.post("/supplies/requests/{supply_request_id}/decide", response=s.RequestOut)
def decide(request: HttpRequest, supply_request_id: int, payload: s.DecisionIn) -> SupplyRequest:
    """The level above approves (all or part), refuses with a reason, or fills (sends goods: a transfer)."""
    user = require_perm(request, "supplies.change_supplyrequest")
    asked = selectors.request_get_for_user(user, supply_request_id)
    with errors_named_as_sent(SENT_AS):
        if payload.action == "approve":
            return transfers.request_approve(by=user, request=asked, quantity=payload.quantity or 0)
        if payload.action == "refuse":
            return transfers.request_refuse(by=user, request=asked, reason=payload.reason)
        if payload.action == "fill":
            if payload.from_store_id is None:
                raise ValidationError({"from_store": _("Choose the store the goods leave.")})
            from_store = _store(user, payload.from_store_id)
            transfers.request_fill(by=user, request=asked, from_store=from_store, quantity=payload.quantity)
            return selectors.request_get_for_user(user, asked.pk)
    raise ValidationError({"action": _("Choose approve, refuse or fill.")})


@router.get("/supplies/donations", response=list[s.DonationOut])
@paginate(PageNumberPagination, page_size=100)
def list_donations(request: HttpRequest, unit: int | None = None, kind: str = "", q: str = "") -> Any:
    user = require_perm(request, "supplies.view_donation")
    return money_selectors.donations_for_user(user, unit=unit_asked(user, unit), kind=kind, q=q)


@router.post("/supplies/donations", response={201: s.DonationOut})
def donate(request: HttpRequest, payload: s.DonationIn) -> Status[Any]:
    """Record a donation: goods go into the store's stock, cash into the fund; the answer holds the receipt number."""
    user = require_perm(request, "supplies.add_donation")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    fund = money_selectors.fund_get_for_user(user, payload.fund_id) if payload.fund_id else None
    store = _store(user, payload.store_id) if payload.store_id else None
    item = _item(payload.item) if payload.item else None
    with errors_named_as_sent(SENT_AS):
        donation: Donation = donation_record(
            by=user,
            org_unit=unit,
            fund=fund,
            store=store,
            item=item,
            **payload.dict(exclude={"unit_id", "fund_id", "store_id", "item"}),
        )
    return Status(201, donation)
