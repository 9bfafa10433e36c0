"""The person register: search, register, look at one person, reveal a number, households, merges."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.services.audit import audit_record
from bastion.core.services.personal import personal_data_reveal
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _dated, _xlsx
from bastion.residents import selectors
from bastion.residents.forms import HouseholdForm, HouseholdHeadForm, MergeForm, PersonForm, TravelForm
from bastion.residents.imports.writing import persons_workbook
from bastion.residents.models import Person
from bastion.residents.services import persons as services

UNIT_LEVELS = 6  # down to ten-household groups


def _filters(request: AuthedRequest) -> tuple[str, str, OrgUnit | None]:
    data = request.POST if request.method == "POST" else request.GET
    return data.get("q", "").strip(), data.get("tag", ""), unit_asked_for(request, data)


@login_required
@permission_required("residents.view_person", raise_exception=True)
def person_list(request: AuthedRequest) -> HttpResponse:
    """The search form posts, so that an ID or phone number searched for never appears in a URL or a log;
    a name search is sent back as a link that can be paged and shared."""
    q, tag, unit = _filters(request)
    if request.method == "POST":
        if not selectors.is_personal_number(q):
            params = {k: v for k, v in {"q": q, "tag": tag, "unit": unit.pk if unit else ""}.items() if v}
            return redirect(f"{reverse('residents:person_list')}?{urlencode(params)}")
    elif selectors.is_personal_number(q):
        q = ""  # a number typed into the address bar is not searched for
    persons = selectors.person_search(request.user, q, tag=tag, unit=unit)
    return render(
        request,
        "residents/person_list.html",
        {
            "page": paginate(request, persons),
            "query": query_without_page(request),
            "q": "" if selectors.is_personal_number(q) else q,
            "number_search": selectors.is_personal_number(q),
            "tag": tag,
            "unit": unit,
            "tags": selectors.tag_choices(),
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        },
    )


@login_required
@permission_required("residents.export_person", raise_exception=True)
def person_export(request: AuthedRequest) -> HttpResponse:
    """Every person of the search, with numbers in full: a permission of its own, and audited."""
    q, tag, unit = _filters(request)
    persons = selectors.person_search(request.user, q, tag=tag, unit=unit)
    with transaction.atomic():
        audit_record(
            by=request.user,
            action="person.export",
            object_type="residents.person",
            summary={"q": bool(q), "tag": tag, "unit": unit.pk if unit else None, "count": persons.count()},
        )
    return _xlsx(persons_workbook(persons.iterator(chunk_size=2000), reveal=True), _dated("persons"))


def _person_form(request: AuthedRequest, person: Person | None) -> PersonForm:
    units = core_selectors.orgunit_choices_for_user(request.user, levels=UNIT_LEVELS)
    unit = person.org_unit if person else None
    households = (
        selectors.household_choices_for_user(request.user, unit)
        if unit
        else selectors.households_for_user(request.user)
    )
    initial = {}
    if person is not None:
        initial = {f: getattr(person, f) for f in ("name", "org_unit", "address", "sex", "birth_date", "household")}
        initial["tags"] = list(person.tags.all())
    elif request.GET.get("household", "").isdigit():
        household = selectors.household_get_for_user(request.user, int(request.GET["household"]))
        initial = {"household": household, "org_unit": household.org_unit, "address": household.address}
    return PersonForm(request.POST or None, units=units, households=households, initial=initial)


@login_required
@permission_required("residents.add_person", raise_exception=True)
def person_new(request: AuthedRequest) -> HttpResponse:
    form = _person_form(request, None)
    person = form_submit(request, form, lambda data: services.person_register(by=request.user, **data))
    if person is not None:
        messages.success(request, _("%(name)s is registered.") % {"name": person.name})
        return redirect("residents:person_detail", person_id=person.pk)
    return render(request, "residents/person_form.html", {"form": form, "title": _("Register a person")})


@login_required
@permission_required("residents.change_person", raise_exception=True)
def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, person_id)
    form = _person_form(request, person)

    def save(data: dict[str, Any]) -> Person:
        data = {k: v for k, v in data.items() if v or k not in ("id_number", "phone")}  # blank: unchanged
        return services.person_update(by=request.user, person=person, **data)

    if form_submit(request, form, save) is not None:
        messages.success(request, _("Saved."))
        return redirect("residents:person_detail", person_id=person.pk)
    return render(
        request,
        "residents/person_form.html",
        {"form": form, "person": person, "title": _("Change %(name)s") % {"name": person.name}},
    )


@login_required
@permission_required("residents.view_person", raise_exception=True)
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, person_id)
    return render(
        request,
        "residents/person_detail.html",
        {
            "person": person,
            "travels": person.travels.all(),
            "tasks": person.visit_tasks.select_related("round__campaign", "org_unit").order_by("-round__opened_at"),
            "travel_form": TravelForm(),
        },
    )


@login_required
@require_POST
def person_reveal(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Show one number in full, once, on this page; the reveal is an audit event. Never in a URL."""
    person = selectors.person_get_for_user(request.user, person_id)
    field = request.POST.get("field", "")
    if field not in ("id_number", "phone"):
        raise PermissionDenied
    value = personal_data_reveal(
        by=request.user, obj=person, field=field, org_unit=person.org_unit, permission="residents.reveal_personal_data"
    )
    return render(request, "residents/_revealed.html", {"value": value, "field": field})


@login_required
@permission_required("residents.add_travelentry", raise_exception=True)
def travel_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, person_id)
    form = TravelForm(request.POST or None)
    if form_submit(request, form, lambda data: services.travel_entry_add(by=request.user, person=person, **data)):
        messages.success(request, _("Travel entry added."))
        return redirect("residents:person_detail", person_id=person.pk)
    return render(request, "residents/travel_form.html", {"form": form, "person": person})


@login_required
@permission_required("residents.view_household", raise_exception=True)
def household_list(request: AuthedRequest) -> HttpResponse:
    _q, _tag, unit = _filters(request)
    households = selectors.households_for_user(request.user, unit)
    q = request.GET.get("q", "").strip()
    if q:
        households = households.filter(address__icontains=q)
    return render(
        request,
        "residents/household_list.html",
        {
            "page": paginate(request, households),
            "query": query_without_page(request),
            "q": q,
            "unit": unit,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=UNIT_LEVELS),
        },
    )


@login_required
@permission_required("residents.add_household", raise_exception=True)
def household_new(request: AuthedRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None, units=core_selectors.orgunit_choices_for_user(request.user, levels=6))
    household = form_submit(request, form, lambda data: services.household_create(by=request.user, **data))
    if household is not None:
        return redirect("residents:household_detail", household_id=household.pk)
    return render(request, "residents/person_form.html", {"form": form, "title": _("New household")})


@login_required
@permission_required("residents.view_household", raise_exception=True)
def household_detail(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(request.user, household_id)
    members = selectors.persons_for_user(request.user).filter(household=household).prefetch_related("tags")
    form = HouseholdHeadForm(
        request.POST or None, members=members, initial={"address": household.address, "head": household.head}
    )
    if request.method == "POST":
        if not request.user.has_perm("residents.change_household"):
            raise PermissionDenied
        if form_submit(request, form, lambda d: services.household_update(by=request.user, household=household, **d)):
            messages.success(request, _("Saved."))
            return redirect("residents:household_detail", household_id=household.pk)
    group_head = getattr(household.org_unit, "group_head", None)
    return render(
        request,
        "residents/household_detail.html",
        {"household": household, "members": members, "form": form, "group_head": group_head},
    )


@login_required
@permission_required("residents.merge_person", raise_exception=True)
def duplicates(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid():
            keep = selectors.person_get_for_user(request.user, form.cleaned_data["keep"])
            duplicate = selectors.person_get_for_user(request.user, form.cleaned_data["duplicate"])
            try:
                services.person_merge(by=request.user, keep=keep, duplicate=duplicate)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(name)s: the two records are now one.") % {"name": keep.name})
        return redirect("residents:duplicates")
    return render(request, "residents/duplicates.html", {"groups": selectors.likely_duplicates_for_user(request.user)})
