"""Donations (with their receipts and a public list per unit) and funds (budget, donations, spending, balance)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.views.exporting import EXPORT, audit_export
from bastion.supplies import exports
from bastion.supplies.forms import DonationForm, FundEntryForm, FundForm
from bastion.supplies.models import Donation
from bastion.supplies.selectors import money as selectors
from bastion.supplies.selectors import stock as stock_selectors
from bastion.supplies.services import money as services
from bastion.supplies.views.common import filters, form_page


@login_required
@permission_required("supplies.view_donation", raise_exception=True)
def donation_list(request: AuthedRequest) -> HttpResponse:
    data = filters(request, "kind")
    donations = selectors.donations_for_user(request.user, **data)
    context = {
        "page": paginate(request, donations),
        "query": query_without_page(request),
        **data,
        "kinds": Donation.Kind.choices,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "supplies/donation_list.html", context)


@login_required
@permission_required(["supplies.view_donation", EXPORT], raise_exception=True)
def donation_export(request: AuthedRequest) -> HttpResponse:
    data = filters(request, "kind")
    donations = selectors.donations_for_user(request.user, **data)
    audit_export(request, "supplies.export", "supplies.donation", donations.count(), dict(data))
    return _xlsx(exports.donations_workbook(donations.iterator(chunk_size=2000)), _dated("donations"))


@login_required
@permission_required("supplies.add_donation", raise_exception=True)
def donation_new(request: AuthedRequest) -> HttpResponse:
    form = DonationForm(
        request.POST or None,
        units=core_selectors.orgunit_choices_for_user(request.user),
        funds=selectors.funds_for_user(request.user),
        stores=stock_selectors.stores_for_user(request.user, active_only=True),
        initial={"received_on": timezone.localdate(), "kind": Donation.Kind.GOODS},
    )

    def save(data: dict[str, Any]) -> Donation:
        if data["kind"] == Donation.Kind.CASH:
            data = {k: v for k, v in data.items() if k not in ("item", "quantity", "store", "batch_code", "expires_on")}
        else:
            data = {k: v for k, v in data.items() if k not in ("amount", "fund")}
        return services.donation_record(by=request.user, **data)

    donation = form_submit(request, form, save)
    if donation is not None:
        messages.success(request, _("Donation %(number)s recorded: print the receipt.") % {"number": donation.number})
        return redirect("supplies:donation_detail", donation_id=donation.pk)
    status = 400 if request.method == "POST" else 200
    return form_page(request, form, _("Record a donation"), cancel=reverse("supplies:donation_list"), status=status)


@login_required
@permission_required("supplies.view_donation", raise_exception=True)
def donation_detail(request: AuthedRequest, donation_id: int) -> HttpResponse:
    donation = selectors.donation_get_for_user(request.user, donation_id)
    return render(request, "supplies/donation_detail.html", {"donation": donation})


@login_required
@permission_required("supplies.view_donation", raise_exception=True)
def donation_receipt(request: AuthedRequest, donation_id: int) -> HttpResponse:
    donation = selectors.donation_get_for_user(request.user, donation_id)
    response = HttpResponse(exports.donation_receipt(donation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{donation.number}.pdf"'
    return response


def public_donations(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Open to anyone: the donations a unit received, anonymous donors shown as such, no amounts per person hidden."""
    unit = get_object_or_404(OrgUnit, pk=unit_id, is_active=True)
    donations = selectors.donations_public(unit)
    context = {"unit": unit, "page": paginate(request, donations), "query": ""}
    return render(request, "supplies/public_donations.html", context)


@login_required
@permission_required("supplies.view_fund", raise_exception=True)
def fund_list(request: AuthedRequest) -> HttpResponse:
    data = filters(request)
    funds = selectors.funds_for_user(request.user, **data)
    context = {
        "page": paginate(request, funds),
        "query": query_without_page(request),
        **data,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "supplies/fund_list.html", context)


@login_required
@permission_required("supplies.view_fund", raise_exception=True)
def fund_export(request: AuthedRequest) -> HttpResponse:
    funds = selectors.funds_for_user(request.user, **filters(request))
    return _xlsx(exports.funds_workbook(funds), _dated("funds"))


@login_required
@permission_required("supplies.add_fund", raise_exception=True)
def fund_new(request: AuthedRequest) -> HttpResponse:
    form = FundForm(request.POST or None, units=core_selectors.orgunit_choices_for_user(request.user))
    fund = form_submit(request, form, lambda data: services.fund_create(by=request.user, **data))
    if fund is not None:
        return redirect("supplies:fund_detail", fund_id=fund.pk)
    return form_page(request, form, _("New fund"), cancel=reverse("supplies:fund_list"))


def _fund_page(request: AuthedRequest, fund_id: int, bound: dict[str, Any] | None = None) -> HttpResponse:
    fund = selectors.fund_get_for_user(request.user, fund_id)
    today = timezone.localdate()
    context = {
        "fund": fund,
        "entries": selectors.fund_entries(fund)[:200],
        "budget_form": (bound or {}).get("budget") or FundEntryForm(prefix="budget", initial={"on": today}),
        "spend_form": (bound or {}).get("spend") or FundEntryForm(prefix="spend", initial={"on": today}),
    }
    return render(request, "supplies/fund_detail.html", context, status=400 if bound else 200)


@login_required
@permission_required("supplies.view_fund", raise_exception=True)
def fund_detail(request: AuthedRequest, fund_id: int) -> HttpResponse:
    return _fund_page(request, fund_id)


def _fund_entry(kind: str) -> Any:
    @login_required
    @permission_required("supplies.add_fundentry", raise_exception=True)
    def view(request: AuthedRequest, fund_id: int) -> HttpResponse:
        fund = selectors.fund_get_for_user(request.user, fund_id)
        if request.method != "POST":
            return redirect("supplies:fund_detail", fund_id=fund.pk)
        form = FundEntryForm(request.POST, prefix=kind)
        service = services.fund_allocate if kind == "budget" else services.fund_spend
        entry = form_submit(request, form, lambda data: service(by=request.user, fund=fund, **data))
        if entry is None:
            return _fund_page(request, fund.pk, {kind: form})
        messages.success(request, _("¥%(amount)s recorded.") % {"amount": f"{abs(entry.amount):,.2f}"})
        return redirect("supplies:fund_detail", fund_id=fund.pk)

    return view


urlpatterns = [
    path("donations/", donation_list, name="donation_list"),
    path("donations.xlsx", donation_export, name="donation_export"),
    path("donations/new/", donation_new, name="donation_new"),
    path("donations/<int:donation_id>/", donation_detail, name="donation_detail"),
    path("donations/<int:donation_id>/receipt.pdf", donation_receipt, name="donation_receipt"),
    path("public/<int:unit_id>/donations/", public_donations, name="public_donations"),
    path("funds/", fund_list, name="fund_list"),
    path("funds.xlsx", fund_export, name="fund_export"),
    path("funds/new/", fund_new, name="fund_new"),
    path("funds/<int:fund_id>/", fund_detail, name="fund_detail"),
    path("funds/<int:fund_id>/budget/", _fund_entry("budget"), name="fund_budget"),
    path("funds/<int:fund_id>/spend/", _fund_entry("spend"), name="fund_spend"),
]
