from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bastion.core import selectors
from bastion.core.extensions import UNIT_PAGE_SECTIONS
from bastion.core.forms import ContactForm, InstitutionForm, OrgUnitForm, OrgUnitMoveForm
from bastion.core.models import Institution, OrgUnit
from bastion.core.services import orgunits as services
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page

ACTIVE_FILTER = {"1": True, "0": False}


@login_required
@permission_required("core.view_orgunit", raise_exception=True)
def tree(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    active = ACTIVE_FILTER.get(request.GET.get("active", ""))
    context: dict[str, object] = {
        "q": q,
        "kind": kind,
        "active": request.GET.get("active", ""),
        "kinds": OrgUnit.Kind.choices,
    }
    if q or kind or active is not None:
        results = selectors.orgunit_search(request.user, q=q, kind=kind, active=active)
        context["page"] = paginate(request, results)
        context["query"] = query_without_page(request)
    else:
        context["roots"] = list(selectors.orgunit_roots_for_user(request.user))
    return render(request, "core/tree.html", context)


@login_required
@permission_required("core.view_orgunit", raise_exception=True)
def children(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.orgunit_get_for_user(request.user, unit_id)
    return render(request, "core/_tree_children.html", {"unit": unit, "children": selectors.orgunit_children(unit)})


@login_required
@permission_required("core.view_orgunit", raise_exception=True)
def detail(request: AuthedRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = selectors.orgunit_get_for_user(user, unit_id)
    counts = selectors.orgunit_subtree_counts(unit)
    institution_counts = selectors.institution_subtree_counts(unit)
    return render(
        request,
        "core/unit_detail.html",
        {
            "unit": unit,
            "ancestors": selectors.orgunit_ancestors_for_user(user, unit),
            "children": selectors.orgunit_children(unit),
            "institutions": unit.institutions.all() if user.has_perm("core.view_institution") else None,
            "contacts": selectors.contacts_of(unit) if user.has_perm("core.view_unitcontact") else None,
            "responsible": selectors.responsible_users_of(unit),
            "counts": [(label, counts[value]) for value, label in OrgUnit.Kind.choices if counts.get(value)],
            "institution_counts": [
                (label, institution_counts[value])
                for value, label in Institution.Kind.choices
                if institution_counts.get(value)
            ],
            "contact_form": ContactForm(),
            "sections": [section(user, unit) for section in UNIT_PAGE_SECTIONS],
        },
    )


@login_required
@permission_required("core.add_orgunit", raise_exception=True)
def create(request: AuthedRequest, unit_id: int) -> HttpResponse:
    parent = selectors.orgunit_get_for_user(request.user, unit_id)
    form = OrgUnitForm(request.POST or None)
    unit = form_submit(request, form, lambda data: services.orgunit_create(by=request.user, parent=parent, **data))
    if unit is not None:
        messages.success(request, _("%(unit)s was created.") % {"unit": unit.display_name})
        return redirect("core:unit", unit_id=unit.pk)
    return render(
        request,
        "core/unit_form.html",
        {"form": form, "parent": parent, "title": _("New unit under %(unit)s") % {"unit": parent.display_name}},
    )


@login_required
@permission_required("core.change_orgunit", raise_exception=True)
def edit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.orgunit_get_for_user(request.user, unit_id)
    initial = {f: getattr(unit, f) for f in ("kind", "name", "short_name", "division_code", "sort_order", "population")}
    form = OrgUnitForm(request.POST or None, initial=initial)
    if (
        form_submit(request, form, lambda data: services.orgunit_update(by=request.user, unit=unit, data=data))
        is not None
    ):
        messages.success(request, _("Changes saved."))
        return redirect("core:unit", unit_id=unit.pk)
    return render(
        request,
        "core/unit_form.html",
        {"form": form, "unit": unit, "title": _("Edit %(unit)s") % {"unit": unit.display_name}},
    )


@login_required
@permission_required("core.change_orgunit", raise_exception=True)
def move(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.orgunit_get_for_user(request.user, unit_id)
    candidates = selectors.orgunit_choices_for_user(request.user).exclude(
        path__gte=unit.path, path__lt=unit.subtree_bounds[1]
    )
    form = OrgUnitMoveForm(request.POST or None, units=candidates)
    if (
        form_submit(
            request, form, lambda data: services.orgunit_move(by=request.user, unit=unit, new_parent=data["new_parent"])
        )
        is not None
    ):
        messages.success(request, _("%(unit)s was moved.") % {"unit": unit.display_name})
        return redirect("core:unit", unit_id=unit.pk)
    return render(
        request,
        "core/unit_form.html",
        {"form": form, "unit": unit, "title": _("Move %(unit)s") % {"unit": unit.display_name}},
    )


@require_POST
@login_required
@permission_required("core.change_orgunit", raise_exception=True)
def set_active(request: AuthedRequest, unit_id: int, active: bool) -> HttpResponse:
    unit = selectors.orgunit_get_for_user(request.user, unit_id)
    changed = services.orgunit_set_active(by=request.user, unit=unit, active=active)
    if active:
        message = ngettext("%(count)s unit was reactivated.", "%(count)s units were reactivated.", changed)
    else:
        message = ngettext("%(count)s unit was deactivated.", "%(count)s units were deactivated.", changed)
    messages.success(request, message % {"count": changed})
    return redirect("core:unit", unit_id=unit.pk)


@login_required
@permission_required("core.view_institution", raise_exception=True)
def institutions(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "")
    items = selectors.institutions_for_user(request.user, q=q, kind=kind)
    return render(
        request,
        "core/institutions.html",
        {
            "page": paginate(request, items),
            "q": q,
            "kind": kind,
            "kinds": Institution.Kind.choices,
            "query": query_without_page(request),
        },
    )


@login_required
@permission_required("core.add_institution", raise_exception=True)
def institution_create(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.orgunit_get_for_user(request.user, unit_id)
    form = InstitutionForm(request.POST or None)
    if (
        form_submit(
            request,
            form,
            lambda data: services.institution_create(
                by=request.user,
                org_unit=unit,
                kind=data["kind"],
                name=data["name"],
                note=data["note"],
                designated=data["designated"],
            ),
        )
        is not None
    ):
        messages.success(request, _("Institution saved."))
        return redirect("core:unit", unit_id=unit.pk)
    return render(
        request,
        "core/unit_form.html",
        {"form": form, "unit": unit, "title": _("New institution at %(unit)s") % {"unit": unit.display_name}},
    )


@login_required
@permission_required("core.change_institution", raise_exception=True)
def institution_edit(request: AuthedRequest, institution_id: int) -> HttpResponse:
    institution = selectors.institution_get_for_user(request.user, institution_id)
    initial = {f: getattr(institution, f) for f in ("kind", "name", "note", "designated", "is_active")}
    form = InstitutionForm(request.POST or None, initial=initial)
    if (
        form_submit(
            request, form, lambda data: services.institution_update(by=request.user, institution=institution, data=data)
        )
        is not None
    ):
        messages.success(request, _("Changes saved."))
        return redirect("core:unit", unit_id=institution.org_unit_id)
    return render(
        request,
        "core/unit_form.html",
        {"form": form, "unit": institution.org_unit, "title": _("Edit %(name)s") % {"name": institution.name}},
    )


@require_POST
@login_required
@permission_required("core.add_unitcontact", raise_exception=True)
def contact_create(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.orgunit_get_for_user(request.user, unit_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        services.contact_create(by=request.user, org_unit=unit, **form.cleaned_data)
        messages.success(request, _("Contact added."))
        return redirect("core:unit", unit_id=unit.pk)
    return render(
        request,
        "core/unit_form.html",
        {"form": form, "unit": unit, "title": _("New contact at %(unit)s") % {"unit": unit.display_name}},
    )


@require_POST
@login_required
@permission_required("core.delete_unitcontact", raise_exception=True)
def contact_delete(request: AuthedRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, contact_id)
    unit_id = contact.org_unit_id
    services.contact_delete(by=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect("core:unit", unit_id=unit_id)
