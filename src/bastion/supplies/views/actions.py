"""What is done at a store: receive, issue to one recipient or to a whole list, count, write off, send, ask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core.views.helpers import AuthedRequest, form_submit
from bastion.supplies import forms as supply_forms
from bastion.supplies.models import Store
from bastion.supplies.selectors import stock as selectors
from bastion.supplies.services import ledger, transfers
from bastion.supplies.views.common import form_page

Done = Callable[[AuthedRequest, Store, dict[str, Any]], str]


@dataclass(frozen=True)
class Action:
    perm: str
    title: Any
    form: Callable[[AuthedRequest, Store, Any], forms.Form]
    done: Done
    help_text: Any = ""


def _plain_form(form_class: type[forms.Form]) -> Callable[[AuthedRequest, Store, Any], forms.Form]:
    return lambda request, store, data: form_class(data)


def _receive(request: AuthedRequest, store: Store, data: dict[str, Any]) -> str:
    movement = ledger.stock_receive(by=request.user, store=store, **data)
    return _("%(quantity)s %(unit)s of %(item)s received.") % {
        "quantity": movement.quantity,
        "unit": movement.item.unit_of_measure,
        "item": movement.item,
    }


def _issue(request: AuthedRequest, store: Store, data: dict[str, Any]) -> str:
    ledger.stock_issue(by=request.user, store=store, **data)
    return _("Issued to %(name)s.") % {"name": data["recipient_name"]}


def _hand_out(request: AuthedRequest, store: Store, data: dict[str, Any]) -> str:
    distribution = ledger.stock_issue_to_list(
        by=request.user,
        store=store,
        items=data["items"],
        recipients=data["recipients"],
        recipient_kind=data["recipient_kind"],
        note=data["note"],
    )
    return _("Handed out to %(count)s recipients in one entry.") % {"count": distribution.recipients}


def _adjust(request: AuthedRequest, store: Store, data: dict[str, Any]) -> str:
    movements = ledger.stock_adjust(by=request.user, store=store, **data)
    if not movements:
        return _("The count matches the stock: nothing to adjust.")
    return _("Stock adjusted by %(change)+d after the count.") % {"change": sum(m.quantity for m in movements)}


def _write_off(request: AuthedRequest, store: Store, data: dict[str, Any]) -> str:
    reasons = dict(supply_forms.WriteOffForm.base_fields["reason"].choices)  # type: ignore[attr-defined]
    data["reason"] = str(reasons.get(data["reason"], data["reason"]))
    ledger.stock_write_off(by=request.user, store=store, **data)
    return _("Written off.")


def _transfer_form(request: AuthedRequest, store: Store, data: Any) -> forms.Form:
    stores = selectors.stores_for_user(request.user, active_only=True).exclude(pk=store.pk)
    return supply_forms.TransferForm(data, stores=stores)


def _transfer(request: AuthedRequest, store: Store, data: dict[str, Any]) -> str:
    transfer = transfers.transfer_dispatch(by=request.user, from_store=store, **data)
    return _("Sent to %(store)s: in transit until it confirms the goods arrived.") % {"store": transfer.to_store}


def _request(request: AuthedRequest, store: Store, data: dict[str, Any]) -> str:
    asked = transfers.request_create(by=request.user, store=store, **data)
    return _("Asked %(unit)s for the goods.") % {"unit": asked.supplier_unit.display_name}


ACTIONS: dict[str, Action] = {
    "receive": Action("add_movement", gettext_lazy("Receive goods"), _plain_form(supply_forms.ReceiveForm), _receive),
    "issue": Action("add_movement", gettext_lazy("Issue goods"), _plain_form(supply_forms.IssueForm), _issue),
    "hand_out": Action(
        "add_movement",
        gettext_lazy("Hand out to a list"),
        _plain_form(supply_forms.HandOutForm),
        _hand_out,
        gettext_lazy("Everyone on the list gets each item's quantity; one entry, all or nothing."),
    ),
    "adjust": Action(
        "adjust_stock",
        gettext_lazy("Adjust after a count"),
        _plain_form(supply_forms.AdjustForm),
        _adjust,
        gettext_lazy("Give what was counted; the difference is recorded with the reason and audited."),
    ),
    "write_off": Action("adjust_stock", gettext_lazy("Write off"), _plain_form(supply_forms.WriteOffForm), _write_off),
    "transfer": Action("add_transfer", gettext_lazy("Send to another store"), _transfer_form, _transfer),
    "request": Action(
        "add_supplyrequest",
        gettext_lazy("Ask the level above"),
        _plain_form(supply_forms.RequestForm),
        _request,
    ),
}


def _view(name: str) -> Callable[[AuthedRequest, int], HttpResponse]:
    action = ACTIONS[name]

    @login_required
    def view(request: AuthedRequest, store_id: int) -> HttpResponse:
        store = selectors.store_get_for_user(request.user, store_id)
        if not request.user.has_perm(f"supplies.{action.perm}"):
            raise PermissionDenied
        form = action.form(request, store, request.POST or None)
        message = form_submit(request, form, lambda data: action.done(request, store, data))
        if message is not None:
            messages.success(request, message)
            return redirect("supplies:store_detail", store_id=store.pk)
        title = f"{action.title} · {store.name}"
        status = 400 if request.method == "POST" else 200
        cancel = reverse("supplies:store_detail", args=[store.pk])
        return form_page(request, form, title, cancel=cancel, help_text=str(action.help_text), status=status)

    view.__name__ = f"store_{name}"
    return view


urlpatterns = [path(f"stores/<int:store_id>/{name}/", _view(name), name=f"store_{name}") for name in ACTIONS]
