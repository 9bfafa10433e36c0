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


def list_entry_edit(
    request: AuthedRequest,
    *,
    model: type[ListEntry] | None,
    item_id: int,
    done: str,
    template: str,
    title: str,
    form_class: type[ChecklistItemForm] = ChecklistItemForm,
    extra_fields: tuple[str, ...] = (),
) -> HttpResponse:
    """Add or change an entry of a configurable list (any app's): only for a user whose scope holds the top of
    the tree; ``extra_fields`` are the list's own fields (a reason's default period)."""
    if model is None or not may_change_lists(request.user):
        raise Http404("no such list")
    item = model._default_manager.filter(pk=item_id).first() if item_id else None
    if item_id and item is None:
        raise Http404("no such item")
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {"code": item.code, "sort_order": item.sort_order, "is_active": item.is_active}
        initial |= {"name_zh_hans": item.names.get("zh-hans", ""), "name_en": item.names.get("en", "")}
        initial |= {name: getattr(item, name) for name in extra_fields}
    form = form_class(request.POST or None, editing=item is not None, initial=initial)

    def save(data: dict[str, Any]) -> ListEntry:
        return checklist_item_save(
            by=request.user,
            model=model,
            item=item,
            code=data.get("code") or (item.code if item else ""),
            names={"zh-hans": data["name_zh_hans"], "en": data["name_en"]},
            sort_order=data["sort_order"],
            is_active=data["is_active"],
            extra={name: data[name] for name in extra_fields},
        )

    if form_submit(request, form, save) is not None:
        messages.success(request, _("Saved."))
        return redirect(done)
    return render(request, template, {"form": form, "title": title})


@login_required
@permission_required("residents.view_categorytag", raise_exception=True)
def checklist_item(request: AuthedRequest, kind: str, item_id: int = 0) -> HttpResponse:
    model = LISTS.get(kind)
    return list_entry_edit(
        request,
        model=model,
        item_id=item_id,
        done="residents:checklists",
        template="residents/person_form.html",
        title=_("Category tag") if model is CategoryTag else _("Symptom"),
    )
