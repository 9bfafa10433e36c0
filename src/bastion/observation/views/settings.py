"""The observation lists: reasons (with their default period), items asked for, care categories."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core.models.lists import ListEntry
from bastion.core.views.helpers import AuthedRequest, form_submit
from bastion.observation.models import CareCategory, NeedItem, ObservationReason
from bastion.residents.forms import ChecklistItemForm
from bastion.residents.services.settings import checklist_item_save, may_change_lists

LISTS: dict[str, type[ListEntry]] = {"reasons": ObservationReason, "items": NeedItem, "care-categories": CareCategory}


class ReasonForm(ChecklistItemForm):
    default_days = forms.IntegerField(
        label=gettext_lazy("default period (days)"), min_value=1, max_value=60, initial=14
    )


class NeedItemForm(ChecklistItemForm):
    unit_of_measure = forms.CharField(label=gettext_lazy("unit of measure"), max_length=20, required=False)


FORMS: dict[str, type[ChecklistItemForm]] = {"reasons": ReasonForm, "items": NeedItemForm}
EXTRA = {"reasons": ["default_days"], "items": ["unit_of_measure"]}


@login_required
@permission_required("observation.view_observationreason", raise_exception=True)
def lists(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "observation/lists.html",
        {
            "reasons": ObservationReason.objects.all(),
            "items": NeedItem.objects.all(),
            "categories": CareCategory.objects.all(),
            "may_change": may_change_lists(request.user),
        },
    )


@login_required
@permission_required("observation.view_observationreason", raise_exception=True)
def list_item(request: AuthedRequest, kind: str, item_id: int = 0) -> HttpResponse:
    model = LISTS.get(kind)
    if model is None or not may_change_lists(request.user):
        raise Http404("no such list")
    item = model._default_manager.filter(pk=item_id).first() if item_id else None
    if item_id and item is None:
        raise Http404("no such item")
    extra_fields = EXTRA.get(kind, [])
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {"code": item.code, "sort_order": item.sort_order, "is_active": item.is_active}
        initial |= {"name_zh_hans": item.names.get("zh-hans", ""), "name_en": item.names.get("en", "")}
        initial |= {name: getattr(item, name) for name in extra_fields}
    form = FORMS.get(kind, ChecklistItemForm)(request.POST or None, editing=item is not None, initial=initial)

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
        return redirect("observation:lists")
    return render(request, "observation/form.html", {"form": form, "title": model._meta.verbose_name})


urlpatterns = [
    path("lists/", lists, name="lists"),
    path("lists/<slug:kind>/new/", list_item, name="list_item_new"),
    path("lists/<slug:kind>/<int:item_id>/", list_item, name="list_item"),
]
