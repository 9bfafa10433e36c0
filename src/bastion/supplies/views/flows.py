"""Goods between levels: transfers (in transit until confirmed) and requests to the level above."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.scope import unit_in_scope
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page
from bastion.supplies.forms import ApproveForm, FillForm, RefuseForm
from bastion.supplies.models import SupplyRequest, Transfer
from bastion.supplies.selectors import stock as selectors
from bastion.supplies.services import transfers as services
from bastion.supplies.views.common import filters


@login_required
@permission_required("supplies.view_transfer", raise_exception=True)
def transfer_list(request: AuthedRequest) -> HttpResponse:
    data = filters(request, "status")
    if "status" not in request.GET:
        data["status"] = Transfer.Status.IN_TRANSIT
    transfers = selectors.transfers_for_user(request.user, **data)
    context = {
        "page": paginate(request, transfers),
        "query": query_without_page(request),
        **data,
        "statuses": Transfer.Status.choices,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "supplies/transfer_list.html", context)


@login_required
@require_POST
@permission_required("supplies.change_transfer", raise_exception=True)
def transfer_receive(request: AuthedRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.transfer_get_for_user(request.user, transfer_id)
    try:
        services.transfer_receive(by=request.user, transfer=transfer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(quantity)s %(unit)s of %(item)s are now in %(store)s.")
            % {
                "quantity": transfer.quantity,
                "unit": transfer.item.unit_of_measure,
                "item": transfer.item,
                "store": transfer.to_store,
            },
        )
    return redirect("supplies:store_detail", store_id=transfer.to_store_id)


@login_required
@permission_required("supplies.view_supplyrequest", raise_exception=True)
def request_list(request: AuthedRequest) -> HttpResponse:
    data = filters(request, "status")
    if "status" not in request.GET:
        data["status"] = "open"
    requests = selectors.requests_for_user(request.user, **data)
    context = {
        "page": paginate(request, requests),
        "query": query_without_page(request),
        **data,
        "statuses": [("open", _("Open")), *SupplyRequest.Status.choices],
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "supplies/request_list.html", context)


def _supplier_stores(request: AuthedRequest, asked: SupplyRequest) -> Any:
    return selectors.stores_for_user(request.user, active_only=True).filter(org_unit=asked.supplier_unit)


def _detail(request: AuthedRequest, asked: SupplyRequest, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    bound = bound or {}
    may_decide = request.user.has_perm("supplies.change_supplyrequest") and unit_in_scope(
        request.user, asked.supplier_unit
    )
    left = asked.still_to_send if asked.status == SupplyRequest.Status.APPROVED else asked.quantity
    context = {
        "asked": asked,
        "may_decide": may_decide and asked.status in (SupplyRequest.Status.PENDING, SupplyRequest.Status.APPROVED),
        "approve_form": bound.get("approve") or ApproveForm(initial={"quantity": asked.quantity}),
        "refuse_form": bound.get("refuse") or RefuseForm(),
        "fill_form": bound.get("fill") or FillForm(stores=_supplier_stores(request, asked), initial={"quantity": left}),
        "transfers": asked.transfers.select_related("from_store").order_by("pk"),
    }
    return render(request, "supplies/request_detail.html", context, status=400 if bound else 200)


@login_required
@permission_required("supplies.view_supplyrequest", raise_exception=True)
def request_detail(request: AuthedRequest, supply_request_id: int) -> HttpResponse:
    return _detail(request, selectors.request_get_for_user(request.user, supply_request_id))


@login_required
@require_POST
@permission_required("supplies.change_supplyrequest", raise_exception=True)
def request_decide(request: AuthedRequest, supply_request_id: int, decision: str) -> HttpResponse:
    """Approve (all or part), refuse with a reason, or fill from a store of the level above."""
    asked = selectors.request_get_for_user(request.user, supply_request_id)
    form: forms.Form
    done: object
    if decision == "approve":
        form = ApproveForm(request.POST)
        done = form_submit(request, form, lambda d: services.request_approve(by=request.user, request=asked, **d))
        message = _("Approved.")
    elif decision == "refuse":
        form = RefuseForm(request.POST)
        done = form_submit(request, form, lambda d: services.request_refuse(by=request.user, request=asked, **d))
        message = _("Refused; the unit that asked will read the reason.")
    else:
        form = FillForm(request.POST, stores=_supplier_stores(request, asked))
        done = form_submit(request, form, lambda d: services.request_fill(by=request.user, request=asked, **d))
        message = _("Sent: the goods are in transit until the unit confirms them.")
    if done is None:
        return _detail(request, asked, {decision: form})
    messages.success(request, message)
    return redirect("supplies:request_detail", supply_request_id=asked.pk)


def _decision(name: str) -> Any:
    def view(request: AuthedRequest, supply_request_id: int) -> HttpResponse:
        return request_decide(request, supply_request_id, name)

    return view


urlpatterns = [
    path("transfers/", transfer_list, name="transfer_list"),
    path("transfers/<int:transfer_id>/receive/", transfer_receive, name="transfer_receive"),
    path("requests/", request_list, name="request_list"),
    path("requests/<int:supply_request_id>/", request_detail, name="request_detail"),
    *[
        path(f"requests/<int:supply_request_id>/{name}/", _decision(name), name=f"request_{name}")
        for name in ("approve", "refuse", "fill")
    ],
]
