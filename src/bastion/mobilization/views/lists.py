"""The mobilization lists the HQ changes without code: responder categories, duty types, team kinds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from bastion.core.models.lists import ListEntry
from bastion.core.views.helpers import AuthedRequest
from bastion.mobilization.models import DutyType, ResponderCategory, TeamKind
from bastion.residents.services.settings import may_change_lists
from bastion.residents.views.settings import list_entry_edit

LISTS: dict[str, type[ListEntry]] = {"categories": ResponderCategory, "duty-types": DutyType, "team-kinds": TeamKind}


@login_required
@permission_required("mobilization.view_respondercategory", raise_exception=True)
def lists(request: AuthedRequest) -> HttpResponse:
    sections = [
        (name, model._meta.verbose_name_plural, model._default_manager.all(), _perm(request, model))
        for name, model in LISTS.items()
    ]
    return render(
        request,
        "mobilization/lists.html",
        {"sections": sections, "may_change": may_change_lists(request.user)},
    )


def _perm(request: AuthedRequest, model: type[ListEntry]) -> bool:
    """May the user add entries to this list (their role; the scope is checked apart)."""
    return request.user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}")


@login_required
@permission_required("mobilization.view_respondercategory", raise_exception=True)
def list_entry(request: AuthedRequest, list_name: str, entry_id: int) -> HttpResponse:
    """Add (``entry_id`` 0) or change an entry of one of the lists."""
    model = LISTS.get(list_name)
    return list_entry_edit(
        request,
        model=model,
        item_id=entry_id,
        done="mobilization:lists",
        template="mobilization/form.html",
        title=str(model._meta.verbose_name) if model else "",
    )


urlpatterns = [
    path("lists/", lists, name="lists"),
    path("lists/<slug:list_name>/<int:entry_id>/", list_entry, name="list_entry"),
]
