"""The observation lists: reasons (with their default period), items asked for, care categories."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from bastion.core.models.lists import ListEntry
from bastion.core.views.helpers import AuthedRequest
from bastion.observation.models import CareCategory, NeedItem, ObservationReason
from bastion.residents.forms import ChecklistItemForm
from bastion.residents.services.settings import may_change_lists
from bastion.residents.views.settings import list_entry_edit

LISTS: dict[str, type[ListEntry]] = {"reasons": ObservationReason, "items": NeedItem, "care-categories": CareCategory}


class ReasonForm(ChecklistItemForm):
    default_days = forms.IntegerField(
        label=gettext_lazy("default period (days)"), min_value=1, max_value=60, initial=14
    )


class NeedItemForm(ChecklistItemForm):
    unit_of_measure = forms.CharField(label=gettext_lazy("unit of measure"), max_length=20, required=False)


FORMS: dict[str, type[ChecklistItemForm]] = {"reasons": ReasonForm, "items": NeedItemForm}
EXTRA = {"reasons": ("default_days",), "items": ("unit_of_measure",)}


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
    return list_entry_edit(
        request,
        model=model,
        item_id=item_id,
        done="observation:lists",
        template="observation/form.html",
        title=str(model._meta.verbose_name) if model else "",
        form_class=FORMS.get(kind, ChecklistItemForm),
        extra_fields=EXTRA.get(kind, ()),
    )


urlpatterns = [
    path("lists/", lists, name="lists"),
    path("lists/<slug:kind>/new/", list_item, name="list_item_new"),
    path("lists/<slug:kind>/<int:item_id>/", list_item, name="list_item"),
]
