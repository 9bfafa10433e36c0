"""Deliveries (the cadre's deliveries to make, the township's deliveries pending) and the care register."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import care_workbook, deliveries_workbook
from bastion.observation.forms_care import (
    AssignForm,
    CancelForm,
    CareForm,
    ContactForm,
    DeliverForm,
    DeliveryRequestForm,
)
from bastion.observation.models import CarePerson, DeliveryRequest
from bastion.observation.selectors import care as selectors
from bastion.observation.services import care as services
from bastion.observation.views.exporting import EXPORT, audit_export
from bastion.residents.models import Person
from bastion.residents.selectors import person_get_for_user

UNIT_LEVELS = 4
STATUSES = [("pending", gettext_lazy("Still to deliver")), *DeliveryRequest.Status.choices]


def _delivery_filters(request: AuthedRequest) -> dict[str, Any]:
    return {
        "unit": unit_asked_for(request),
        "status": request.GET.get("status", ""),
        "mine": request.GET.get("mine") == "1",
        "q": request.GET.get("q", "").strip(),
    }


@login_required
@permission_required("observation.view_deliveryrequest", raise_exception=True)
def delivery_list(request: AuthedRequest) -> HttpResponse:
    filters = _delivery_filters(request)
    deliveries = selectors.deliveries_for_user(request.user, **filters)
    return render(
        request,
        "observation/delivery_list.html",
        {
            **filters,
            "page": paginate(request, deliveries),
            "query": query_without_page(request),
            "statuses": STATUSES,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=UNIT_LEVELS),
        },
    )


@login_required
@permission_required(["observation.view_deliveryrequest", EXPORT], raise_exception=True)
def delivery_export(request: AuthedRequest) -> HttpResponse:
    filters = _delivery_filters(request)
    deliveries = selectors.deliveries_for_user(request.user, **filters)
    audit_export(request, "delivery.export", "observation.deliveryrequest", deliveries.count(), dict(filters))
    return _xlsx(deliveries_workbook(deliveries.iterator(chunk_size=2000)), _dated("deliveries"))


def _pick_person(request: AuthedRequest, template: str, title: str) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    return render(request, template, {"persons": selectors.persons_to_serve(request.user, q), "q": q, "title": title})


def _person_asked_for(request: AuthedRequest) -> Person | None:
    person_id = request.GET.get("person", "")
    return person_get_for_user(request.user, int(person_id)) if person_id.isdigit() else None


@login_required
@permission_required("observation.add_deliveryrequest", raise_exception=True)
def delivery_new(request: AuthedRequest) -> HttpResponse:
    person = _person_asked_for(request)
    title = _("Ask for a delivery")
    if person is None:
        return _pick_person(request, "observation/delivery_form.html", title)
    form = DeliveryRequestForm(request.POST or None, items=selectors.need_item_choices())
    delivery = form_submit(
        request,
        form,
        lambda data: services.delivery_request_create(
            by=request.user, person=person, lines=form.lines(), note=data["note"]
        ),
    )
    if delivery is not None:
        messages.success(request, _("Delivery to %(name)s requested.") % {"name": person.name})
        return redirect("observation:delivery_detail", delivery_id=delivery.pk)
    return render(request, "observation/delivery_form.html", {"form": form, "person": person, "title": title})


def _delivery_page(request: AuthedRequest, delivery: DeliveryRequest, **bound: forms.Form) -> HttpResponse:
    """The delivery with the forms the user may use on it; a form posted with errors comes back bound."""
    user = request.user
    pending = delivery.status in services.PENDING
    organiser = pending and user.has_perm("observation.add_deliveryrequest")
    recorder = pending and (delivery.assignee_id == user.pk or user.has_perm("observation.change_deliveryrequest"))
    lines = list(delivery.lines.all())
    shown = {"assign_form": organiser, "deliver_form": recorder, "cancel_form": organiser}
    blank: dict[str, Callable[[], forms.Form]] = {
        "assign_form": lambda: AssignForm(
            candidates=selectors.assignee_choices(user, delivery),
            initial={"assignee": delivery.assignee_id, "assignee_name": delivery.assignee_name},
        ),
        "deliver_form": lambda: DeliverForm(lines=lines),
        "cancel_form": CancelForm,
    }
    # A form posted back with errors is shown whatever the status, so that its message is seen.
    forms_shown = {
        name: bound[name] if name in bound else make() if shown[name] else None for name, make in blank.items()
    }
    return render(request, "observation/delivery_detail.html", {"delivery": delivery, "lines": lines, **forms_shown})


@login_required
@permission_required("observation.view_deliveryrequest", raise_exception=True)
def delivery_detail(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    return _delivery_page(request, selectors.delivery_get_for_user(request.user, delivery_id))


@login_required
@permission_required("observation.add_deliveryrequest", raise_exception=True)
@require_POST
def delivery_assign(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get_for_user(request.user, delivery_id)
    form = AssignForm(request.POST, candidates=selectors.assignee_choices(request.user, delivery))
    if form_submit(request, form, lambda data: services.delivery_assign(by=request.user, request=delivery, **data)):
        messages.success(request, _("The delivery is assigned."))
        return redirect("observation:delivery_detail", delivery_id=delivery.pk)
    return _delivery_page(request, delivery, assign_form=form)


@login_required
@permission_required("observation.view_deliveryrequest", raise_exception=True)
@require_POST
def delivery_deliver(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get_for_user(request.user, delivery_id)
    form = DeliverForm(request.POST, lines=list(delivery.lines.all()))
    done = form_submit(
        request,
        form,
        lambda data: services.delivery_record(
            by=request.user, request=delivery, delivered=form.delivered(), note=data["note"]
        ),
    )
    if done is not None:
        messages.success(request, _("Delivery to %(name)s recorded.") % {"name": delivery.person.name})
        return redirect("observation:delivery_detail", delivery_id=delivery.pk)
    return _delivery_page(request, delivery, deliver_form=form)


@login_required
@permission_required("observation.add_deliveryrequest", raise_exception=True)
@require_POST
def delivery_cancel(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get_for_user(request.user, delivery_id)
    form = CancelForm(request.POST)
    if form_submit(request, form, lambda data: services.delivery_cancel(by=request.user, request=delivery, **data)):
        messages.success(request, _("The delivery is cancelled."))
        return redirect("observation:delivery_detail", delivery_id=delivery.pk)
    return _delivery_page(request, delivery, cancel_form=form)


def _care_filters(request: AuthedRequest) -> dict[str, Any]:
    show = request.GET.get("show", "")
    return {
        "unit": unit_asked_for(request),
        "due": show == "due",
        "followed": None if show == "all" else show != "ended",
        "category": request.GET.get("category", ""),
        "q": request.GET.get("q", "").strip(),
    }


@login_required
@permission_required("observation.view_careperson", raise_exception=True)
def care_list(request: AuthedRequest) -> HttpResponse:
    filters = _care_filters(request)
    return render(
        request,
        "observation/care_list.html",
        {
            **filters,
            "show": request.GET.get("show", ""),
            "today": timezone.localdate(),
            "page": paginate(request, selectors.care_for_user(request.user, **filters)),
            "query": query_without_page(request),
            "categories": selectors.care_category_choices(),
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=UNIT_LEVELS),
        },
    )


@login_required
@permission_required(["observation.view_careperson", EXPORT], raise_exception=True)
def care_export(request: AuthedRequest) -> HttpResponse:
    filters = _care_filters(request)
    entries = selectors.care_for_user(request.user, **filters)
    audit_export(request, "care.export", "observation.careperson", entries.count(), dict(filters))
    return _xlsx(care_workbook(entries.iterator(chunk_size=2000)), _dated("care-register"))


def _care_form_page(request: AuthedRequest, person: Person, care: CarePerson | None) -> HttpResponse:
    initial: dict[str, Any] = {"is_active": True}
    if care is not None:
        initial = {f: getattr(care, f) for f in ("needs", "next_contact_due", "is_active")}
        initial["categories"] = list(care.categories.all())
    form = CareForm(request.POST or None, categories=selectors.care_category_choices(care), initial=initial)
    saved = form_submit(request, form, lambda data: services.care_person_save(by=request.user, person=person, **data))
    if saved is not None:
        messages.success(request, _("%(name)s is on the care register.") % {"name": person.name})
        return redirect("observation:care_detail", care_id=saved.pk)
    title = _("Change %(name)s") % {"name": person.name} if care else _("Add %(name)s to the care register")
    return render(request, "observation/care_form.html", {"form": form, "person": person, "care": care, "title": title})


@login_required
@permission_required("observation.add_careperson", raise_exception=True)
def care_new(request: AuthedRequest) -> HttpResponse:
    person = _person_asked_for(request)
    if person is None:
        return _pick_person(request, "observation/care_form.html", _("Add a person in difficulty"))
    care = selectors.care_of_person(person)
    if care is not None:
        return redirect("observation:care_edit", care_id=care.pk)
    return _care_form_page(request, person, None)


@login_required
@permission_required("observation.change_careperson", raise_exception=True)
def care_edit(request: AuthedRequest, care_id: int) -> HttpResponse:
    care = selectors.care_get_for_user(request.user, care_id)
    return _care_form_page(request, care.person, care)


def _care_page(request: AuthedRequest, care: CarePerson, contact_form: ContactForm | None = None) -> HttpResponse:
    can_record = care.is_active and request.user.has_perm("observation.add_welfarecontact")
    deliveries = selectors.deliveries_for_user(request.user).filter(person=care.person)
    return render(
        request,
        "observation/care_detail.html",
        {
            "care": care,
            "contacts": selectors.care_contacts(care),
            "contact_form": (contact_form or ContactForm()) if can_record else None,
            "deliveries": deliveries[:10] if request.user.has_perm("observation.view_deliveryrequest") else [],
        },
    )


@login_required
@permission_required("observation.view_careperson", raise_exception=True)
def care_detail(request: AuthedRequest, care_id: int) -> HttpResponse:
    return _care_page(request, selectors.care_get_for_user(request.user, care_id))


@login_required
@require_POST
def care_contact(request: AuthedRequest, care_id: int) -> HttpResponse:
    care = selectors.care_get_for_user(request.user, care_id)
    if not request.user.has_perm("observation.add_welfarecontact"):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if form_submit(request, form, lambda data: services.welfare_contact_record(by=request.user, care=care, **data)):
        messages.success(request, _("Contact with %(name)s recorded.") % {"name": care.person.name})
        return redirect("observation:care_detail", care_id=care.pk)
    return _care_page(request, care, form)


urlpatterns = [
    path("deliveries/", delivery_list, name="delivery_list"),
    path("deliveries/export.xlsx", delivery_export, name="delivery_export"),
    path("deliveries/new/", delivery_new, name="delivery_new"),
    path("deliveries/<int:delivery_id>/", delivery_detail, name="delivery_detail"),
    path("deliveries/<int:delivery_id>/assign/", delivery_assign, name="delivery_assign"),
    path("deliveries/<int:delivery_id>/deliver/", delivery_deliver, name="delivery_deliver"),
    path("deliveries/<int:delivery_id>/cancel/", delivery_cancel, name="delivery_cancel"),
    path("care/", care_list, name="care_list"),
    path("care/export.xlsx", care_export, name="care_export"),
    path("care/new/", care_new, name="care_new"),
    path("care/<int:care_id>/", care_detail, name="care_detail"),
    path("care/<int:care_id>/edit/", care_edit, name="care_edit"),
    path("care/<int:care_id>/contact/", care_contact, name="care_contact"),
]
