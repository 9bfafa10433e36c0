"""The kinds of place and their checklists, changed by the HQ without code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from bastion.core.views.helpers import AuthedRequest, form_submit
from bastion.outreach.forms_places import PlaceChecklistItemForm, PlaceKindForm
from bastion.outreach.models import ChecklistItem, PlaceKind
from bastion.outreach.services.places import checklist_item_save
from bastion.residents.services.settings import may_change_lists
from bastion.residents.views.settings import list_entry_edit


def form_page(
    request: AuthedRequest, form: Any, title: str, *, cancel: str = "", help_text: str = "", files: bool = False
) -> HttpResponse:
    """The outreach form page (places, inspections, disinfections, checklists)."""
    context = {"form": form, "title": title, "cancel": cancel, "help": help_text, "files": files}
    return render(request, "outreach/form.html", context)


def _require_hq(request: AuthedRequest) -> None:
    if not may_change_lists(request.user) or not request.user.has_perm("outreach.change_placekind"):
        raise PermissionDenied(_("Only the HQ changes the kinds of place and their checklists."))


@login_required
def place_kind_list(request: AuthedRequest) -> HttpResponse:
    _require_hq(request)
    kinds = PlaceKind.objects.prefetch_related("checklist").order_by("sort_order", "code")
    return render(request, "outreach/places/place_kinds.html", {"kinds": kinds})


@login_required
def place_kind_edit(request: AuthedRequest, entry_id: int = 0) -> HttpResponse:
    _require_hq(request)
    return list_entry_edit(
        request,
        model=PlaceKind,
        item_id=entry_id,
        done="outreach:place_kind_list",
        template="outreach/form.html",
        title=str(PlaceKind._meta.verbose_name),
        form_class=PlaceKindForm,
        extra_fields=("disinfect_every_days",),
    )


def _checklist_item_form(request: AuthedRequest, kind: PlaceKind, item: ChecklistItem | None) -> HttpResponse:
    initial: dict[str, Any] = {"sort_order": (kind.checklist.count() + 1) * 10, "is_active": True}
    if item is not None:
        initial = {
            "code": item.code,
            "name_zh_hans": item.names.get("zh-hans", ""),
            "name_en": item.names.get("en", ""),
            "sort_order": item.sort_order,
            "is_active": item.is_active,
        }
    form = PlaceChecklistItemForm(request.POST or None, editing=item is not None, initial=initial)

    def save(data: dict[str, Any]) -> ChecklistItem:
        return checklist_item_save(
            by=request.user,
            place_kind=kind,
            item=item,
            code=data.get("code") or (item.code if item else ""),
            names={"zh-hans": data["name_zh_hans"], "en": data["name_en"]},
            sort_order=data["sort_order"],
            is_active=data["is_active"],
        )

    if form_submit(request, form, save) is not None:
        messages.success(request, _("Saved."))
        return redirect("outreach:place_kind_list")
    title = _("Checklist of %(kind)s") % {"kind": kind}
    return form_page(request, form, title, cancel=reverse("outreach:place_kind_list"))


@login_required
def checklist_item_new(request: AuthedRequest, entry_id: int) -> HttpResponse:
    _require_hq(request)
    return _checklist_item_form(request, get_object_or_404(PlaceKind, pk=entry_id), None)


@login_required
def checklist_item_edit(request: AuthedRequest, checklist_item_id: int) -> HttpResponse:
    _require_hq(request)
    item = get_object_or_404(ChecklistItem.objects.select_related("place_kind"), pk=checklist_item_id)
    return _checklist_item_form(request, item.place_kind, item)


urlpatterns: list[URLPattern] = [
    path("settings/place-kinds/", place_kind_list, name="place_kind_list"),
    path("settings/place-kinds/new/", place_kind_edit, name="place_kind_new"),
    path("settings/place-kinds/<int:entry_id>/", place_kind_edit, name="place_kind_edit"),
    path("settings/place-kinds/<int:entry_id>/items/new/", checklist_item_new, name="checklist_item_new"),
    path("settings/checklist-items/<int:checklist_item_id>/", checklist_item_edit, name="checklist_item_edit"),
]
