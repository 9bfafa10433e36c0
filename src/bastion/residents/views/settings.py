"""Category tags and the symptom checklist, changed by the HQ without code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bastion.core.models.lists import ListEntry
from bastion.core.views.helpers import AuthedRequest, form_submit
from bastion.residents.forms import ChecklistItemForm
from bastion.residents.models import CategoryTag, Symptom
from bastion.residents.services.settings import checklist_item_save, may_change_lists

LISTS: dict[str, type[CategoryTag] | type[Symptom]] = {"tags": CategoryTag, "symptoms": Symptom}


@login_required
@permission_required("residents.view_categorytag", raise_exception=True)
def checklists(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "residents/checklists.html",
        {"tags": CategoryTag.objects.all(), "symptoms": Symptom.objects.all()},
    )


@login_required
@permission_required("residents.view_categorytag", raise_exception=True)
def checklist_item(request: AuthedRequest, kind: str, item_id: int = 0) -> HttpResponse:
    model = LISTS.get(kind)
    if model is None or not may_change_lists(request.user):
        raise Http404("no such list")
    item = model.objects.filter(pk=item_id).first() if item_id else None
    if item_id and item is None:
        raise Http404("no such item")
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {"code": item.code, "sort_order": item.sort_order, "is_active": item.is_active}
        initial |= {"name_zh_hans": item.names.get("zh-hans", ""), "name_en": item.names.get("en", "")}
    form = ChecklistItemForm(request.POST or None, editing=item is not None, initial=initial)

    def save(data: dict[str, Any]) -> ListEntry:
        return checklist_item_save(
            by=request.user,
            model=model,
            item=item,
            code=data.get("code") or (item.code if item else ""),
            names={"zh-hans": data["name_zh_hans"], "en": data["name_en"]},
            sort_order=data["sort_order"],
            is_active=data["is_active"],
        )

    if form_submit(request, form, save) is not None:
        messages.success(request, _("Saved."))
        return redirect("residents:checklists")
    title = _("Category tag") if model is CategoryTag else _("Symptom")
    return render(request, "residents/person_form.html", {"form": form, "title": title})
