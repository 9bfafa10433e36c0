"""The items a county keeps in stock (masks by type, disinfectant…): listed for all, changed by the HQ."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core.views.helpers import AuthedRequest
from bastion.residents.forms import ChecklistItemForm
from bastion.residents.services.settings import may_change_lists
from bastion.residents.views.settings import list_entry_edit
from bastion.supplies.models import Item


class ItemForm(ChecklistItemForm):
    category = forms.ChoiceField(label=gettext_lazy("category"), choices=Item.Category.choices)
    unit_of_measure = forms.CharField(label=gettext_lazy("unit of measure"), max_length=20)
    cover_days_threshold = forms.IntegerField(
        label=gettext_lazy("warn below days of cover"), min_value=0, max_value=365, initial=3
    )


@login_required
@permission_required("supplies.view_item", raise_exception=True)
def item_list(request: AuthedRequest) -> HttpResponse:
    context = {"items": Item.objects.all(), "may_change": may_change_lists(request.user)}
    return render(request, "supplies/item_list.html", context)


@login_required
@permission_required("supplies.view_item", raise_exception=True)
def item_edit(request: AuthedRequest, item_id: int = 0) -> HttpResponse:
    if not may_change_lists(request.user):
        raise PermissionDenied(_("Only the HQ changes the items."))
    return list_entry_edit(
        request,
        model=Item,
        item_id=item_id,
        done="supplies:item_list",
        template="supplies/form.html",
        title=str(Item._meta.verbose_name),
        form_class=ItemForm,
        extra_fields=("category", "unit_of_measure", "cover_days_threshold"),
    )


urlpatterns = [
    path("items/", item_list, name="item_list"),
    path("items/new/", item_edit, name="item_new"),
    path("items/<int:item_id>/", item_edit, name="item_edit"),
]
