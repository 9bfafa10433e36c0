"""Stock pages: the stock of every store in scope with days of cover, stores, a store's page, movements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, date_asked, form_submit, paginate, query_without_page
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.views.exporting import EXPORT, audit_export
from bastion.supplies import exports
from bastion.supplies.forms import PeriodForm, StoreForm
from bastion.supplies.models import Item, Movement, Store
from bastion.supplies.selectors import money as money_selectors
from bastion.supplies.selectors import stock as selectors
from bastion.supplies.services.stores import store_save
from bastion.supplies.views.common import filters, form_page


def _stock_totals(request: AuthedRequest, data: dict[str, Any]) -> Any:
    stores = selectors.stores_for_user(request.user, unit=data["unit"], q=data["q"], active_only=True)
    return selectors.stock_totals(stores, category=data["category"])


@login_required
@permission_required("supplies.view_store", raise_exception=True)
def stock(request: AuthedRequest) -> HttpResponse:
    """Every store's stock per item, with what is in transit to it and its days of cover; low ones first if asked."""
    data = filters(request, "category", "low")
    totals = _stock_totals(request, data)
    if data["low"]:
        rows = [row for row in selectors.stock_rows(list(totals)) if row.is_low]
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
    else:
        page = paginate(request, totals)
        page.object_list = selectors.stock_rows(list(page.object_list))
    context = {
        "page": page,
        "query": query_without_page(request),
        **data,
        "categories": Item.Category.choices,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "supplies/stock.html", context)


@login_required
@permission_required("supplies.view_store", raise_exception=True)
def stock_export(request: AuthedRequest) -> HttpResponse:
    data = filters(request, "category", "low")
    rows = selectors.stock_rows(list(_stock_totals(request, data)))
    return _xlsx(exports.stock_workbook(r for r in rows if r.is_low or not data["low"]), _dated("stock"))


@login_required
@permission_required("supplies.view_store", raise_exception=True)
def store_list(request: AuthedRequest) -> HttpResponse:
    data = filters(request, "kind")
    stores = selectors.stores_for_user(request.user, unit=data["unit"], q=data["q"], kind=data["kind"])
    context = {
        "page": paginate(request, stores),
        "query": query_without_page(request),
        **data,
        "kinds": Store.Kind.choices,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "supplies/store_list.html", context)


def _store_form(request: AuthedRequest, store: Store | None) -> HttpResponse:
    initial: dict[str, Any] = {"is_active": True}
    if store is not None:
        initial |= {"org_unit": store.org_unit, "name": store.name, "kind": store.kind, "keeper": store.keeper}
        initial["is_active"] = store.is_active
    form = StoreForm(request.POST or None, units=core_selectors.orgunit_choices_for_user(request.user), initial=initial)
    saved = form_submit(request, form, lambda data: store_save(by=request.user, store=store, **data))
    if saved is not None:
        messages.success(request, _("The store %(name)s is saved.") % {"name": saved.name})
        return redirect("supplies:store_detail", store_id=saved.pk)
    title = _("New store") if store is None else _("Change %(store)s") % {"store": store.name}
    return form_page(request, form, title, cancel=reverse("supplies:store_list"))


@login_required
@permission_required("supplies.add_store", raise_exception=True)
def store_new(request: AuthedRequest) -> HttpResponse:
    return _store_form(request, None)


@login_required
@permission_required("supplies.change_store", raise_exception=True)
def store_edit(request: AuthedRequest, store_id: int) -> HttpResponse:
    return _store_form(request, selectors.store_get_for_user(request.user, store_id))


@login_required
@permission_required("supplies.view_store", raise_exception=True)
def store_detail(request: AuthedRequest, store_id: int) -> HttpResponse:
    store = selectors.store_get_for_user(request.user, store_id)
    today = timezone.localdate()
    context = {
        "store": store,
        "rows": selectors.stock_of_store(store),
        "batches": selectors.store_batches(store),
        "movements": selectors.movements_for_user(request.user, store=store)[:20],
        "incoming": selectors.transfers_for_user(request.user, status="in_transit").filter(to_store=store),
        "period": PeriodForm(initial={"first": today.replace(day=1), "last": today}),
        "today": today,
    }
    return render(request, "supplies/store_detail.html", context)


@login_required
@permission_required("supplies.view_store", raise_exception=True)
def store_ledger(request: AuthedRequest, store_id: int) -> HttpResponse:
    """The stock ledger (台账) of the store over a period, as an Excel sheet."""
    store = selectors.store_get_for_user(request.user, store_id)
    last = date_asked(request, "last") or timezone.localdate()
    first = date_asked(request, "first") or last.replace(day=1)
    if first > last:
        first, last = last, first
    rows = money_selectors.store_ledger(store, first, last)
    return _xlsx(
        exports.ledger_workbook(store, first, last, rows), f"ledger-{store.pk}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
    )


def _movement_filters(request: AuthedRequest) -> dict[str, Any]:
    data = filters(request, "kind")
    store_id, item_code = request.GET.get("store", ""), request.GET.get("item", "")
    data["store"] = selectors.store_get_for_user(request.user, int(store_id)) if store_id.isdigit() else None
    data["item"] = Item.objects.filter(code=item_code).first() if item_code else None
    data["date_from"], data["date_to"] = date_asked(request, "from"), date_asked(request, "to")
    return data


@login_required
@permission_required("supplies.view_movement", raise_exception=True)
def movement_list(request: AuthedRequest) -> HttpResponse:
    data = _movement_filters(request)
    movements = selectors.movements_for_user(request.user, **data)
    context = {
        "page": paginate(request, movements),
        "query": query_without_page(request),
        **data,
        "kinds": Movement.Kind.choices,
        "items": selectors.items_active(),
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "supplies/movement_list.html", context)


@login_required
@permission_required(["supplies.view_movement", EXPORT], raise_exception=True)
def movement_export(request: AuthedRequest) -> HttpResponse:
    data = _movement_filters(request)
    movements = selectors.movements_for_user(request.user, **data)
    summary = {"unit": data["unit"], "q": data["q"], "kind": data["kind"]}
    audit_export(request, "supplies.export", "supplies.movement", movements.count(), summary)
    return _xlsx(exports.movements_workbook(movements.iterator(chunk_size=2000)), _dated("movements"))


urlpatterns = [
    path("", stock, name="stock"),
    path("stock.xlsx", stock_export, name="stock_export"),
    path("stores/", store_list, name="store_list"),
    path("stores/new/", store_new, name="store_new"),
    path("stores/<int:store_id>/", store_detail, name="store_detail"),
    path("stores/<int:store_id>/edit/", store_edit, name="store_edit"),
    path("stores/<int:store_id>/ledger.xlsx", store_ledger, name="store_ledger"),
    path("movements/", movement_list, name="movement_list"),
    path("movements.xlsx", movement_export, name="movement_export"),
]
